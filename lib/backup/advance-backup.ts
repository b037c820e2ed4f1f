import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { AwsCallError, NotFoundError, SnapshotMismatchError } from '../errors';
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
import { discoverParts } from './discover-parts';
import type { Backup, BackupPart } from './model';
import { awaitsDiscovery, isTerminal } from './model';
import { settleBackup } from './phase';
import type { BackupPorts, DbSnapshotInfo, SnapshotInfo } from './ports';

/** AWS's limits and lifeboat's bounds on one advance call. */
export interface BackupLimits {
  /** EBS copies in flight per destination region (AWS quota: 20). */
  ebsCopiesInFlight: number;
  /** RDS cross-region copies in flight per destination region (AWS allows 5 per account). */
  rdsCopiesInFlight: number;
  /** Snapshots plus copies one call starts at most; the rest wait for the next call. */
  maxStartsPerCall: number;
  /** A start claimed but not recorded for this long (a crashed caller) is looked up, then retried. */
  claimTimeoutMs: number;
  /** A backup still open this long after it was created is closed with what it has. */
  giveUpAfterMs: number;
}

export const DEFAULT_BACKUP_LIMITS: BackupLimits = {
  ebsCopiesInFlight: 20,
  rdsCopiesInFlight: 5,
  maxStartsPerCall: 20,
  claimTimeoutMs: 10 * 60_000,
  giveUpAfterMs: 36 * 3_600_000,
};

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
  const parts = backup.status.parts;
  const ebs = parts.filter((p) => p.kind === 'ebs-volume');

  // One tag query per region covers every volume of the backup, found by id or (after a crash
  // between CreateSnapshot and the catalog write) by volume.
  if (ebs.some((p) => p.state === 'pending')) {
    const snapshots = await ports.ebs(primaryRegion).findSnapshots({ tags: byBackup });
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
        const s = await ports.rds(primaryRegion).findSnapshot(kind, identifier);
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
        const c = await ports.rds(drRegion).findSnapshot(kind, identifier);
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

function wantsCopy(backup: Backup, part: BackupPart, now: Date, limits: BackupLimits): boolean {
  if (!backup.spec.copyToDr || part.state !== 'completed' || part.snapshotId === undefined) return false;
  if (part.copy.state === 'waiting') return true;
  return (
    part.copy.state === 'pending' &&
    part.copy.snapshotId === undefined &&
    isStale(part.copy.startedAt, now, limits.claimTimeoutMs)
  );
}

/** Copies lifeboat has in flight into the DR region, per kind, for the concurrency limits. */
async function copySlots(
  ports: BackupPorts,
  backup: Backup,
  candidates: BackupPart[],
  limits: BackupLimits,
): Promise<{ ebs: number; rds: number }> {
  const dr = backup.spec.drRegion;
  const ebsWanted = candidates.some((p) => p.kind === 'ebs-volume');
  const rdsWanted = candidates.some((p) => p.kind !== 'ebs-volume');
  const [ebsInFlight, rdsInFlight] = await Promise.all([
    ebsWanted ? ports.ebs(dr).countPendingCopies() : Promise.resolve(0),
    rdsWanted ? ports.rds(dr).countPendingCopies() : Promise.resolve(0),
  ]);
  return {
    ebs: Math.max(0, limits.ebsCopiesInFlight - ebsInFlight),
    rds: Math.max(0, limits.rdsCopiesInFlight - rdsInFlight),
  };
}

/** Chooses this call's starts: snapshots first, then copies within the free copy slots. */
async function chooseWork(
  ports: BackupPorts,
  backup: Backup,
  now: Date,
  limits: BackupLimits,
): Promise<Work[]> {
  const work: Work[] = backup.status.parts
    .filter((p) => wantsSnapshot(p, now, limits))
    .slice(0, limits.maxStartsPerCall)
    .map((p) => ({ what: 'snapshot', sourceId: p.sourceId }));
  const copies = backup.status.parts.filter((p) => wantsCopy(backup, p, now, limits));
  if (copies.length === 0 || work.length >= limits.maxStartsPerCall) return work;
  const free = await copySlots(ports, backup, copies, limits);
  for (const part of copies) {
    if (work.length >= limits.maxStartsPerCall) break;
    const key = part.kind === 'ebs-volume' ? 'ebs' : 'rds';
    if (free[key] <= 0) continue;
    free[key] -= 1;
    work.push({ what: 'copy', sourceId: part.sourceId });
  }
  return work;
}

/** Marks the chosen work as started in the catalog; only the writer whose claim lands does the work. */
async function claim(
  ports: BackupPorts,
  backup: Backup,
  work: Work[],
  now: Date,
  limits: BackupLimits,
): Promise<Work[]> {
  const at = now.toISOString();
  let claimed: Work[] = [];
  await ports.catalog.updateBackup(backup.site, backup.id, (b) => {
    claimed = [];
    for (const w of work) {
      const part = findPart(b, w.sourceId);
      if (part === undefined) continue;
      if (w.what === 'snapshot' && wantsSnapshot(part, now, limits)) {
        part.startedAt = at;
        claimed.push(w);
      } else if (w.what === 'copy' && wantsCopy(b, part, now, limits)) {
        part.copy = { ...part.copy, state: 'pending', startedAt: at };
        claimed.push(w);
      }
    }
    if (claimed.length === 0) return undefined;
    b.status.updatedAt = at;
    return b;
  });
  return claimed;
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

async function perform(ports: BackupPorts, site: Site, backup: Backup, work: Work): Promise<Outcome> {
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
      await ports.trust.ebsSnapshot(primaryRegion, sourceId, target, 'copy');
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
    const source = await ports.trust.dbSnapshot(primaryRegion, kind, sourceId, target, 'copy');
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
  return ports.catalog.updateBackup(backup.site, backup.id, (b) => {
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
  });
}

/**
 * Takes one idempotent step forward on a backup: finds its volumes and database if that is still
 * to do, observes its snapshots and copies, starts the snapshots and DR copies that are due
 * (within AWS's copy limits and `maxStartsPerCall`), records what happened and settles the phase. Safe to call any number of times, concurrently, from events
 * and the sweeper: every catalog write is a compare-and-swap and every start is claimed first.
 */
export async function advanceBackup(
  ports: BackupPorts,
  clock: Clock,
  site: Site,
  backupId: string,
  limits: Partial<BackupLimits> = {},
): Promise<Backup> {
  const bounds: BackupLimits = { ...DEFAULT_BACKUP_LIMITS, ...limits };
  const { catalog } = ports;
  const current = await catalog.getBackup(site.name, backupId);
  if (current === undefined) {
    await catalog.clearOpenMarker(site.name, backupId);
    throw new NotFoundError(`site ${site.name} has no backup ${backupId}`, { site: site.name, backupId });
  }
  if (isTerminal(current.status.phase)) {
    await catalog.clearOpenMarker(site.name, backupId);
    return current;
  }
  // Past the deadline an undiscovered backup is not searched again: it is closed below as Failed.
  const discovered =
    awaitsDiscovery(current) && !isOverdue(current, clock.now(), bounds)
      ? await completeDiscovery(ports, clock, site, current)
      : current;

  const observed = await observe(ports, site, discovered, clock.now(), bounds);
  let backup = await catalog.updateBackup(site.name, backupId, (b) =>
    applyObservations(b, observed, clock.now()) ? b : undefined,
  );
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

  const now = clock.now();
  // Past the deadline nothing new is started: the backup is closed below with what it has.
  const overdue = isOverdue(backup, now, bounds);
  const work = isTerminal(backup.status.phase) || overdue ? [] : await chooseWork(ports, backup, now, bounds);
  if (work.length > 0) {
    const claimed = await claim(ports, backup, work, now, bounds);
    const outcomes = await Promise.all(claimed.map((w) => perform(ports, site, backup, w)));
    const claimedAt = now.toISOString();
    backup = await catalog.updateBackup(site.name, backupId, (b) =>
      recordOutcomes(b, outcomes, claimedAt, clock.now()) ? b : undefined,
    );
  }

  let finished = false;
  backup = await catalog.updateBackup(site.name, backupId, (b) => {
    finished = false;
    if (isTerminal(b.status.phase)) return undefined;
    const before = JSON.stringify(b.status);
    settleBackup(b, clock.now(), bounds.giveUpAfterMs);
    if (JSON.stringify(b.status) === before) return undefined;
    finished = isTerminal(b.status.phase);
    b.status.updatedAt = clock.now().toISOString();
    return b;
  });
  if (finished) ports.telemetry?.backupFinished(backup);
  return backup;
}
