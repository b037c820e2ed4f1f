import { type Clock, reached } from '../clock';
import type { LifeboatConfig } from '../config/schema';
import { NotFoundError, ThrottledError } from '../errors';
import { parseRdsSnapshotIdentifier, TAG } from '../tags/vocabulary';
import { advanceBackup, type BackupLimits, sharedPacing } from './advance-backup';
import type { SnapshotSignal } from './events';
import { type Backup, backupKey } from './model';
import type { BackupPorts } from './ports';
import { SnapshotReads, UNREAD } from './snapshot-reads';

/** Which backup a snapshot belongs to. */
export interface BackupRef {
  site: string;
  backupId: string;
}

export interface EventOutcome {
  /** Backups advanced, with the phase they reached. */
  advanced: { site: string; backupId: string; phase: Backup['status']['phase'] }[];
  /** Signals that concern no lifeboat backup, and why. */
  ignored: { snapshotId: string; reason: string }[];
}

/** One delivered message (an SQS record) and the snapshots its event names. */
export interface EventBatchItem {
  id: string;
  signals: SnapshotSignal[];
}

export interface BatchOutcome extends EventOutcome {
  /** Items whose backup could not be advanced (their delivery is retried), with the error. */
  failed: { ids: string[]; error: unknown }[];
}

/** The tags of a described EBS snapshot (or of its source, for a copy that left nothing behind). */
function tagsOf(reads: SnapshotReads, signal: SnapshotSignal): Record<string, string> | undefined {
  const own = reads.ebs(signal.region, signal.snapshotId);
  if (own !== UNREAD && own !== undefined) return own.tags;
  if (signal.sourceSnapshotId === undefined || signal.sourceRegion === undefined) return undefined;
  const source = reads.ebs(signal.sourceRegion, signal.sourceSnapshotId);
  return source === UNREAD ? undefined : source?.tags;
}

/**
 * Describes every EBS snapshot the signals name in one call per region (then, for copies AWS no
 * longer lists, their sources in one more), so a batch of events costs a call or two, not one each.
 */
async function describeAll(reads: SnapshotReads, signals: readonly SnapshotSignal[]): Promise<void> {
  const byRegion = (list: { region: string; id: string }[]) => {
    const map = new Map<string, string[]>();
    for (const { region, id } of list) map.set(region, [...(map.get(region) ?? []), id]);
    return [...map];
  };
  const ebs = signals.filter((s) => s.service === 'ebs');
  await Promise.all(
    byRegion(ebs.map((s) => ({ region: s.region, id: s.snapshotId }))).map(([region, ids]) =>
      reads.readEbs(region, ids),
    ),
  );
  const sources = ebs.flatMap((s) =>
    reads.ebs(s.region, s.snapshotId) === undefined &&
    s.sourceSnapshotId !== undefined &&
    s.sourceRegion !== undefined
      ? [{ region: s.sourceRegion, id: s.sourceSnapshotId }]
      : [],
  );
  await Promise.all(byRegion(sources).map(([region, ids]) => reads.readEbs(region, ids)));
}

/** The backup a signal is about: RDS by identifier (no call), EBS by the described snapshot's tags. */
function resolve(reads: SnapshotReads, signal: SnapshotSignal): BackupRef | undefined {
  if (signal.service === 'rds') return parseRdsSnapshotIdentifier(signal.snapshotId);
  const tags = tagsOf(reads, signal);
  const site = tags?.[TAG.site];
  const backupId = tags?.[TAG.backupId];
  if (tags?.[TAG.managed] !== 'true' || site === undefined || backupId === undefined) return undefined;
  return { site, backupId };
}

/**
 * Handles a batch of EBS and RDS snapshot events (an SQS delivery): resolves them to their backups
 * with one describe per region, then advances each backup once with what its events say (one
 * record read and write per backup, not per event). Events only make a backup move sooner: a lost,
 * duplicated or out-of-order one changes nothing the sweeper would not do, and an event is trusted
 * only for the part it names. `failed` lists the items to deliver again.
 */
