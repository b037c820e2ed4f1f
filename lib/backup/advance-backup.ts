import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import {
  AwsCallError,
  ConcurrentUpdateError,
  NotFoundError,
  SnapshotMismatchError,
  ThrottledError,
} from '../errors';
import { lockDrCopies } from '../retention/snapshot-lock';
import {
  backupSelector,
  copyTags,
  rdsSnapshotIdentifier,
  snapshotDescription,
  snapshotTags,
  TAG,
} from '../tags/vocabulary';
import type { ObservedSnapshot } from '../trust/verify-snapshot';
import { accountOfArn } from '../trust/verify-snapshot';
import {
  type CopyKind,
  type CopyQueue,
  type CopyRelease,
  type CopyRequest,
  changeCopyQueue,
  type InFlightEntry,
  type QueueChange,
  type QueueOutcome,
  type Supersession,
  staleInFlight,
} from './copy-queue';
import { discoverParts } from './discover-parts';
import type { SnapshotSignal } from './events';
import type { Backup, BackupPart } from './model';
import { awaitsDiscovery, backupKey, isTerminal } from './model';
import { unpaced } from './pacer';
import { settleBackup } from './phase';
import type { BackupPorts, DatabaseKind, DbSnapshotInfo, SnapshotInfo } from './ports';
import { SnapshotReads, UNREAD } from './snapshot-reads';

/** AWS's limits and lifeboat's bounds on one advance call. */
export interface BackupLimits {
  /** EBS copies in flight per destination region (AWS quota: 20). */
  ebsCopiesInFlight: number;
  /** RDS cross-region copies in flight per destination region (AWS allows 5 per account). */
  rdsCopiesInFlight: number;
  /**
   * Snapshots one round of a call claims at most; further rounds follow while the region's budget
   * grants them within the call's pacing wait, the rest wait for the next call (copies: the slots).
   */
  maxStartsPerCall: number;
  /** A start claimed but not recorded for this long (a crashed caller) is looked up, then retried. */
  claimTimeoutMs: number;
  /** Snapshots still pending this long after the backup was created fail (queued copies never do). */
  giveUpAfterMs: number;
  /** How long one call may wait for its region's EC2 request budget before leaving starts for later. */
  pacingWaitMs: number;
  /**
   * The sweeper's calls leave a snapshot or copy started less than this long ago to its completion
   * event and do not look it up in AWS (0: they look up every pending one). Lost events are still
   * found, this much later.
   */
  eventGraceMs: number;
}

export const DEFAULT_BACKUP_LIMITS: BackupLimits = {
  ebsCopiesInFlight: 20,
  rdsCopiesInFlight: 5,
  maxStartsPerCall: 20,
  claimTimeoutMs: 10 * 60_000,
  giveUpAfterMs: 36 * 3_600_000,
  pacingWaitMs: 60_000,
  eventGraceMs: 0,
};

/**
 * The limits for the advances one invocation makes, their pacing wait shared: the invocation
 * waits for EC2's request budget at most `pacingWaitMs` in all, not per backup (ten backups of a
 * batch waiting a minute each would outlast the function's timeout). What is not granted in time
 * is left for the next event or sweep, as ever.
 */
export function sharedPacing(clock: Clock, limits: Partial<BackupLimits> = {}): () => Partial<BackupLimits> {
  const left = waitLeft(clock, limits.pacingWaitMs ?? DEFAULT_BACKUP_LIMITS.pacingWaitMs);
  return () => ({ ...limits, pacingWaitMs: left() });
}

/** What is left, each time it is asked, of a wait of `totalMs` that begins now. */
function waitLeft(clock: Clock, totalMs: number): () => number {
  const began = clock.now().getTime();
  return () => Math.max(0, totalMs - (clock.now().getTime() - began));
}

type Observed = { id: string; arn?: string; state: 'pending' | 'completed' | 'failed'; error?: string };

/** What AWS says about one part right now. */
interface PartObservation {
  snapshot?: Observed;
  snapshotMissing?: string;
  copy?: Observed;
  copyMissing?: string;
}

type Work = { what: 'snapshot'; sourceId: string } | { what: 'copy'; sourceId: string };

type Outcome =
  | { work: Work; result: 'started'; observed: Observed }
  | { work: Work; result: 'failed'; error: string }
  | { work: Work; result: 'retry-later' };

function ebsState(s: SnapshotInfo): Observed {
  const state = s.state === 'completed' ? 'completed' : s.state === 'error' ? 'failed' : 'pending';
  return {
    id: s.snapshotId,
    state,
    error: state === 'failed' ? (s.stateMessage ?? 'snapshot error') : undefined,
  };
}

/** A DB snapshot as the trust checks it (its state is checked where it is used, not here). */
function dbObserved(s: DbSnapshotInfo, region: string): ObservedSnapshot {
  return {
    service: 'rds',
    region,
    id: s.identifier,
    ownerAccountId: accountOfArn(s.arn),
    state: 'completed',
    tags: s.tags,
  };
}

/**
 * RDS answers an existing snapshot of the requested name (a retry's, or another stage's, since
 * the name holds no stage): one that names another stage is refused. A fresh answer may carry no
 * tags at all, so only a stage that is there and differs is a refusal here; observe() checks the
 * full set on the next call.
 */
function refuseOtherStage(s: DbSnapshotInfo, stage: string): void {
  const other = s.tags[TAG.stage];
  if (other !== undefined && other !== stage) {
    throw new SnapshotMismatchError(
      `DB snapshot ${s.identifier} belongs to stage ${other}, not ${stage}: its name is taken, not adopted`,
      { snapshotId: s.identifier, stage, mismatches: [{ field: TAG.stage, expected: stage, actual: other }] },
    );
  }
}

function isStale(startedAt: string | undefined, now: Date, timeoutMs: number): boolean {
  return startedAt === undefined || now.getTime() - new Date(startedAt).getTime() > timeoutMs;
}

function findPart(backup: Backup, sourceId: string): BackupPart | undefined {
  return backup.status.parts.find((p) => p.sourceId === sourceId);
}

