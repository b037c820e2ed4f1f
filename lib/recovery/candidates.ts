import type { Backup, BackupPart } from '../backup/model';
import type { Candidate, CandidateQueue } from './model';

export type { Candidate, CandidateQueue } from './model';

/**
 * The part a recovery creates the task definition's volume `volumeName` from: the part recorded as
 * that volume's. A record made before parts named their task volume qualifies only when it is
 * unambiguous (a single volume part); never the first of several by order.
 */
export function taskVolumePartOf(backup: Backup, volumeName: string): BackupPart | undefined {
  const volumes = backup.status.parts.filter((p) => p.kind === 'ebs-volume');
  const named = volumes.find((p) => p.taskVolume === volumeName);
  if (named !== undefined) return named;
  const [only, ...others] = volumes;
  return only !== undefined && others.length === 0 && only.taskVolume === undefined ? only : undefined;
}

/** The completed EBS snapshot of the backup's part for the task volume `volumeName`, if it has one. */
export function volumeSnapshotOf(backup: Backup, volumeName: string): string | undefined {
  const part = taskVolumePartOf(backup, volumeName);
  return part?.state === 'completed' ? part.snapshotId : undefined;
}

/** The completed DB (cluster) snapshot of a backup's database, or undefined if it has none. */
export function databaseSnapshotOf(backup: Backup): Candidate['database'] {
  const part = backup.status.parts.find(
    (p) => (p.kind === 'rds-instance' || p.kind === 'rds-cluster') && p.state === 'completed',
  );
  if (part?.snapshotId === undefined || part.kind === 'ebs-volume') return undefined;
  return { kind: part.kind, snapshotId: part.snapshotId };
}

/** A backup as a candidate for the task volume `volumeName`, if it has a usable snapshot of it. */
export function toCandidate(backup: Backup, volumeName: string): Candidate | undefined {
  const snapshotId = volumeSnapshotOf(backup, volumeName);
  if (snapshotId === undefined) return undefined;
  const database = databaseSnapshotOf(backup);
  return {
    backupId: backup.id,
    snapshotId,
    takenAt: backup.status.createdAt,
    drilled: backup.status.drill?.verdict === 'passed',
    ...(database === undefined ? {} : { database }),
  };
}

/** A queue of candidates, first one next. */
export function queueOf(candidates: Candidate[]): CandidateQueue {
  const [next, ...rest] = candidates;
  return next === undefined ? { rest: [] } : { next, rest };
}