export async function onSnapshotEvents(
  ports: BackupPorts,
  clock: Clock,
  config: LifeboatConfig,
  items: readonly EventBatchItem[],
  limits: Partial<BackupLimits> = {},
  /** No backup is begun from this time on (the invocation's timeout is near): its items are failed, to come again. */
  deadline?: Date,
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { advanced: [], ignored: [], failed: [] };
  const reads = new SnapshotReads(ports);
  const signals = items.flatMap((item) => item.signals);
  try {
    await describeAll(reads, signals);
  } catch (error) {
    // Throttled looking the snapshots up: the sweeper advances their backups anyway.
    if (!(error instanceof ThrottledError)) throw error;
    for (const s of signals.filter((x) => x.service === 'ebs'))
      outcome.ignored.push({ snapshotId: s.snapshotId, reason: 'throttled; left for the sweeper' });
    // RDS signals need no lookup; only they go on.
    return advanceAll(ports, clock, config, onlyRds(items), limits, reads, outcome, deadline);
  }
  return advanceAll(ports, clock, config, items, limits, reads, outcome, deadline);
}

function onlyRds(items: readonly EventBatchItem[]): EventBatchItem[] {
  return items.map((item) => ({ id: item.id, signals: item.signals.filter((s) => s.service === 'rds') }));
}

async function advanceAll(
  ports: BackupPorts,
  clock: Clock,
  config: LifeboatConfig,
  items: readonly EventBatchItem[],
  limits: Partial<BackupLimits>,
  reads: SnapshotReads,
  outcome: BatchOutcome,
  deadline: Date | undefined,
): Promise<BatchOutcome> {
  const refs = new Map<string, { ref: BackupRef; signals: SnapshotSignal[]; ids: Set<string> }>();
  for (const item of items) {
    for (const signal of item.signals) {
      const ref = resolve(reads, signal);
      if (ref === undefined) {
        outcome.ignored.push({ snapshotId: signal.snapshotId, reason: 'not a lifeboat snapshot' });
        continue;
      }
      const key = backupKey(ref);
      const entry = refs.get(key) ?? { ref, signals: [], ids: new Set<string>() };
      entry.signals.push(signal);
      entry.ids.add(item.id);
      refs.set(key, entry);
    }
  }
  const limitsNow = sharedPacing(clock, limits);
  for (const { ref, signals, ids } of refs.values()) {
    if (reached(clock, deadline)) {
      // Near the timeout: Lambda would stop this invocation mid-way; SQS delivers these again.
      outcome.failed.push({
        ids: [...ids],
        error: new Error('left for redelivery: the invocation is near its timeout'),
      });
      continue;
    }
    const site = config.sites.find((s) => s.name === ref.site);
    if (site === undefined) {
      outcome.ignored.push({
        snapshotId: signals[0]?.snapshotId ?? '',
        reason: `site ${ref.site} is not in the config`,
      });
      continue;
    }
    try {
      const backup = await advanceBackup(ports, clock, site, ref.backupId, limitsNow(), {
        sites: config.sites,
        signals,
        reads,
      });
      outcome.advanced.push({ site: ref.site, backupId: ref.backupId, phase: backup.status.phase });
    } catch (error) {
      if (error instanceof NotFoundError) {
        outcome.ignored.push({ snapshotId: signals[0]?.snapshotId ?? '', reason: error.message });
      } else {
        outcome.failed.push({ ids: [...ids], error });
      }
    }
  }
  return outcome;
}

/**
 * Handles one EBS or RDS snapshot event (a direct EventBridge invocation, `invoke local`): the
 * batch of one; an error advancing its backup is thrown, for Lambda to retry the event.
 */
export async function onSnapshotEvent(
  ports: BackupPorts,
  clock: Clock,
  config: LifeboatConfig,
  signals: SnapshotSignal[],
  limits: Partial<BackupLimits> = {},
): Promise<EventOutcome> {
  const { advanced, ignored, failed } = await onSnapshotEvents(
    ports,
    clock,
    config,
    [{ id: 'event', signals }],
    limits,
  );
  if (failed[0] !== undefined) throw failed[0].error;
  return { advanced, ignored };
}