/** Reads the state of every unfinished snapshot and copy of the backup: a few calls per backup. */
async function observe(
  ports: BackupPorts,
  site: Site,
  backup: Backup,
  now: Date,
  limits: BackupLimits,
  reads: SnapshotReads,
  fromSweeper: boolean,
): Promise<Map<string, PartObservation>> {
  const found = new Map<string, PartObservation>();
  const note = (sourceId: string, o: PartObservation) =>
    found.set(sourceId, { ...(found.get(sourceId) ?? {}), ...o });
  const { primaryRegion, drRegion } = backup.spec;
  // Only this stage's: another stage in the account may hold a backup of the same site and id.
  const byBackup = backupSelector(backup.site, backup.id, ports.trust.stage);
  /** A DB snapshot found by its name is adopted only if AWS says it is this stage's, of this backup. */
  const refusal = (s: DbSnapshotInfo, region: string): string | undefined => {
    try {
      ports.trust.observed(dbObserved(s, region), { site, backupId: backup.id }, 'adopt');
      return undefined;
    } catch (error) {
      if (error instanceof SnapshotMismatchError) return error.message;
      throw error;
    }
  };
  // The sweeper looks up only what its event is overdue for; everything else reads every pending part.
  const grace = fromSweeper ? limits.eventGraceMs : 0;
  const overdue = (startedAt: string | undefined) =>
    grace <= 0 || startedAt === undefined || now.getTime() - new Date(startedAt).getTime() >= grace;
  const parts = backup.status.parts.filter(
    (p) =>
      !(p.state === 'pending' && !overdue(p.startedAt)) &&
      !(p.copy.state === 'pending' && !overdue(p.copy.startedAt)),
  );
  const ebs = parts.filter((p) => p.kind === 'ebs-volume');

  // One tag query per region covers every volume of the backup, found by id or (after a crash
  // between CreateSnapshot and the catalog write) by volume.
  if (ebs.some((p) => p.state === 'pending')) {
    const snapshots = await ports.ebs(primaryRegion).findSnapshots({ tags: byBackup });
    reads.rememberEbs(primaryRegion, snapshots);
    for (const part of ebs.filter((p) => p.state === 'pending')) {
      const s = snapshots.find((x) =>
        part.snapshotId !== undefined ? x.snapshotId === part.snapshotId : x.volumeId === part.sourceId,
      );
      if (s !== undefined) note(part.sourceId, { snapshot: ebsState(s) });
      else if (part.snapshotId !== undefined && isStale(part.startedAt, now, limits.claimTimeoutMs))
        note(part.sourceId, { snapshotMissing: `snapshot ${part.snapshotId} no longer exists` });
    }
  }
  if (ebs.some((p) => p.copy.state === 'pending')) {
    const copies = await ports.ebs(drRegion).findSnapshots({ tags: byBackup });
    for (const part of ebs.filter((p) => p.copy.state === 'pending')) {
      const c = copies.find((x) =>
        part.copy.snapshotId !== undefined
          ? x.snapshotId === part.copy.snapshotId
          : x.tags[TAG.sourceSnapshot] === part.snapshotId,
      );
      if (c !== undefined) note(part.sourceId, { copy: ebsState(c) });
      else if (part.copy.snapshotId !== undefined && isStale(part.copy.startedAt, now, limits.claimTimeoutMs))
        note(part.sourceId, { copyMissing: `copy ${part.copy.snapshotId} no longer exists in ${drRegion}` });
    }
  }

  const databases = parts.filter((p) => p.kind !== 'ebs-volume');
  await Promise.all(
    databases.map(async (part) => {
      const kind = part.kind === 'rds-cluster' ? 'rds-cluster' : 'rds-instance';
      const identifier = part.snapshotId ?? rdsSnapshotIdentifier(backup.site, backup.id);
      if (part.state === 'pending') {
        const s = await reads.db(primaryRegion, kind, identifier);
        const refused = s === undefined ? undefined : refusal(s, primaryRegion);
        if (refused !== undefined) note(part.sourceId, { snapshotMissing: refused });
        else if (s !== undefined)
          note(part.sourceId, {
            snapshot: {
              id: s.identifier,
              arn: s.arn,
              state: s.state,
              error: s.state === 'failed' ? s.status : undefined,
            },
          });
        else if (part.snapshotId !== undefined && isStale(part.startedAt, now, limits.claimTimeoutMs))
          note(part.sourceId, { snapshotMissing: `DB snapshot ${identifier} no longer exists` });
      }
      if (part.copy.state === 'pending') {
        const c = await reads.db(drRegion, kind, identifier);
        const refused = c === undefined ? undefined : refusal(c, drRegion);
        if (refused !== undefined) note(part.sourceId, { copyMissing: refused });
        else if (c !== undefined)
          note(part.sourceId, {
            copy: { id: c.identifier, state: c.state, error: c.state === 'failed' ? c.status : undefined },
          });
        else if (
          part.copy.snapshotId !== undefined &&
          isStale(part.copy.startedAt, now, limits.claimTimeoutMs)
        )
          note(part.sourceId, {
            copyMissing: `DB snapshot copy ${identifier} no longer exists in ${drRegion}`,
          });
      }
    }),
  );
  return found;
}

/**
 * RDS events that say a DB snapshot (RDS-EVENT-0042, manual snapshot created) or its cross-region
 * copy (RDS-EVENT-0060, copy finished) is complete; any other event of a lifeboat snapshot is
 * checked in AWS. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.Messages.html
 */
const RDS_COMPLETED = new Set(['RDS-EVENT-0042', 'RDS-EVENT-0060']);

/**
 * What a batch of completion events says of the backup's parts, trusted for the part each names
 * (EBS sends a notification only when a snapshot or copy has ended, with its result; the DB events
 * above likewise). An event is trusted only for a snapshot the record names, or one AWS already
 * described to this invocation with this stage's tag; `unmatched` says some event named neither,
 * and the caller then observes the backup in AWS as the sweeper does.
 */
