import type { Backup } from '../backup/model';
import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { NoKnownGoodBackupError, SnapshotMismatchError } from '../errors';
import { type Candidate, type CandidateQueue, queueOf, toCandidate } from './candidates';
import { entry, journal } from './journal';
import type { RecoveryPorts } from './ports';

/** Kinds of backup that hold a state the site was once healthy in. */
export const RESTORABLE_KINDS: readonly Backup['spec']['kind'][] = ['scheduled', 'manual', 'pre-promote'];

export interface PickRequest {
  /** Only backups taken before this instant (the outage start) qualify. */
  before: Date;
  /** A specific backup the operator asked for: the only candidate. */
  backupId?: string;
  /** How many candidates at most (the first plus the walk-back). */
  limit: number;
  /** Drilled (restore-proven) backups first, then the others, each newest first. */
  preferDrilled: boolean;
}

/**
 * Orders completed backups taken before `before` as candidates for the task volume `volumeName`:
 * restore-proven ones first when asked, then newest first; a failed drill sends a backup to the back.
 */
export function rankCandidates(backups: Backup[], request: PickRequest, volumeName: string): Candidate[] {
  return rankAll(backups, request, volumeName).slice(0, request.limit);
}

function rankAll(backups: Backup[], request: PickRequest, volumeName: string): Candidate[] {
  const rank = (b: Backup) => {
    if (!request.preferDrilled) return 0;
    const drill = b.status.drill?.verdict;
    return drill === 'passed' ? 0 : drill === undefined ? 1 : 2;
  };
  return backups
    .filter(
      (b) =>
        b.status.phase === 'Completed' &&
        RESTORABLE_KINDS.includes(b.spec.kind) &&
        new Date(b.status.createdAt).getTime() < request.before.getTime(),
    )
    .sort((a, b) => rank(a) - rank(b) || b.status.createdAt.localeCompare(a.status.createdAt))
    .map((b) => toCandidate(b, volumeName))
    .filter((c): c is Candidate => c !== undefined);
}

async function explicitCandidate(ports: RecoveryPorts, site: Site, backupId: string): Promise<Candidate> {
  const backup = await ports.catalog.getBackup(site.name, backupId);
  if (backup === undefined) {
    throw new NoKnownGoodBackupError(`backup ${backupId} of site ${site.name} is not in the catalog`, {
      site: site.name,
      backupId,
    });
  }
  const candidate =
    backup.status.phase === 'Completed' ? toCandidate(backup, site.run.volumeName) : undefined;
  if (candidate === undefined) {
    throw new NoKnownGoodBackupError(
      `backup ${backupId} of site ${site.name} is ${backup.status.phase} without a usable volume snapshot (of task volume ${site.run.volumeName})`,
      { site: site.name, backupId, phase: backup.status.phase },
    );
  }
  return candidate;
}

/** A candidate AWS did not vouch for: skipped, never launched. */
export interface RefusedCandidate {
  backupId: string;
  snapshotId: string;
  reason: string;
}

/**
 * The candidates to try, the keys of the unreadable backup records skipped and the candidates
 * refused by the check in AWS (each only when there are any).
 */
export type FoundCandidates = CandidateQueue & { unreadable?: string[]; refused?: RefusedCandidate[] };

function noneQualifies(site: Site, request: PickRequest, skipped: string[], refused: RefusedCandidate[]) {
  const notes = [
    ...(skipped.length > 0 ? [`${skipped.length} unreadable backup records skipped`] : []),
    ...(refused.length > 0
      ? [`${refused.length} refused by the check in AWS: ${refused.map((r) => r.reason).join('; ')}`]
      : []),
  ];
  return new NoKnownGoodBackupError(
    `site ${site.name} has no completed backup taken before ${request.before.toISOString()}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`,
    { site: site.name, before: request.before.toISOString(), unreadable: skipped, refused },
  );
}

/**
 * The backups the catalog offers, best first, before any check in AWS (what `lifeboat recover
 * --dry-run` shows offline); NoKnownGoodBackupError if none qualifies. An unreadable backup record
 * is skipped (and named), so one corrupt object does not stop a recovery.
 */
export async function catalogCandidates(
  ports: Pick<RecoveryPorts, 'catalog'>,
  site: Site,
  request: PickRequest,
): Promise<FoundCandidates> {
  if (request.backupId !== undefined)
    return queueOf([await explicitCandidate(ports as RecoveryPorts, site, request.backupId)]);
  const { items, unreadable } = await ports.catalog.readBackups(site.name);
  const skipped = unreadable.map((u) => u.key);
  const candidates = rankCandidates(items, request, site.run.volumeName);
  if (candidates.length === 0) throw noneQualifies(site, request, skipped, []);
  return skipped.length > 0 ? { ...queueOf(candidates), unreadable: skipped } : queueOf(candidates);
}

