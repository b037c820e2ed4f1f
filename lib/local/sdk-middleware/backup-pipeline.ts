import { advanceBackup, type BackupLimits } from '../../backup/advance-backup';
import type { SnapshotSignal } from '../../backup/events';
import type { BackupRef } from '../../backup/on-snapshot-event';
import { onSnapshotEvent } from '../../backup/on-snapshot-event';
import type { BackupPorts } from '../../backup/ports';
import { startBackup } from '../../backup/start-backup';
import { sweepBackups } from '../../backup/sweep-backups';
import type { LifeboatConfig } from '../../config/schema';
import { asError } from '../../errors';
import type { EventFeeder } from './event-feeder';
import type { SimulatedClock } from './simulated-clock';
import type { CompletedSnapshot, SnapshotLifecycle } from './snapshot-lifecycle';

/** One Lambda invocation in the simulated run. */
export interface Invocation {
  fn: 'start-backup' | 'on-snapshot-event' | 'sweep-backups' | 'advance-backup';
  startedAt: number;
  durationMs: number;
  error?: string;
}

export interface PipelineOptions {
  ports: BackupPorts;
  clock: SimulatedClock;
  lifecycle: SnapshotLifecycle;
  config: LifeboatConfig;
  feeder: EventFeeder;
  /** The schedule time every site's backup is started for. */
  scheduledAt: Date;
  limits?: Partial<BackupLimits>;
  /** How often the reconciler runs (rate(5 minutes) in serverless.yml). */
  sweepEveryMs?: number;
  /** How often completion events are looked for and delivered. */
  eventEveryMs?: number;
  /** SQS batch size of the advance-backup worker. */
  batchSize?: number;
  /** Stop after this much simulated time even if backups are still open. */
  maxDurationMs?: number;
}

export interface PipelineResult {
  invocations: Invocation[];
  /** Simulated ms from the schedule until no backup was open. */
  durationMs: number;
  finished: boolean;
}

/** Lambda retries a failed asynchronous invocation twice. https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html */
const LAMBDA_ASYNC_RETRIES = 2;

const DEFAULTS = {
  sweepEveryMs: 5 * 60_000,
  eventEveryMs: 30_000,
  batchSize: 10,
  maxDurationMs: 48 * 3_600_000,
};

/** The signal EventBridge would deliver for a finished snapshot or copy (EBS notification or RDS event). */
function signalOf(done: CompletedSnapshot, primaryRegion: string): SnapshotSignal {
  if (done.kind === 'rds-snapshot' || done.kind === 'rds-copy')
    return { service: 'rds', region: done.region, snapshotId: done.id, event: 'RDS-EVENT-0042' };
  const copy = done.kind === 'ebs-copy';
  return {
    service: 'ebs',
    region: done.region,
    snapshotId: done.id,
    sourceSnapshotId: copy ? done.tags['lifeboat:source-snapshot'] : undefined,
    sourceRegion: copy ? primaryRegion : undefined,
    event: copy ? 'copySnapshot' : 'createSnapshot',
  };
}

/**
 * Runs the backup pipeline the way it runs in AWS, on simulated time and through the backup use
 * cases: one start-backup invocation per site's schedule, one on-snapshot-event invocation per
 * (possibly duplicated, dropped or reordered) completion event, the sweeper every few minutes
 * dispatching open backups to advance-backup workers in SQS-sized batches.
 */
export async function runBackupPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const o = { ...DEFAULTS, ...options };
  const { clock, ports, config, feeder, lifecycle } = o;
  const invocations: Invocation[] = [];
  const running = new Set<Promise<void>>();
  const start = clock.nowMs();
  const primaryRegion = config.sites[0]?.regions.primary ?? 'us-east-1';

  /** One invocation; asynchronous ones (schedule, event) are retried twice by Lambda, after ~1 and ~2 min. */
  function invoke(fn: Invocation['fn'], work: () => Promise<unknown>, asyncRetries = 0): void {
    const attempt = async () => {
      for (let retry = 0; ; retry += 1) {
        const startedAt = clock.nowMs();
        try {
          await work();
          invocations.push({ fn, startedAt, durationMs: clock.nowMs() - startedAt });
          return;
        } catch (error) {
          invocations.push({
            fn,
            startedAt,
            durationMs: clock.nowMs() - startedAt,
            error: asError(error).name,
          });
          if (retry >= asyncRetries) return;
          await clock.sleep(60_000 * (retry + 1));
        }
      }
    };
    const tracked: Promise<void> = attempt().finally(() => running.delete(tracked));
    running.add(tracked);
  }

  const dispatch = async (refs: BackupRef[]) => {
    for (let i = 0; i < refs.length; i += o.batchSize) {
      const batch = refs.slice(i, i + o.batchSize);
      invoke('advance-backup', async () => {
        for (const ref of batch) {
          const site = config.sites.find((s) => s.name === ref.site);
          // A failed item goes back to the queue; the next sweep dispatches it again anyway.
          if (site !== undefined)
            await advanceBackup(ports, clock, site, ref.backupId, o.limits).catch(() => undefined);
        }
      });
    }
  };

  for (const site of feeder.feed(config.sites, { droppable: false })) {
    invoke(
      'start-backup',
      () => startBackup(ports, clock, { site, kind: 'scheduled', at: o.scheduledAt }, o.limits),
      LAMBDA_ASYNC_RETRIES,
    );
  }

  let lastEvents = clock.nowMs();
  let nextSweep = start + o.sweepEveryMs;
  let open = Number.POSITIVE_INFINITY;
  while (clock.nowMs() - start < o.maxDurationMs) {
    await clock.sleep(o.eventEveryMs);
    const now = clock.nowMs();
    const completed = lifecycle.completedBetween(lastEvents, now);
    lastEvents = now;
    for (const done of feeder.feed(completed)) {
      invoke(
        'on-snapshot-event',
        () => onSnapshotEvent(ports, clock, config, [signalOf(done, primaryRegion)], o.limits),
        LAMBDA_ASYNC_RETRIES,
      );
    }
    if (now >= nextSweep) {
      nextSweep += o.sweepEveryMs;
      let dispatched = 0;
      const sweep = sweepBackups(ports, clock, config.sites, async (refs) => {
        dispatched += refs.length;
        await dispatch(refs);
      });
      invoke('sweep-backups', () => sweep);
      await sweep.catch(() => undefined);
      open = dispatched;
      if (open === 0 && running.size <= 1) {
        await Promise.all(running);
        break;
      }
    }
  }
  await Promise.all(running);
  return { invocations, durationMs: clock.nowMs() - start, finished: open === 0 };
}
