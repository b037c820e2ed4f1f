import type { AwsClients } from '../aws/clients';
import { Ec2Adapter } from '../aws/ec2';
import { RdsAdapter } from '../aws/rds';
import type { Catalog } from '../catalog/catalog';
import type { BackupPorts, BackupTelemetry, EbsPort, RdsPort } from './ports';

/** The backup ports on real AWS (or the emulator the clients point at); adapters built once per region. */
export function backupPorts(clients: AwsClients, catalog: Catalog, telemetry?: BackupTelemetry): BackupPorts {
  const ebs = new Map<string, EbsPort>();
  const rds = new Map<string, RdsPort>();
  return {
    catalog,
    telemetry,
    ebs(region) {
      let port = ebs.get(region);
      if (port === undefined) {
        port = new Ec2Adapter(clients.ec2(region), region);
        ebs.set(region, port);
      }
      return port;
    },
    rds(region) {
      let port = rds.get(region);
      if (port === undefined) {
        port = new RdsAdapter(clients.rds(region), region);
        rds.set(region, port);
      }
      return port;
    },
  };
}