/**
 * The backups to try, best first, each one's snapshot checked in AWS (this account's, tagged with
 * this stage, site and backup, completed); NoKnownGoodBackupError if none qualifies. A candidate
 * that fails the check is skipped and named, and the next one takes its place: a tampered record
 * does not stop a recovery from an older backup that checks out. A backup the operator named is
 * the only candidate, so its refusal (SnapshotMismatchError) ends the pick.
 */
export async function findCandidates(
  ports: RecoveryPorts,
  site: Site,
  request: PickRequest,
): Promise<FoundCandidates> {
  const region = site.regions.primary;
  const check = (c: Candidate) =>
    ports.trust.ebsSnapshot(region, c.snapshotId, { site, backupId: c.backupId }, 'launch');
  if (request.backupId !== undefined) {
    const explicit = await explicitCandidate(ports, site, request.backupId);
    await check(explicit);
    return queueOf([explicit]);
  }
  const { items, unreadable } = await ports.catalog.readBackups(site.name);
  const skipped = unreadable.map((u) => u.key);
  const chosen: Candidate[] = [];
  const refused: RefusedCandidate[] = [];
  for (const candidate of rankAll(items, request, site.run.volumeName)) {
    if (chosen.length >= request.limit) break;
    try {
      await check(candidate);
      chosen.push(candidate);
    } catch (error) {
      if (!(error instanceof SnapshotMismatchError)) throw error;
      refused.push({ backupId: candidate.backupId, snapshotId: candidate.snapshotId, reason: error.message });
    }
  }
  if (chosen.length === 0) throw noneQualifies(site, request, skipped, refused);
  return {
    ...queueOf(chosen),
    ...(skipped.length > 0 ? { unreadable: skipped } : {}),
    ...(refused.length > 0 ? { refused } : {}),
  };
}

/** Picks the candidates and records the choice on the run. */
export async function pickKnownGood(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  recoveryId: string,
  request: PickRequest,
): Promise<CandidateQueue> {
  const started = clock.now();
  const found = await findCandidates(ports, site, request).catch(async (error: unknown) => {
    if (error instanceof SnapshotMismatchError)
      await recordRefusal(ports, clock, site, recoveryId, started, error);
    throw error;
  });
  const { unreadable, refused, ...queue } = found;
  const chosen = [queue.next, ...queue.rest].filter((c): c is Candidate => c !== undefined);
  const ended = clock.now();
  await journal(
    ports.catalog,
    site.name,
    recoveryId,
    [
      ...(refused ?? []).map((r) =>
        entry('verify-snapshot', started, ended, 'failed', false, {
          action: 'launch',
          backupId: r.backupId,
          snapshotId: r.snapshotId,
          error: r.reason,
        }),
      ),
      entry('pick-known-good', started, ended, 'ok', true, {
        backupId: queue.next?.backupId,
        candidates: chosen.map((c) => c.backupId),
        ...(unreadable === undefined ? {} : { unreadable }),
        ...(refused === undefined ? {} : { refused: refused.map((r) => r.backupId) }),
      }),
    ],
    (recovery) => {
      recovery.status.knownGoodBackupId = queue.next?.backupId;
    },
  );
  return queue;
}

/** Records on the run that AWS refused a snapshot (the refusal itself is already counted). */
export async function recordRefusal(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  recoveryId: string,
  started: Date,
  error: SnapshotMismatchError,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await journal(ports.catalog, site.name, recoveryId, [
    entry('verify-snapshot', started, clock.now(), 'failed', false, {
      action: 'launch',
      backupId: error.context.backupId,
      snapshotId: error.context.snapshotId,
      mismatches: error.context.mismatches,
      error: error.message,
      ...detail,
    }),
  ]);
}

/** What a dry run reports: the backup, task definition and record a real run would use. */
export function planOf(site: Site, queue: CandidateQueue) {
  return {
    site: site.name,
    backup: queue.next,
    walkBack: queue.rest.map((c) => c.backupId),
    launch: {
      cluster: site.run.cluster,
      taskDefinition: site.run.taskDefinition,
      volumeName: site.run.volumeName,
      snapshotId: queue.next?.snapshotId,
    },
    dns: { hostedZoneId: site.dns.hostedZoneId, recordName: site.dns.recordName, ttl: site.dns.ttl },
    sandbox: { recordName: site.sandbox.recordName, allowedCidr: site.sandbox.allowedCidr },
  };
}
