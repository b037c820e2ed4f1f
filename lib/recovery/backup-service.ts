import type { AwsClients } from '../aws/clients';
import { advanceBackup } from '../backup/advance-backup';
import { backupPorts } from '../backup/default-ports';
import { startBackup } from '../backup/start-backup';
import type { Catalog } from '../catalog/catalog';
import type { Clock } from '../clock';
import type { BackupService } from './ports';

/** The backup pipeline's start and advance use cases on the same clients and catalog. */
export function backupService(clients: AwsClients, catalog: Catalog, clock: Clock): BackupService {
  const ports = backupPorts(clients, catalog);
  return {
    start: (request) => startBackup(ports, clock, request),
    advance: (site, backupId) => advanceBackup(ports, clock, site, backupId),
  };
}
