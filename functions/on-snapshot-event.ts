import { parseSnapshotEvent } from '../lib/backup/events';
import { onSnapshotEvent } from '../lib/backup/on-snapshot-event';
import { backupLimitsFromEnv, defaultBackupPorts } from '../lib/backup/wiring';
import { systemClock } from '../lib/clock';
import { defaultConfig } from '../lib/config/load';
import { lambda, logger } from '../lib/middleware/lambda';

const limits = backupLimitsFromEnv();

/**
 * Advances the backups an EBS or RDS snapshot event concerns ("EBS Snapshot Notification",
 * "EBS Multi-Volume Snapshots Completion Status", "RDS DB (Cluster) Snapshot Event").
 */
export const handler = lambda(async function onSnapshotEventHandler(event: unknown) {
  const signals = parseSnapshotEvent(event);
  const outcome = await onSnapshotEvent(defaultBackupPorts(), systemClock, defaultConfig(), signals, limits);
  logger.info('snapshot event handled', { events: signals.map((s) => s.event), ...outcome });
  return outcome;
});
