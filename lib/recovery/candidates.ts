import type { Backup } from '../backup/model';
import type { Candidate, CandidateQueue } from './model';

export type { Candidate, CandidateQueue } from './model';

/** The completed EBS snapshot of a backup's volume, or undefined if it has none. */
export function volumeSnapshotOf(backup: Backup): string | undefined {
  return backup.status.parts.find((p) => p.kind === 'ebs-volume' && p.state === 'completed')?.snapshotId;
}

/** A backup as a candidate, if it has a usable volume snapshot. */
export function toCandidate(backup: Backup): Candidate | undefined {
  const snapshotId = volumeSnapshotOf(backup);
  if (snapshotId === undefined) return undefined;
  return {
    backupId: backup.id,
    snapshotId,
    takenAt: backup.status.createdAt,
    drilled: backup.status.drill?.verdict === 'passed',
  };
}

/** A queue of candidates, first one next. */
export function queueOf(candidates: Candidate[]): CandidateQueue {
  const [next, ...rest] = candidates;
  return next === undefined ? { rest: [] } : { next, rest };
}
