import { type AwsClients, defaultClients } from '../aws/clients';
import { Ec2Adapter } from '../aws/ec2';
import { RdsAdapter } from '../aws/rds';
import type { Catalog } from '../catalog/catalog';
import { defaultCatalog } from '../catalog/default';
import { getIntFromEnv } from '../env';
import { backupMetrics } from '../telemetry/metrics';
import { type BackupLimits, DEFAULT_BACKUP_LIMITS } from './advance-backup';
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

/**
 * Backup limits from the environment: LIFEBOAT_EBS_COPY_LIMIT (default 20, AWS's quota),
 * LIFEBOAT_RDS_COPY_LIMIT (default 5), LIFEBOAT_MAX_STARTS_PER_CALL (default 20).
 */
export function backupLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): BackupLimits {
  return {
    ...DEFAULT_BACKUP_LIMITS,
    ebsCopiesInFlight: getIntFromEnv('LIFEBOAT_EBS_COPY_LIMIT', DEFAULT_BACKUP_LIMITS.ebsCopiesInFlight, env),
    rdsCopiesInFlight: getIntFromEnv('LIFEBOAT_RDS_COPY_LIMIT', DEFAULT_BACKUP_LIMITS.rdsCopiesInFlight, env),
    maxStartsPerCall: getIntFromEnv(
      'LIFEBOAT_MAX_STARTS_PER_CALL',
      DEFAULT_BACKUP_LIMITS.maxStartsPerCall,
      env,
    ),
  };
}

let processPorts: BackupPorts | undefined;

/** The process-wide backup ports: clients from the environment, the CATALOG_BUCKET catalog, metrics. */
export function defaultBackupPorts(): BackupPorts {
  processPorts ??= backupPorts(defaultClients(), defaultCatalog(), backupMetrics());
  return processPorts;
}
