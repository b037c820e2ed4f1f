import { advanceBackup, type BackupLimits } from '../../lib/backup/advance-backup';
import { WORK_PER_MESSAGE } from '../../lib/backup/dispatch';
import type { SnapshotSignal } from '../../lib/backup/events';
import type { BackupRef, EventBatchItem } from '../../lib/backup/on-snapshot-event';
import { onSnapshotEvents } from '../../lib/backup/on-snapshot-event';
import type { BackupPorts } from '../../lib/backup/ports';
import { SNAPSHOT_EVENT_QUEUE } from '../../lib/backup/snapshot-event-queue';
import { SnapshotReads } from '../../lib/backup/snapshot-reads';
import { startBackup } from '../../lib/backup/start-backup';
import { type SweepResult, sweepBackups } from '../../lib/backup/sweep-backups';
import type { LifeboatConfig } from '../../lib/config/schema';
import { asError } from '../../lib/errors';
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
  /**
   * How often completion events are looked for and delivered: the snapshot-event queue's batching
   * window by default (each look hands over what the window gathered, in batches of batchSize).
   */
  eventEveryMs?: number;
  /** Reserved concurrency per function (serverless.yml): throttled async invocations wait in Lambda's queue. */
  concurrency?: Partial<Record<Invocation['fn'], number>>;
  /** Stop after this much simulated time even if backups are still open. */
  maxDurationMs?: number;
  /** Told after every sweep what it found (progress output, DR freshness samples). */
  onSweep?: (sweep: SweepResult, simulatedMs: number) => void;
  /** Nightly schedules to run, 24 h apart (default 1). */
  nights?: number;
  /** True once nothing is open (the bench reads its catalog without counting the reads). */
  allTerminal?: () => Promise<boolean>;
}

export interface PipelineResult {
  invocations: Invocation[];
  /** Snapshot events that went to the dead-letter queue after maxReceiveCount deliveries. */
  deadLettered: number;
  /** Simulated ms from the schedule until no backup was open. */
  durationMs: number;
  finished: boolean;
}

/** Lambda retries a failed asynchronous invocation twice. https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html */
const LAMBDA_ASYNC_RETRIES = 2;

const DEFAULTS = {
  sweepEveryMs: 5 * 60_000,
  eventEveryMs: SNAPSHOT_EVENT_QUEUE.maximumBatchingWindowSeconds * 1000,
  maxDurationMs: 48 * 3_600_000,
};

/** serverless.yml's reserved concurrency: startBackup 10, advanceBackup 5, onSnapshotEvent the queue's. */
const RESERVED_CONCURRENCY: Partial<Record<Invocation['fn'], number>> = {
  'start-backup': 10,
  'advance-backup': 5,
  'on-snapshot-event': SNAPSHOT_EVENT_QUEUE.maximumConcurrency,
};

/**
 * serverless.yml's timeouts (tests/security/time-budgets.test.ts holds them to the packaged
 * template). The bench does not stop an invocation at its timeout; it counts those that ran over.
 */
export const FUNCTION_TIMEOUT_MS: Record<Invocation['fn'], number> = {
  'start-backup': 120_000,
  'on-snapshot-event': 120_000,
  'sweep-backups': 300_000,
  'advance-backup': 120_000,
};

/** One snapshot event waiting in the snapshot-event queue. */
interface QueuedSignal {
  id: string;
  signal: SnapshotSignal;
  receives: number;
  visibleAt: number;
}

const DAY_MS = 24 * 3_600_000;

/** A counting semaphore: at most `limit` holders at once, the rest wait in order. */
class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.used >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.used += 1;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.used -= 1;
    }
  }
}

