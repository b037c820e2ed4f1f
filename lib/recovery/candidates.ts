import type { Backup } from '../backup/model';
import type { Candidate, CandidateQueue } from './model';

export type { Candidate, CandidateQueue } from './model';

/** The completed EBS snapshot of a backup's volume, or undefined if it has none. */
export function volumeSnapshotOf(backup: Backup): string | undefined {
  return backup.status.parts.find((p) => p.kind === 'ebs-volume' && p.state === 'completed')?.snapshotId;
}

/** The completed DB (cluster) snapshot of a backup's database, or undefined if it has none. */
export function databaseSnapshotOf(backup: Backup): Candidate['database'] {
  const part = backup.status.parts.find(
    (p) => (p.kind === 'rds-instance' || p.kind === 'rds-cluster') && p.state === 'completed',
  );
  if (part?.snapshotId === undefined || part.kind === 'ebs-volume') return undefined;
  return { kind: part.kind, snapshotId: part.snapshotId };
}

/** A backup as a candidate, if it has a usable volume snapshot. */
export function toCandidate(backup: Backup): Candidate | undefined {
  const snapshotId = volumeSnapshotOf(backup);
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