async function observeSignals(
  ports: BackupPorts,
  site: Site,
  backup: Backup,
  signals: readonly SnapshotSignal[],
  reads: SnapshotReads,
): Promise<{ observed: Map<string, PartObservation>; unmatched: boolean }> {
  const observed = new Map<string, PartObservation>();
  const note = (sourceId: string, o: PartObservation) =>
    observed.set(sourceId, { ...(observed.get(sourceId) ?? {}), ...o });
  const { primaryRegion, drRegion } = backup.spec;
  const { stage } = ports.trust;
  const parts = backup.status.parts;
  let unmatched = false;
  /** Described to this invocation and this stage's: a snapshot of the backup not yet on its record. */
  const ours = (region: string | undefined, id: string | undefined): SnapshotInfo | undefined => {
    if (region === undefined || id === undefined) return undefined;
    const s = reads.ebs(region, id);
    return s !== UNREAD && s !== undefined && s.tags[TAG.stage] === stage ? s : undefined;
  };
  for (const signal of signals) {
    const inDr = signal.region === drRegion && signal.region !== primaryRegion;
    const ended: Observed = {
      id: signal.snapshotId,
      state: signal.failure === undefined ? 'completed' : 'failed',
      error: signal.failure,
    };
    if (signal.service === 'ebs') {
      const ebs = parts.filter((p) => p.kind === 'ebs-volume');
      if (inDr || signal.sourceSnapshotId !== undefined) {
        const source =
          signal.sourceSnapshotId ?? ours(signal.region, signal.snapshotId)?.tags[TAG.sourceSnapshot];
        const known =
          ours(signal.region, signal.snapshotId) !== undefined ||
          ours(signal.sourceRegion ?? primaryRegion, source) !== undefined;
        const part =
          ebs.find((p) => p.copy.snapshotId === signal.snapshotId) ??
          (known ? ebs.find((p) => p.copy.snapshotId === undefined && p.snapshotId === source) : undefined);
        if (part === undefined) unmatched = true;
        else note(part.sourceId, { copy: ended });
      } else {
        const volumeId = signal.volumeId ?? ours(signal.region, signal.snapshotId)?.volumeId;
        const part =
          ebs.find((p) => p.snapshotId === signal.snapshotId) ??
          (ours(signal.region, signal.snapshotId) !== undefined
            ? ebs.find((p) => p.snapshotId === undefined && p.sourceId === volumeId)
            : undefined);
        if (part === undefined) unmatched = true;
        else note(part.sourceId, { snapshot: ended });
      }
      continue;
    }
    // A DB snapshot's name holds no stage: only the one the record names is trusted by its event.
    const part = parts.find(
      (p) => p.kind !== 'ebs-volume' && (inDr ? p.copy.snapshotId : p.snapshotId) === signal.snapshotId,
    );
    if (part === undefined) {
      unmatched = true;
      continue;
    }
    if (signal.failure !== undefined || RDS_COMPLETED.has(signal.event)) {
      note(part.sourceId, inDr ? { copy: ended } : { snapshot: ended });
      continue;
    }
    const kind: DatabaseKind = part.kind === 'rds-cluster' ? 'rds-cluster' : 'rds-instance';
    const s = await reads.db(signal.region, kind, signal.snapshotId);
    if (s === undefined) continue;
    try {
      ports.trust.observed(dbObserved(s, signal.region), { site, backupId: backup.id }, 'adopt');
    } catch (error) {
      if (!(error instanceof SnapshotMismatchError)) throw error;
      note(part.sourceId, inDr ? { copyMissing: error.message } : { snapshotMissing: error.message });
      continue;
    }
    const state: Observed = {
      id: s.identifier,
      arn: inDr ? undefined : s.arn,
      state: s.state,
      error: s.state === 'failed' ? s.status : undefined,
    };
    note(part.sourceId, inDr ? { copy: state } : { snapshot: state });
  }
  return { observed, unmatched };
}

/** Moves parts forward only (pending → completed|failed), so a stale observation never undoes a newer one. */
function applyObservations(backup: Backup, observed: Map<string, PartObservation>, now: Date): boolean {
  const at = now.toISOString();
  let changed = false;
  for (const [sourceId, o] of observed) {
    const part = findPart(backup, sourceId);
    if (part === undefined) continue;
    if (o.snapshot !== undefined && part.state === 'pending') {
      if (part.snapshotId === undefined || part.snapshotId === o.snapshot.id) {
        if (part.snapshotId === undefined) {
          part.snapshotId = o.snapshot.id;
          part.startedAt ??= at;
          changed = true;
        }
        if (o.snapshot.arn !== undefined && part.snapshotArn !== o.snapshot.arn) {
          part.snapshotArn = o.snapshot.arn;
          changed = true;
        }
        if (o.snapshot.state !== 'pending') {
          part.state = o.snapshot.state;
          part.completedAt = at;
          part.error = o.snapshot.error;
          changed = true;
        }
      }
    }
    if (o.snapshotMissing !== undefined && part.state === 'pending') {
      part.state = 'failed';
      part.error = o.snapshotMissing;
      changed = true;
    }
    if (o.copy !== undefined && part.copy.state === 'pending') {
      if (part.copy.snapshotId === undefined || part.copy.snapshotId === o.copy.id) {
        if (part.copy.snapshotId === undefined) {
          part.copy.snapshotId = o.copy.id;
          changed = true;
        }
        if (o.copy.state !== 'pending') {
          part.copy.state = o.copy.state;
          part.copy.completedAt = at;
          part.copy.error = o.copy.error;
          changed = true;
        }
      }
    }
    if (o.copyMissing !== undefined && part.copy.state === 'pending') {
      part.copy.state = 'failed';
      part.copy.error = o.copyMissing;
      changed = true;
    }
  }
  if (changed) backup.status.updatedAt = at;
  return changed;
}

function wantsSnapshot(part: BackupPart, now: Date, limits: BackupLimits): boolean {
  return (
    part.state === 'pending' &&
    part.snapshotId === undefined &&
    isStale(part.startedAt, now, limits.claimTimeoutMs)
  );
}

/**
 * A copy claimed but never recorded (a caller that crashed between the claim and the answer, or a
 * copy the queue knows finished): held past the claim timeout, it is looked up by its tags
 * (observe), then started again.
 */
function wantsRestart(backup: Backup, part: BackupPart, now: Date, limits: BackupLimits): boolean {
  return (
    backup.spec.copyToDr &&
    part.state === 'completed' &&
    part.snapshotId !== undefined &&
    part.copy.state === 'pending' &&
    part.copy.snapshotId === undefined &&
    isStale(part.copy.startedAt, now, limits.claimTimeoutMs)
  );
}

function copyKindOf(part: BackupPart): CopyKind {
  return part.kind === 'ebs-volume' ? 'ebs' : 'rds';
}

/** The copies a backup asks its DR region's queue for: completed snapshots whose copy waits. */
function copyRequests(backup: Backup): CopyRequest[] {
  if (!backup.spec.copyToDr || isTerminal(backup.status.phase)) return [];
  return backup.status.parts
    .filter((p) => p.state === 'completed' && p.snapshotId !== undefined && p.copy.state === 'waiting')
    .map((p) => ({
      site: backup.site,
      backupId: backup.id,
      sourceId: p.sourceId,
      kind: copyKindOf(p),
      takenAt: p.startedAt ?? backup.spec.scheduledFor,
    }));
}

/** Copies an observation ended (pending → completed or failed): their slots are free again. */
function copyReleases(before: Backup, after: Backup): CopyRelease[] {
  const out: CopyRelease[] = [];
  for (const part of after.status.parts) {
    const was = findPart(before, part.sourceId);
    if (was?.copy.state !== 'pending') continue;
    if (part.copy.state === 'completed' || part.copy.state === 'failed')
      out.push({
        site: after.site,
        backupId: after.id,
        sourceId: part.sourceId,
        outcome: part.copy.state,
        at: part.copy.completedAt,
      });
  }
  return out;
}

/**
 * Lifeboat's copies in flight into `region` as AWS counts them (the DB kinds of `sites` only): the
 * sweeper's check that the queue's exact slots still match AWS (another stage's copies share the
 * quota, not the queue), made once per invocation. Without it a copy beyond the quota is refused
 * by AWS (ResourceLimitExceeded) and waits, so the count saves calls, it does not guard correctness.
 */