/** The signal EventBridge would deliver for a finished snapshot or copy (EBS notification or RDS event). */
function signalOf(done: CompletedSnapshot, primaryRegion: string): SnapshotSignal {
  if (done.kind === 'rds-snapshot' || done.kind === 'rds-copy')
    return {
      service: 'rds',
      region: done.region,
      snapshotId: done.id,
      event: done.kind === 'rds-copy' ? 'RDS-EVENT-0060' : 'RDS-EVENT-0042',
    };
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
 * cases: one start-backup invocation per site's schedule, the (possibly duplicated, dropped or
 * reordered) completion events gathered by the snapshot-event queue and handed to on-snapshot-event
 * in batches (size and window of lib/backup/snapshot-event-queue.json; a record reported failed
 * is delivered again after the visibility timeout, up to maxReceiveCount times), the sweeper every
 * few minutes dispatching each open backup to an advance-backup invocation, each function within
 * its reserved concurrency.
 */
export async function runBackupPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const o = { ...DEFAULTS, ...options };
  const { clock, ports, config, feeder, lifecycle } = o;
  const invocations: Invocation[] = [];
  const running = new Set<Promise<void>>();
  const start = clock.nowMs();
  const primaryRegion = config.sites[0]?.regions.primary ?? 'us-east-1';
  const concurrency = { ...RESERVED_CONCURRENCY, ...o.concurrency };
  const slots = new Map<Invocation['fn'], Slots>();
  const slotsOf = (fn: Invocation['fn']) => {
    let found = slots.get(fn);
    if (found === undefined) {
      found = new Slots(concurrency[fn] ?? Number.POSITIVE_INFINITY);
      slots.set(fn, found);
    }
    return found;
  };

  /** One invocation; asynchronous ones (schedule, event) are retried twice by Lambda, after ~1 and ~2 min. */
  function invoke(fn: Invocation['fn'], work: () => Promise<unknown>, asyncRetries = 0): void {
    const attempt = async () => {
      for (let retry = 0; ; retry += 1) {
        const failed = await slotsOf(fn).run(async () => {
          const startedAt = clock.nowMs();
          try {
            await work();
            invocations.push({ fn, startedAt, durationMs: clock.nowMs() - startedAt });
            return false;
          } catch (error) {
            const name = asError(error).name;
            invocations.push({ fn, startedAt, durationMs: clock.nowMs() - startedAt, error: name });
            return true;
          }
        });
        if (!failed || retry >= asyncRetries) return;
        await clock.sleep(60_000 * (retry + 1));
      }
    };
    const tracked: Promise<void> = attempt().finally(() => running.delete(tracked));
    running.add(tracked);
  }

  // SNS messages of up to WORK_PER_MESSAGE backups, one advance-backup invocation per message
  // advancing them together (functions/advance-backup.ts), retried by Lambda.
  const dispatch = async (refs: BackupRef[]) => {
    for (let i = 0; i < refs.length; i += WORK_PER_MESSAGE) {
      const batch = refs.slice(i, i + WORK_PER_MESSAGE);
      invoke(
        'advance-backup',
        () => {
          // As functions/advance-backup.ts: one invocation's reads serve its whole message.
          const reads = new SnapshotReads(ports);
          return Promise.all(
            batch.map((ref) => {
              const site = config.sites.find((s) => s.name === ref.site);
              return site === undefined
                ? undefined
                : advanceBackup(ports, clock, site, ref.backupId, sweeperLimits, {
                    sites: config.sites,
                    fromSweeper: true,
                    reads,
                  });
            }),
          );
        },
        LAMBDA_ASYNC_RETRIES,
      );
    }
  };

  // As deployed (serverless.yml): the sweeper's workers leave recent starts to their events.
  const sweeperLimits = { eventGraceMs: SNAPSHOT_EVENT_QUEUE.eventGraceMs, ...o.limits };

  const nights = o.nights ?? 1;
  const schedule = (night: number) => {
    const at = new Date(o.scheduledAt.getTime() + night * DAY_MS);
    for (const site of feeder.feed(config.sites, { droppable: false })) {
      invoke(
        'start-backup',
        () => startBackup(ports, clock, { site, kind: 'scheduled', at }, o.limits),
        LAMBDA_ASYNC_RETRIES,
      );
    }
  };
  schedule(0);
  let scheduled = 1;

  // The snapshot-event queue: what is visible is handed over in batches of batchSize each look.
  const queue: QueuedSignal[] = [];
  let messages = 0;
  let deadLettered = 0;
  const visibilityMs = SNAPSHOT_EVENT_QUEUE.visibilityTimeoutSeconds * 1000;
  const deliver = (now: number) => {
    const visible = queue.filter((q) => q.visibleAt <= now);
    for (const q of visible) queue.splice(queue.indexOf(q), 1);
    for (let i = 0; i < visible.length; i += SNAPSHOT_EVENT_QUEUE.batchSize) {
      const batch = visible.slice(i, i + SNAPSHOT_EVENT_QUEUE.batchSize);
      for (const q of batch) q.receives += 1;
      const redeliver = (ids: ReadonlySet<string>) => {
        for (const q of batch.filter((x) => ids.has(x.id))) {
          if (q.receives >= SNAPSHOT_EVENT_QUEUE.maxReceiveCount) deadLettered += 1;
          else queue.push({ ...q, visibleAt: clock.nowMs() + visibilityMs });
        }
      };
      const items: EventBatchItem[] = batch.map((q) => ({ id: q.id, signals: [q.signal] }));
      invoke('on-snapshot-event', async () => {
        const deadline = new Date(
          clock.nowMs() + FUNCTION_TIMEOUT_MS['on-snapshot-event'] - SNAPSHOT_EVENT_QUEUE.finishReserveMs,
        );
        try {
          const outcome = await onSnapshotEvents(
            ports,
            clock,
            config,
            items,
            { pacingWaitMs: SNAPSHOT_EVENT_QUEUE.pacingWaitMs, ...o.limits },
            deadline,
          );
          redeliver(new Set(outcome.failed.flatMap((f) => f.ids)));
          // Lambda counts a batch with failed records as handled; the failures are redelivered.
          return outcome;
        } catch (error) {
          redeliver(new Set(batch.map((q) => q.id)));
          throw error;
        }
      });
    }
  };

  let lastEvents = clock.nowMs();
  let nextSweep = start + o.sweepEveryMs;
  let open = Number.POSITIVE_INFINITY;
  while (clock.nowMs() - start < o.maxDurationMs) {
    await clock.sleep(o.eventEveryMs);
    const now = clock.nowMs();
    if (scheduled < nights && now - start >= scheduled * DAY_MS) {
      schedule(scheduled);
      scheduled += 1;
    }
    const completed = lifecycle.completedBetween(lastEvents, now);
    lastEvents = now;
    for (const done of feeder.feed(completed)) {
      queue.push({
        id: `m${++messages}`,
        signal: signalOf(done, primaryRegion),
        receives: 0,
        visibleAt: now,
      });
    }
    deliver(now);
    if (now >= nextSweep) {
      nextSweep += o.sweepEveryMs;
      const sweep = sweepBackups(ports, clock, config.sites, dispatch, undefined, { limits: o.limits });
      invoke('sweep-backups', () => sweep);
      const swept = await sweep.catch(() => undefined);
      if (swept !== undefined) o.onSweep?.(swept, clock.nowMs() - start);
      const allTerminal =
        o.allTerminal ??
        (async () =>
          (await ports.catalog.openWork('active')).length +
            (await ports.catalog.openWork('parked')).length ===
          0);
      const done = scheduled >= nights && (await allTerminal());
      open = done ? 0 : Number.POSITIVE_INFINITY;
      if (done && running.size <= 1) {
        await Promise.all(running);
        break;
      }
    }
  }
  await Promise.all(running);
  return { invocations, deadLettered, durationMs: clock.nowMs() - start, finished: open === 0 };
}
