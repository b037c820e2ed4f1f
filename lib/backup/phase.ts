import type { Backup, BackupPart, BackupPhase } from './model';
import { awaitsDiscovery, isTerminal } from './model';

function describeFailure(part: BackupPart): string | undefined {
  if (part.state === 'failed') return `${part.sourceId}: snapshot failed: ${part.error ?? 'no cause given'}`;
  if (part.copy.state === 'failed')
    return `${part.sourceId}: copy to ${part.copy.region} failed: ${part.copy.error ?? 'no cause given'}`;
  return undefined;
}

/** A DR copy that needs nothing more: done, not wanted, or replaced by a newer backup's copy. */
const COPY_DONE: readonly BackupPart['copy']['state'][] = ['completed', 'skipped', 'superseded'];

/** The phase the parts add up to (Velero-style: any unfinished part keeps the backup open). */
export function phaseOf(backup: Backup): BackupPhase {
  if (awaitsDiscovery(backup)) return 'Pending';
  const parts = backup.status.parts;
  if (parts.some((p) => p.state === 'pending')) return 'Pending';
  if (
    parts.some((p) => p.state === 'completed' && (p.copy.state === 'waiting' || p.copy.state === 'pending'))
  )
    return 'Copying';
  const done = parts.filter((p) => p.state === 'completed' && COPY_DONE.includes(p.copy.state));
  if (parts.length > 0 && done.length === parts.length) return 'Completed';
  return parts.some((p) => p.state === 'completed') ? 'PartiallyFailed' : 'Failed';
}

/**
 * Brings a backup's phase in line with its parts, failing snapshots still open `giveUpAfterMs`
 * after the backup began and copies in flight that long after they started (so no backup stays
 * open for ever; a queued copy ends copied or superseded) and stamping completion. Returns the same object, changed.
 */
export function settleBackup(backup: Backup, now: Date, giveUpAfterMs: number): Backup {
  if (isTerminal(backup.status.phase)) return backup;
  const at = now.toISOString();
  const overdue = now.getTime() - new Date(backup.status.createdAt).getTime() > giveUpAfterMs;
  const hours = Math.round(giveUpAfterMs / 3_600_000);
  if (awaitsDiscovery(backup)) {
    if (!overdue) {
      backup.status.phase = 'Pending';
      return backup;
    }
    // Never found what to snapshot: a failed backup with the cause, not one that stays open.
    backup.status.phase = 'Failed';
    backup.status.completedAt = at;
    backup.status.failureReason = `the site's volumes and database were not found within ${hours} h: ${
      backup.status.discoveryError ?? 'no cause given'
    }`;
    return backup;
  }
  for (const part of backup.status.parts) {
    if (overdue && part.state === 'pending') {
      part.state = 'failed';
      part.error = `did not complete within ${hours} h`;
    }
    if (part.state === 'failed' && part.copy.state === 'waiting') part.copy.state = 'skipped';
    // A copy waiting for a slot never fails (the copy quota is not the backup's fault: it is
    // copied, or superseded by the next backup's copy); one in flight gets the deadline from its start.
    const copyStarted = part.copy.startedAt === undefined ? undefined : new Date(part.copy.startedAt);
    if (
      part.state === 'completed' &&
      part.copy.state === 'pending' &&
      copyStarted !== undefined &&
      now.getTime() - copyStarted.getTime() > giveUpAfterMs
    ) {
      part.copy.state = 'failed';
      part.copy.error = `did not complete within ${hours} h`;
    }
  }
  const phase = phaseOf(backup);
  backup.status.phase = phase;
  if (isTerminal(phase)) {
    backup.status.completedAt = at;
    const failures = backup.status.parts.map(describeFailure).filter((f): f is string => f !== undefined);
    if (backup.status.parts.length === 0) {
      backup.status.failureReason ??= 'nothing to back up: no volume or database of the site was found';
    } else if (failures.length > 0) {
      backup.status.failureReason = failures.join('; ');
    }
  }
  return backup;
}