function copiesInFlightInAws(
  ports: BackupPorts,
  reads: SnapshotReads,
  region: string,
  sites: readonly Site[],
): Promise<Partial<Record<CopyKind, number>>> {
  return reads.once(`copies-in-flight/${region}`, () => countCopiesInFlight(ports, region, sites));
}

async function countCopiesInFlight(
  ports: BackupPorts,
  region: string,
  sites: readonly Site[],
): Promise<Partial<Record<CopyKind, number>>> {
  const dbKinds = [
    ...new Set(
      sites.flatMap((s): DatabaseKind[] => {
        const db = s.protect.database;
        return db === undefined ? [] : ['cluster' in db ? 'rds-cluster' : 'rds-instance'];
      }),
    ),
  ];
  const [ebs, rds] = await Promise.all([
    ports.ebs(region).countPendingCopies(),
    dbKinds.length === 0 ? undefined : ports.rds(region).countPendingCopies(dbKinds),
  ]);
  return { ebs, rds };
}

/** The kinds a change can make room for or ask for: a fill (no change) may take either. */
function kindsOf(change: Omit<QueueChange, 'take'>): CopyKind[] {
  const kinds = new Set<CopyKind>();
  for (const r of change.enqueue ?? []) kinds.add(r.kind);
  for (const r of change.release ?? []) kinds.add(r.sourceId.startsWith('vol-') ? 'ebs' : 'rds');
  return kinds.size === 0 ? ['ebs', 'rds'] : [...kinds];
}

const NOTHING_QUEUED: QueueOutcome & { queue?: CopyQueue } = {
  taken: [],
  superseded: [],
  rejected: [],
  queued: [],
  copied: [],
};

/** A queue change without taking slots, and the queue as it is after it. */
async function changeQueueAndRead(
  ports: BackupPorts,
  clock: Clock,
  region: string,
  change: Omit<QueueChange, 'take'>,
): Promise<{ outcome: QueueOutcome; queue: CopyQueue }> {
  let outcome: QueueOutcome = NOTHING_QUEUED;
  const queue = await ports.catalog.updateCopyQueue(region, clock.now(), (q) => {
    const result = changeCopyQueue(q, change, clock.now());
    outcome = result.outcome;
    return result.changed ? q : undefined;
  });
  return { outcome, queue };
}

/** One compare-and-swap on the DR region's copy queue; `take` also moves waiting copies into free slots. */
async function changeQueue(
  ports: BackupPorts,
  clock: Clock,
  region: string,
  change: Omit<QueueChange, 'take'>,
  limits: BackupLimits,
  take: boolean,
  inFlightInAws?: Partial<Record<CopyKind, number>>,
): Promise<QueueOutcome & { queue: CopyQueue }> {
  const kinds = kindsOf(change);
  const slots =
    take && ports.copyLimits !== undefined
      ? (await ports.copyLimits(region)).slots
      : { ebs: limits.ebsCopiesInFlight, rds: limits.rdsCopiesInFlight };
  let outcome: QueueOutcome = NOTHING_QUEUED;
  const after = await ports.catalog.updateCopyQueue(region, clock.now(), (queue) => {
    const result = changeCopyQueue(
      queue,
      { ...change, take: take ? { slots, inFlightInAws, kinds } : undefined },
      clock.now(),
    );
    outcome = result.outcome;
    return result.changed ? queue : undefined;
  });
  return { ...outcome, queue: after };
}

const isOf = (backup: { site: string; id: string }) => (e: { site: string; backupId: string }) =>
  e.site === backup.site && e.backupId === backup.id;

/** Records on `backup` what the queue said about its copies: queued, superseded, or to look up. */
function markQueued(backup: Backup, outcome: QueueOutcome, at: string): void {
  const own = isOf(backup);
  for (const q of outcome.queued.filter(own)) {
    const part = findPart(backup, q.sourceId);
    if (part?.copy.state === 'waiting') part.copy.queuedAt ??= at;
  }
  for (const r of outcome.rejected.filter(own)) supersede(backup, r.sourceId, r.by);
  for (const c of outcome.copied.filter(own)) {
    const part = findPart(backup, c.sourceId);
    // Stale at once, so the next call looks the copy up by its tags before starting it again.
    if (part?.copy.state === 'waiting')
      part.copy = { ...part.copy, state: 'pending', startedAt: new Date(0).toISOString() };
  }
}

function supersede(backup: Backup, sourceId: string, by: string): boolean {
  const part = findPart(backup, sourceId);
  if (part?.copy.state !== 'waiting') return false;
  part.copy = { region: part.copy.region, state: 'superseded', supersededBy: by };
  return true;
}

/** Writes what copy starts from the queue did; a part no longer waiting (or restarting) is left as is. */
function recordCopyStarts(backup: Backup, outcomes: Outcome[], at: string): boolean {
  let changed = false;
  for (const o of outcomes) {
    const part = findPart(backup, o.work.sourceId);
    if (part === undefined) continue;
    const restarting = part.copy.state === 'pending' && part.copy.snapshotId === undefined;
    if (part.copy.state !== 'waiting' && !restarting) continue;
    changed = true;
    const queuedAt = part.copy.queuedAt;
    if (o.result === 'retry-later') part.copy = { region: part.copy.region, state: 'waiting', queuedAt };
    else if (o.result === 'failed') part.copy = { ...part.copy, state: 'failed', error: o.error };
    else
      part.copy = {
        region: part.copy.region,
        state: o.observed.state === 'pending' ? 'pending' : o.observed.state,
        snapshotId: o.observed.id,
        startedAt: at,
        completedAt: o.observed.state === 'pending' ? undefined : at,
        queuedAt,
      };
  }
  return changed;
}

/**
 * The queue's view of a copy start that did not leave a copy running (refused, or already ended
 * in its answer, as a copy of a tiny snapshot may): its slot goes back.
 */
function releaseOf(backup: { site: string; id: string }, o: Outcome, at: string): CopyRelease | undefined {
  const ref = { site: backup.site, backupId: backup.id, sourceId: o.work.sourceId };
  if (o.result === 'started')
    return o.observed.state === 'pending' ? undefined : { ...ref, outcome: o.observed.state, at };
  return { ...ref, outcome: o.result === 'failed' ? 'failed' : 'retry' };
}

/** Brings the phase in line with the parts; true if that made the backup terminal. */
function settle(backup: Backup, now: Date, limits: BackupLimits): boolean {
  const was = isTerminal(backup.status.phase);
  settleBackup(backup, now, limits.giveUpAfterMs);
  return !was && isTerminal(backup.status.phase);
}

