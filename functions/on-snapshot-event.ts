import { parseQueuedSnapshotEvent, parseSnapshotEvent, sqsRecords } from '../lib/backup/events';
import { type EventBatchItem, onSnapshotEvent, onSnapshotEvents } from '../lib/backup/on-snapshot-event';
import { SNAPSHOT_EVENT_QUEUE } from '../lib/backup/snapshot-event-queue';
import { backupLimitsFromEnv, defaultBackupPorts } from '../lib/backup/wiring';
import { systemClock } from '../lib/clock';
import { defaultConfig } from '../lib/config/load';
import { asError } from '../lib/errors';
import { lambda, logger, stopTime } from '../lib/middleware/lambda';

const limits = backupLimitsFromEnv();

/** Lambda's answer to an SQS batch: only these records are delivered again (ReportBatchItemFailures). */
interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * Advances the backups that EBS and RDS snapshot events concern ("EBS Snapshot Notification",
 * "EBS Multi-Volume Snapshots Completion Status", "RDS DB (Cluster) Snapshot Event"), delivered in
 * batches by the snapshot-event queue: each backup once per batch. A record that does not parse
 * is logged and dropped (it can never succeed); a record whose backup could not be advanced is
 * reported, so SQS delivers only it again. A direct EventBridge event (invoke local) still works.
 */
export const handler = lambda(async function onSnapshotEventHandler(
  event: unknown,
  context?: { getRemainingTimeInMillis?: () => number },
) {
  const records = sqsRecords(event);
  if (records === undefined) {
    const signals = parseSnapshotEvent(event);
    const outcome = await onSnapshotEvent(
      defaultBackupPorts(),
      systemClock,
      defaultConfig(),
      signals,
      limits,
    );
    logger.info('snapshot event handled', { events: signals.map((s) => s.event), ...outcome });
    return outcome;
  }
  const items: EventBatchItem[] = [];
  for (const record of records) {
    try {
      items.push({ id: record.messageId, signals: parseQueuedSnapshotEvent(record) });
    } catch (error) {
      logger.error('dropping a snapshot-event record that can never succeed', {
        messageId: record.messageId,
        error: asError(error).message,
      });
    }
  }
  const { failed, ...outcome } = await onSnapshotEvents(
    defaultBackupPorts(),
    systemClock,
    defaultConfig(),
    items,
    limits,
    stopTime(context, SNAPSHOT_EVENT_QUEUE.finishReserveMs),
  );
  for (const f of failed)
    logger.warn('snapshot events left for redelivery', { records: f.ids, error: asError(f.error).message });
  logger.info('snapshot events handled', { records: records.length, ...outcome });
  const response: BatchResponse = {
    batchItemFailures: [...new Set(failed.flatMap((f) => f.ids))].map((id) => ({ itemIdentifier: id })),
  };
  return response;
});
