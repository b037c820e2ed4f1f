import type { Backup } from '../backup/model';
import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { NoKnownGoodBackupError } from '../errors';
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
 * Orders completed backups taken before `before` as candidates: restore-proven ones first when
 * asked, then newest first; a failed drill sends a backup to the back.
 */
export function rankCandidates(backups: Backup[], request: PickRequest): Candidate[] {
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
    .map(toCandidate)
    .filter((c): c is Candidate => c !== undefined)
    .slice(0, request.limit);
}

async function explicitCandidate(ports: RecoveryPorts, site: Site, backupId: string): Promise<Candidate> {
  const backup = await ports.catalog.getBackup(site.name, backupId);
  if (backup === undefined) {
    throw new NoKnownGoodBackupError(`backup ${backupId} of site ${site.name} is not in the catalog`, {
      site: site.name,
      backupId,
    });
  }
  const candidate = backup.status.phase === 'Completed' ? toCandidate(backup) : undefined;
  if (candidate === undefined) {
    throw new NoKnownGoodBackupError(
      `backup ${backupId} of site ${site.name} is ${backup.status.phase} without a usable volume snapshot`,
      { site: site.name, backupId, phase: backup.status.phase },
    );
  }
  return candidate;
}

/** The candidates to try, and the keys of the unreadable backup records skipped (when there are any). */
export type FoundCandidates = CandidateQueue & { unreadable?: string[] };

/**
 * The backups to try, best first; NoKnownGoodBackupError if none qualifies. An unreadable backup
 * record is skipped (and named), so one corrupt object does not stop a recovery.
 */
export async function findCandidates(
  ports: RecoveryPorts,
  site: Site,
  request: PickRequest,
): Promise<FoundCandidates> {
  if (request.backupId !== undefined)
    return queueOf([await explicitCandidate(ports, site, request.backupId)]);
  const { items, unreadable } = await ports.catalog.readBackups(site.name);
  const skipped = unreadable.map((u) => u.key);
  const candidates = rankCandidates(items, request);
  if (candidates.length === 0) {
    throw new NoKnownGoodBackupError(
      `site ${site.name} has no completed backup taken before ${request.before.toISOString()}${skipped.length > 0 ? ` (${skipped.length} unreadable backup records skipped)` : ''}`,
      { site: site.name, before: request.before.toISOString(), unreadable: skipped },
    );
  }
  return skipped.length > 0 ? { ...queueOf(candidates), unreadable: skipped } : queueOf(candidates);
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
  const { unreadable, ...queue } = await findCandidates(ports, site, request);
  const chosen = [queue.next, ...queue.rest].filter((c): c is Candidate => c !== undefined);
  await journal(
    ports.catalog,
    site.name,
    recoveryId,
    [
      entry('pick-known-good', started, clock.now(), 'ok', true, {
        backupId: queue.next?.backupId,
        candidates: chosen.map((c) => c.backupId),
        ...(unreadable === undefined ? {} : { unreadable }),
      }),
    ],
    (recovery) => {
      recovery.status.knownGoodBackupId = queue.next?.backupId;
    },
  );
  return queue;
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
