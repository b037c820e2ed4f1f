import settings from './snapshot-event-queue.json';

/**
 * How EventBridge's snapshot events reach on-snapshot-event through SnapshotEventQueue: one file
 * (snapshot-event-queue.json) that serverless.yml reads for the event source mapping and the queue,
 * and the bench reads for its model of the deliveries, so the two cannot drift apart.
 */
export interface SnapshotEventQueueSettings {
  /** Records per invocation at most. */
  batchSize: number;
  /** How long Lambda gathers records before it invokes with fewer than batchSize. */
  maximumBatchingWindowSeconds: number;
  /** Invocations the event source mapping runs at once (the function's reserved concurrency too). */
  maximumConcurrency: number;
  /** A record in flight is hidden this long (6 × the function's 120 s timeout, as AWS advises). */
  visibilityTimeoutSeconds: number;
  /** Deliveries before a record moves to the dead-letter queue. */
  maxReceiveCount: number;
  /**
   * How long the sweeper leaves a pending snapshot or copy to its completion event before it looks
   * it up in AWS itself (BackupLimits.eventGraceMs; LIFEBOAT_EVENT_GRACE_MS in serverless.yml).
   */
  eventGraceMs: number;
  /**
   * How long one batch waits in all for EC2's request budget (BackupLimits.pacingWaitMs, shared by
   * its backups; LIFEBOAT_PACING_WAIT_MS of on-snapshot-event): an eighth of the 120 s timeout.
   */
  pacingWaitMs: number;
  /** A batch begins no backup once less than this is left of its timeout (the rest is delivered again). */
  finishReserveMs: number;
}

export const SNAPSHOT_EVENT_QUEUE: SnapshotEventQueueSettings = settings;