/** A compare-and-swap on a backup that also settles it, and tells telemetry if it finished. */
async function updateAndSettle(
  ports: BackupPorts,
  clock: Clock,
  ref: { site: string; id: string },
  limits: BackupLimits,
  mutate: (backup: Backup, at: string) => void,
): Promise<Backup> {
  let finished = false;
  // `ref` is often the backup this call last read or wrote: its version spares the re-read.
  const backup = await ports.catalog.updateBackup(
    ref.site,
    ref.id,
    (b) => {
      finished = false;
      if (isTerminal(b.status.phase)) return undefined;
      const before = JSON.stringify(b.status);
      const now = clock.now();
      mutate(b, now.toISOString());
      finished = settle(b, now, limits);
      if (JSON.stringify(b.status) === before) return undefined;
      b.status.updatedAt = now.toISOString();
      return b;
    },
    ref,
  );
  if (finished) ports.telemetry?.backupFinished(backup);
  return backup;
}

/** Marks older backups' waiting copies superseded by the newer ones that replaced them in the queue. */
async function supersedeOlder(
  ports: BackupPorts,
  clock: Clock,
  list: readonly Supersession[],
  limits: BackupLimits,
): Promise<void> {
  const byBackup = new Map<string, Supersession[]>();
  for (const s of list) byBackup.set(backupKey(s), [...(byBackup.get(backupKey(s)) ?? []), s]);
  await Promise.all(
    [...byBackup.values()].map(async (group) => {
      const first = group[0];
      if (first === undefined) return;
      try {
        await updateAndSettle(ports, clock, { site: first.site, id: first.backupId }, limits, (b) => {
          for (const s of group) supersede(b, s.sourceId, s.by);
        });
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    }),
  );
}

/**
 * Starts copies the queue gave this caller for other backups (a freed slot is refilled by whoever
 * sees it free, not only by the backup that freed it), one record write per backup. Returns the
 * slots to give back: copies AWS did not start, and entries whose backup is gone or done.
 */
async function startQueuedCopies(
  ports: BackupPorts,
  clock: Clock,
  sites: ReadonlyMap<string, Site>,
  entries: readonly InFlightEntry[],
  limits: BackupLimits,
  reads: SnapshotReads,
): Promise<CopyRelease[]> {
  const groups = new Map<string, InFlightEntry[]>();
  for (const e of entries) groups.set(backupKey(e), [...(groups.get(backupKey(e)) ?? []), e]);
  const read = await Promise.all(
    [...groups.values()].map(async (group) => {
      const first = group[0];
      const backup =
        first === undefined ? undefined : await ports.catalog.getBackup(first.site, first.backupId);
      return { group, first, backup };
    }),
  );
  const startableOf = (group: InFlightEntry[], backup: Backup) =>
    group.filter((e) => findPart(backup, e.sourceId)?.copy.state === 'waiting');
  await prefetchSources(
    reads,
    read.flatMap(({ group, backup }) =>
      backup === undefined || isTerminal(backup.status.phase)
        ? []
        : startableOf(group, backup).map((e) => ({ backup, sourceId: e.sourceId })),
    ),
  );
  const releases = await Promise.all(
    read.map(async ({ group, first, backup }): Promise<CopyRelease[]> => {
      const site = first === undefined ? undefined : sites.get(first.site);
      const drop = (e: InFlightEntry): CopyRelease => ({ ...e, outcome: 'failed' });
      if (site === undefined || backup === undefined || isTerminal(backup.status.phase))
        return group.map(drop);
      const startable = startableOf(group, backup);
      const outcomes = await Promise.all(
        startable.map((e) => perform(ports, site, backup, { what: 'copy', sourceId: e.sourceId }, reads)),
      );
      await updateAndSettle(ports, clock, backup, limits, (b, at) => {
        recordCopyStarts(b, outcomes, at);
      });
      return [
        ...group.filter((e) => !startable.includes(e)).map(drop),
        ...outcomes
          .map((o) => releaseOf(backup, o, clock.now().toISOString()))
          .filter((r): r is CopyRelease => r !== undefined),
      ];
    }),
  );
  return releases.flat();
}

/**
 * AWS errors on a start fail the part with AWS's words; throttling, copy quotas and anything that
 * is not an AWS answer (network) leave it for the next call. Throttling is never a failed backup.
 */
function outcomeOfError(work: Work, error: unknown): Outcome {
  // A snapshot AWS does not vouch for never becomes "try again": it is refused, with its reasons.
  if (error instanceof AwsCallError || error instanceof SnapshotMismatchError)
    return { work, result: 'failed', error: error.message };
  return { work, result: 'retry-later' };
}

/**
 * The check in AWS right before a copy (issue 10's rule), from what this invocation read: the
 * copies one call starts were described together (prefetchSources), a DB snapshot read for its
 * event is not read again.
 */
async function verifyCopySource(
  ports: BackupPorts,
  reads: SnapshotReads,
  region: string,
  part: BackupPart,
  sourceId: string,
  target: { site: Site; backupId: string },
): Promise<ObservedSnapshot> {
  if (part.kind === 'ebs-volume') {
    await reads.readEbs(region, [sourceId]);
    const found = reads.ebs(region, sourceId);
    return ports.trust.describedEbs(region, sourceId, found === UNREAD ? undefined : found, target, 'copy');
  }
  const kind: DatabaseKind = part.kind === 'rds-cluster' ? 'rds-cluster' : 'rds-instance';
  const read = reads.dbIfRead(region, kind, sourceId);
  if (read === UNREAD || read === undefined)
    return ports.trust.dbSnapshot(region, kind, sourceId, target, 'copy');
  return ports.trust.observed(
    {
      service: 'rds',
      region,
      id: read.identifier,
      arn: read.arn,
      ownerAccountId: accountOfArn(read.arn),
      state: read.state,
      tags: read.tags,
    },
    target,
    'copy',
  );
}

/**
 * Describes in one call per region the EBS snapshots of every copy about to start; a failure here
 * (throttled) is left to each copy's own check, which then answers "later".
 */
async function prefetchSources(
  reads: SnapshotReads,
  copies: readonly { backup: Backup; sourceId: string }[],
): Promise<void> {
  const byRegion = new Map<string, string[]>();
  for (const { backup, sourceId } of copies) {
    const part = findPart(backup, sourceId);
    if (part?.kind !== 'ebs-volume' || part.snapshotId === undefined) continue;
    const region = backup.spec.primaryRegion;
    byRegion.set(region, [...(byRegion.get(region) ?? []), part.snapshotId]);
  }
  await Promise.all([...byRegion].map(([region, ids]) => reads.readEbs(region, ids).catch(() => undefined)));
}

async function perform(
  ports: BackupPorts,
  site: Site,
  backup: Backup,
  work: Work,
  reads: SnapshotReads,
): Promise<Outcome> {
  const part = findPart(backup, work.sourceId);
  if (part === undefined) return { work, result: 'retry-later' };
  const { primaryRegion, drRegion } = backup.spec;
  const kind = part.kind === 'rds-cluster' ? 'rds-cluster' : 'rds-instance';
  const { stage } = ports.trust;
  const target = { site, backupId: backup.id };
  try {
    if (work.what === 'snapshot' && part.kind === 'ebs-volume') {
      const s = await ports
        .ebs(primaryRegion)
        .createSnapshot(
          part.sourceId,
          snapshotDescription(backup, part.sourceId),
          snapshotTags(backup, part, stage),
        );
      return { work, result: 'started', observed: ebsState(s) };
    }
    if (work.what === 'snapshot') {
      const s = await ports
        .rds(primaryRegion)
        .createSnapshot(
          kind,
          part.sourceId,
          rdsSnapshotIdentifier(backup.site, backup.id),
          snapshotTags(backup, part, stage),
        );
      refuseOtherStage(s, stage);
      return { work, result: 'started', observed: { id: s.identifier, arn: s.arn, state: s.state } };
    }
    // wantsCopy chose only parts whose snapshot is recorded; a record changed under us waits.
    const sourceId = part.snapshotId;
    if (sourceId === undefined) return { work, result: 'retry-later' };
    const kmsKeyId = part.encrypted ? site.protect.drKmsKeyId : undefined;
    if (part.kind === 'ebs-volume') {
      await verifyCopySource(ports, reads, primaryRegion, part, sourceId, target);
      const copyId = await ports.ebs(drRegion).copySnapshotFrom({
        sourceRegion: primaryRegion,
        sourceSnapshotId: sourceId,
        description: snapshotDescription(backup, part.sourceId),
        tags: copyTags(backup, part, sourceId, stage),
        kmsKeyId,
      });
      return { work, result: 'started', observed: { id: copyId, state: 'pending' } };
    }
    // A cross-region copy of an encrypted DB snapshot must name a KMS key of the DR region.
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CopySnapshot.html#USER_CopySnapshot.Encryption
    if (part.encrypted && kmsKeyId === undefined) {
      return {
        work,
        result: 'failed',
        error: `the database is encrypted: set protect.drKmsKeyId to a KMS key in ${drRegion}`,
      };
    }
    // A cross-region copy names its source by ARN: the one AWS answers for the verified snapshot.
    const source = await verifyCopySource(ports, reads, primaryRegion, part, sourceId, target);
    const sourceArn = source.arn ?? part.snapshotArn;
    if (sourceArn === undefined) {
      return {
        work,
        result: 'failed',
        error: `DB snapshot ${sourceId} no longer exists in ${primaryRegion}`,
      };
    }
    const c = await ports.rds(drRegion).copySnapshotFrom({
      kind,
      sourceRegion: primaryRegion,
      sourceArn,
      targetIdentifier: sourceId,
      tags: copyTags(backup, part, sourceId, stage),
      kmsKeyId,
    });
    refuseOtherStage(c, stage);
    return { work, result: 'started', observed: { id: c.identifier, state: c.state } };
  } catch (error) {
    return outcomeOfError(work, error);
  }
}

/** Writes what the starts did, only where the claim made at `claimedAt` still stands. */
function recordOutcomes(backup: Backup, outcomes: Outcome[], claimedAt: string, now: Date): boolean {
  const at = now.toISOString();
  let changed = false;
  for (const o of outcomes) {
    const part = findPart(backup, o.work.sourceId);
    if (part === undefined) continue;
    if (o.work.what === 'snapshot') {
      if (part.state !== 'pending' || part.snapshotId !== undefined || part.startedAt !== claimedAt) continue;
      changed = true;
      if (o.result === 'retry-later') part.startedAt = undefined;
      else if (o.result === 'failed') {
        part.state = 'failed';
        part.error = o.error;
      } else {
        part.snapshotId = o.observed.id;
        if (o.observed.arn !== undefined) part.snapshotArn = o.observed.arn;
        if (o.observed.state !== 'pending') {
          part.state = o.observed.state;
          part.completedAt = at;
        }
      }
    } else {
      const copy = part.copy;
      if (copy.state !== 'pending' || copy.snapshotId !== undefined || copy.startedAt !== claimedAt) continue;
      changed = true;
      if (o.result === 'retry-later') part.copy = { region: copy.region, state: 'waiting' };
      else if (o.result === 'failed') part.copy = { ...copy, state: 'failed', error: o.error };
      else {
        copy.snapshotId = o.observed.id;
        if (o.observed.state !== 'pending') {
          copy.state = o.observed.state;
          copy.completedAt = at;
        }
      }
    }
  }
  if (changed) backup.status.updatedAt = at;
  return changed;
}

function isOverdue(backup: Backup, now: Date, limits: BackupLimits): boolean {
  return now.getTime() - new Date(backup.status.createdAt).getTime() > limits.giveUpAfterMs;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Finds the backup's volumes and database and records them as its parts. Any failure (throttling
 * above all: every site's schedule fires in the same minute) is recorded and left for the next
 * call, and the give-up deadline ends a discovery that never succeeds. Concurrent callers may all
 * discover; the compare-and-swap lets only the first record parts, the others adopt them.
 */
async function completeDiscovery(
  ports: BackupPorts,
  clock: Clock,
  site: Site,
  backup: Backup,
): Promise<Backup> {
  let parts: BackupPart[] | undefined;
  let failure: string | undefined;
  try {
    parts = await discoverParts(ports, site, backup);
  } catch (error) {
    failure = messageOf(error);
  }
  return ports.catalog.updateBackup(
    backup.site,
    backup.id,
    (b) => {
      if (!awaitsDiscovery(b)) return undefined;
      if (parts !== undefined) {
        b.status.parts = parts;
        b.status.discovered = true;
        b.status.discoveryError = undefined;
      } else {
        b.status.discoveryError = failure;
      }
      b.status.updatedAt = clock.now().toISOString();
      return b;
    },
    backup,
  );
}

export interface AdvanceOptions {
  /** Sites whose backups' queued copies this caller may start too (default: the backup's own site). */
  sites?: readonly Site[];
  /** The sweeper's work: the backup was listed as open, so a finished one's marker is stale. */
  fromSweeper?: boolean;
  /**
   * The completion events of this invocation that concern the backup: their parts' states are
   * taken from them instead of from AWS (absent: the sweeper's call, which observes in AWS).
   */
  signals?: readonly SnapshotSignal[];
  /** What this invocation read in AWS already (a batch of events shares one). */
  reads?: SnapshotReads;
}

function siteMap(site: Site, sites: readonly Site[] | undefined): Map<string, Site> {
  const map = new Map((sites ?? []).map((s) => [s.name, s]));
  map.set(site.name, site);
  return map;
}

/**
 * Takes one idempotent step forward on a backup: finds its volumes and database if that is still
 * to do, observes its snapshots and copies, starts the snapshots that are due (paced by the
 * region's EC2 budget, in rounds of at most `maxStartsPerCall`), hands its completed snapshots to
 * the DR copy queue and starts whatever copies the queue gives free slots to (its own or other
 * backups'), records what happened and settles the phase. Safe to call any number of times, concurrently,
 * from events and the sweeper: every catalog write is a compare-and-swap and every start is
 * claimed first (a snapshot on the backup record, a copy by its slot in the queue).
 */
export async function advanceBackup(
  ports: BackupPorts,
  clock: Clock,
  site: Site,
  backupId: string,
  limits: Partial<BackupLimits> = {},
  options: AdvanceOptions = {},
): Promise<Backup> {
  try {
    return await advanceOnce(ports, clock, site, backupId, limits, options);
  } catch (error) {
    // Throttled (after the SDK's retries) or outraced on the catalog: the step ends normally with
    // the work left for the next event or the sweeper; an invocation error would only be retried.
    if (!(error instanceof ThrottledError || error instanceof ConcurrentUpdateError)) throw error;
    const recorded = await ports.catalog.getBackup(site.name, backupId);
    if (recorded === undefined) throw error;
    return recorded;
  }
}

async function advanceOnce(
  ports: BackupPorts,
  clock: Clock,
  site: Site,
  backupId: string,
  limits: Partial<BackupLimits>,
  options: AdvanceOptions,
): Promise<Backup> {
  const bounds: BackupLimits = { ...DEFAULT_BACKUP_LIMITS, ...limits };
  // Every round of starts waits for the budget within this call's one pacing wait.
  const pacingLeft = waitLeft(clock, bounds.pacingWaitMs);
  const { catalog } = ports;
  const current = await catalog.getBackup(site.name, backupId);
  if (current === undefined) {
    await catalog.clearOpenMarker(site.name, backupId);
    throw new NotFoundError(`site ${site.name} has no backup ${backupId}`, { site: site.name, backupId });
  }
  if (isTerminal(current.status.phase)) {
    // An event for a finished backup costs no write; the sweeper's call clears a marker a crash left.
    if (options.fromSweeper === true) await catalog.clearOpenMarker(site.name, backupId);
    return current;
  }
  // Past the deadline an undiscovered backup is not searched again: it is closed below as Failed.
  const discovered =
    awaitsDiscovery(current) && !isOverdue(current, clock.now(), bounds)
      ? await completeDiscovery(ports, clock, site, current)
      : current;
  const sites = siteMap(site, options.sites);
  const { primaryRegion, drRegion } = discovered.spec;
  const reads = options.reads ?? new SnapshotReads(ports);

  const fromEvents =
    options.signals === undefined
      ? undefined
      : await observeSignals(ports, site, discovered, options.signals, reads);
  const observed =
    fromEvents === undefined || fromEvents.unmatched
      ? await observe(ports, site, discovered, clock.now(), bounds, reads, options.fromSweeper === true)
      : fromEvents.observed;
  // What the queue must hear before the record is written: slots the observation freed, and
  // every waiting copy (idempotent; a new one is queued, an older one of its volume superseded).
  const preview = structuredClone(discovered);
  applyObservations(preview, observed, clock.now());
  const releases = copyReleases(discovered, preview);
  const requests = copyRequests(preview);
  const queued =
    releases.length > 0 || requests.length > 0
      ? await changeQueue(
          ports,
          clock,
          drRegion,
          { release: releases, enqueue: requests, canStart: (name) => sites.has(name) },
          bounds,
          true,
          // Events and the sweeper's workers trust the queue's exact slots (the sweeper checks
          // them against AWS itself); a direct call (CLI, recovery) counts.
          options.signals === undefined && options.fromSweeper !== true
            ? await copiesInFlightInAws(ports, reads, drRegion, [...sites.values()])
            : undefined,
        )
      : NOTHING_QUEUED;

  // One write: observations, the queue's answers, and the claims of this call's starts.
  const now = clock.now();
  const claimedAt = now.toISOString();
  // Past the deadline no snapshot is started; copies still are (a queued copy never fails).
  const overdue = isOverdue(discovered, now, bounds);
  let snapshots: Work[] = [];
  let restarts: Work[] = [];
  let backup = await updateAndSettle(ports, clock, discovered, bounds, (b) => {
    snapshots = [];
    restarts = [];
    applyObservations(b, observed, now);
    markQueued(b, queued, claimedAt);
    for (const part of b.status.parts) {
      if (!overdue && snapshots.length < bounds.maxStartsPerCall && wantsSnapshot(part, now, bounds)) {
        part.startedAt = claimedAt;
        snapshots.push({ what: 'snapshot', sourceId: part.sourceId });
      } else if (wantsRestart(b, part, now, bounds)) {
        part.copy.startedAt = claimedAt;
        restarts.push({ what: 'copy', sourceId: part.sourceId });
      }
    }
  });
  // A DR copy observed completed just now is locked (site protection.snapshotLock).
  const copiesDone = backup.status.parts.filter(
    (p) => p.kind === 'ebs-volume' && observed.get(p.sourceId)?.copy?.state === 'completed',
  );
  await lockDrCopies(
    ports,
    site,
    backup,
    copiesDone.flatMap((p) => p.copy.snapshotId ?? []),
  );
  const own = isOf(backup);
  const ownCopies: Work[] = queued.taken.filter(own).map((e) => ({ what: 'copy', sourceId: e.sourceId }));
  const started = isTerminal(backup.status.phase) ? [] : [...snapshots, ...restarts, ...ownCopies];

  const startSnapshots = async (): Promise<Outcome[]> => {
    const ebs = snapshots.filter((w) => findPart(backup, w.sourceId)?.kind === 'ebs-volume');
    const granted = await (ports.pacer ?? unpaced).acquire(
      primaryRegion,
      'createSnapshot',
      ebs.length,
      bounds.pacingWaitMs,
    );
    const paced = new Set(ebs.slice(granted));
    const current = backup;
    return Promise.all(
      snapshots.map((w) =>
        paced.has(w) ? { work: w, result: 'retry-later' as const } : perform(ports, site, current, w, reads),
      ),
    );
  };
  const startCopies = async (): Promise<Outcome[]> => {
    const copies = [...restarts, ...ownCopies];
    await prefetchSources(
      reads,
      copies.map((w) => ({ backup, sourceId: w.sourceId })),
    );
    return Promise.all(copies.map((w) => perform(ports, site, backup, w, reads)));
  };
  const [snapshotOutcomes, copyOutcomes, othersReleases] = await Promise.all([
    started.length === 0 ? [] : startSnapshots(),
    started.length === 0 ? [] : startCopies(),
    startQueuedCopies(
      ports,
      clock,
      sites,
      queued.taken.filter((e) => !own(e)),
      bounds,
      reads,
    ),
  ]);
  const restartOutcomes = copyOutcomes.slice(0, restarts.length);
  const queueOutcomes = copyOutcomes.slice(restarts.length);
  if (snapshotOutcomes.length + copyOutcomes.length > 0) {
    backup = await updateAndSettle(ports, clock, backup, bounds, (b, at) => {
      recordOutcomes(b, [...snapshotOutcomes, ...restartOutcomes], claimedAt, new Date(at));
      recordCopyStarts(b, queueOutcomes, at);
    });
  }
  // Hand back the slots of copies that did not start; the sweeper or the next event takes them again.
  const giveBack = [
    ...othersReleases,
    ...copyOutcomes
      .map((o) => releaseOf(backup, o, clock.now().toISOString()))
      .filter((r): r is CopyRelease => r !== undefined),
  ];
  if (giveBack.length > 0) await changeQueue(ports, clock, drRegion, { release: giveBack }, bounds, false);
  if (queued.superseded.length > 0) await supersedeOlder(ports, clock, queued.superseded, bounds);
  // Further rounds only when this one was cut at maxStartsPerCall (else it claimed every snapshot
  // due) and every start went through (a refusal: the budget is booked past the wait, or AWS
  // throttled).
  const allStarted = snapshotOutcomes.every((o) => o.result === 'started');
  if (!allStarted || overdue || snapshots.length < bounds.maxStartsPerCall) return backup;
  return startFurtherRounds(ports, clock, site, backup, bounds, reads, pacingLeft);
}

/**
 * The rounds after an advance's first: while the backup still has snapshots to start and its
 * region's EC2 budget grants requests within what is left of the call's pacing wait
 * (`pacingLeft`), takes the grant first, then claims and starts that many more (at most
 * `maxStartsPerCall`). Why: a backup is advanced again only when
 * its snapshots' events arrive or at the sweep, so a night's last volumes waited there while the
 * bucket had tokens to spare (issue 12: 89 % of 5/s at 10,000 volumes). Granted before it claims,
 * a round never holds volumes it cannot start; it ends at the first grant short of its want.
 */
async function startFurtherRounds(
  ports: BackupPorts,
  clock: Clock,
  site: Site,
  first: Backup,
  bounds: BackupLimits,
  reads: SnapshotReads,
  pacingLeft: () => number,
): Promise<Backup> {
  const pacer = ports.pacer ?? unpaced;
  let backup = first;
  for (;;) {
    const at = clock.now();
    const due = backup.status.parts.filter((p) => wantsSnapshot(p, at, bounds));
    if (due.length === 0 || isTerminal(backup.status.phase) || isOverdue(backup, at, bounds)) return backup;
    const want = Math.min(bounds.maxStartsPerCall, due.filter((p) => p.kind === 'ebs-volume').length);
    const granted =
      want === 0 ? 0 : await pacer.acquire(backup.spec.primaryRegion, 'createSnapshot', want, pacingLeft());
    if (want > 0 && granted === 0) return backup;
    const now = clock.now();
    const claimedAt = now.toISOString();
    let snapshots: Work[] = [];
    backup = await updateAndSettle(ports, clock, backup, bounds, (b) => {
      snapshots = [];
      let volumes = 0;
      for (const part of b.status.parts) {
        if (!wantsSnapshot(part, now, bounds)) continue;
        // The database is not paced by EC2's bucket: it goes with any round.
        if (part.kind === 'ebs-volume' && ++volumes > granted) continue;
        part.startedAt = claimedAt;
        snapshots.push({ what: 'snapshot', sourceId: part.sourceId });
      }
    });
    // Finished meanwhile, or every volume claimed by a concurrent call (its grant is not used).
    if (snapshots.length === 0 || isTerminal(backup.status.phase)) return backup;
    const claimed = backup;
    const outcomes = await Promise.all(snapshots.map((w) => perform(ports, site, claimed, w, reads)));
    backup = await updateAndSettle(ports, clock, backup, bounds, (b, at) => {
      recordOutcomes(b, outcomes, claimedAt, new Date(at));
    });
    if (granted < want || outcomes.some((o) => o.result !== 'started')) return backup;
  }
}

/**
 * Slots held past the claim timeout: a copy whose caller crashed after taking the slot is marked
 * for lookup on its backup (the next advance finds it by its tags, or starts it); a slot whose
 * copy already ended, or whose backup is gone, is given back.
 */
async function reconcileStale(
  ports: BackupPorts,
  clock: Clock,
  stale: readonly InFlightEntry[],
  limits: BackupLimits,
): Promise<CopyRelease[]> {
  const releases: CopyRelease[] = [];
  for (const entry of stale) {
    const backup = await ports.catalog.getBackup(entry.site, entry.backupId);
    const copy = backup === undefined ? undefined : findPart(backup, entry.sourceId)?.copy;
    if (backup === undefined || copy === undefined || isTerminal(backup.status.phase)) {
      releases.push({
        ...entry,
        outcome: copy?.state === 'completed' ? 'completed' : 'failed',
        at: copy?.completedAt,
      });
    } else if (copy.state === 'waiting') {
      await updateAndSettle(ports, clock, backup, limits, (b) => {
        const part = findPart(b, entry.sourceId);
        if (part?.copy.state === 'waiting')
          part.copy = { ...part.copy, state: 'pending', startedAt: new Date(0).toISOString() };
      });
    } else if (copy.state !== 'pending') {
      releases.push({
        ...entry,
        outcome: copy.state === 'completed' ? 'completed' : 'failed',
        at: copy.completedAt,
      });
    }
  }
  return releases;
}

/**
 * Fills the free copy slots of DR region `region` from its queue, oldest DR copy first, starts
 * those copies and gives back slots held too long (the sweeper's call: slots freed while events
 * were lost are used too). Returns the queue as it left it, for the DR freshness it records.
 */
export async function fillCopySlots(
  ports: BackupPorts,
  clock: Clock,
  sites: readonly Site[],
  region: string,
  limits: Partial<BackupLimits> = {},
  options: { countInAws?: boolean } = {},
): Promise<{ started: number; queue: CopyQueue }> {
  const bounds: BackupLimits = { ...DEFAULT_BACKUP_LIMITS, ...limits };
  const known = new Map(sites.map((s) => [s.name, s]));
  const reads = new SnapshotReads(ports);
  const before = await ports.catalog.getCopyQueue(region, clock.now());
  const stale = await reconcileStale(
    ports,
    clock,
    staleInFlight(before, clock.now(), bounds.claimTimeoutMs),
    bounds,
  );
  const queued = await changeQueue(
    ports,
    clock,
    region,
    { release: stale, canStart: (name) => known.has(name) },
    bounds,
    true,
    options.countInAws === false ? undefined : await copiesInFlightInAws(ports, reads, region, sites),
  );
  const releases = await startQueuedCopies(ports, clock, known, queued.taken, bounds, reads);
  const queue =
    releases.length > 0
      ? (await changeQueueAndRead(ports, clock, region, { release: releases })).queue
      : queued.queue;
  return { started: queued.taken.length - releases.length, queue };
}
