import type { Backup } from '../backup/model';
import type { BackupPorts, SnapshotLockInfo } from '../backup/ports';
import type { Site } from '../config/schema';
import type { BackupEvidence, ObservedResource } from './observe';
import type { RetentionDecision } from './policy';
import type { RetentionPorts } from './ports';

/** A lock that still stops deletion now (compliance, its cooling-off period, or governance). */
function isActive(lock: SnapshotLockInfo, now: Date): boolean {
  if (lock.state === 'expired') return false;
  return lock.expiresAt === undefined || new Date(lock.expiresAt).getTime() > now.getTime();
}

/** The active locks on these resources' EBS snapshots, one DescribeLockedSnapshots per region. */
export async function activeLocks(
  ports: RetentionPorts,
  resources: readonly ObservedResource[],
  now: Date,
): Promise<SnapshotLockInfo[]> {
  const byRegion = new Map<string, string[]>();
  for (const r of resources)
    if (r.service === 'ebs') byRegion.set(r.region, [...(byRegion.get(r.region) ?? []), r.id]);
  const out: SnapshotLockInfo[] = [];
  for (const [region, ids] of byRegion)
    out.push(...(await ports.locks(region).lockedSnapshots(ids)).filter((l) => isActive(l, now)));
  return out;
}

/**
 * Locks the DR copies of a backup that just completed (site `protection.snapshotLock`). Best
 * effort: the backup does not fail over it, because retention's daily pass locks every kept copy
 * that is still unlocked (lockKeptCopies), so a failure here only delays the lock.
 */
export async function lockDrCopies(
  ports: BackupPorts,
  site: Site,
  backup: Backup,
  copyIds: readonly string[],
): Promise<void> {
  const lock = site.protection?.snapshotLock;
  if (lock === undefined || ports.locks === undefined || copyIds.length === 0) return;
  const locks = ports.locks(backup.spec.drRegion);
  await Promise.all(copyIds.map((id) => locks.lockSnapshot(id, lock).catch(() => undefined)));
}

/**
 * Locks every DR copy of the backups retention keeps that AWS confirms and that has no active
 * lock (a lock that failed when the copy completed, or copies made before the site asked for
 * locks). Returns how many it locked.
 */
export async function lockKeptCopies(
  ports: RetentionPorts,
  site: Site,
  backups: readonly Backup[],
  decisions: readonly RetentionDecision[],
  evidence: ReadonlyMap<string, BackupEvidence>,
  now: Date,
): Promise<number> {
  const lock = site.protection?.snapshotLock;
  if (lock === undefined) return 0;
  const kept = new Set(decisions.filter((d) => d.action === 'keep').map((d) => d.backupId));
  const copies = new Map<string, string[]>();
  for (const b of backups) {
    if (
      !kept.has(b.id) ||
      b.status.phase !== 'Completed' ||
      !evidence.get(b.id)?.restorableIn.has(b.spec.drRegion)
    )
      continue;
    for (const r of evidence.get(b.id)?.resources ?? [])
      if (r.service === 'ebs' && r.role === 'copy')
        copies.set(r.region, [...(copies.get(r.region) ?? []), r.id]);
  }
  let locked = 0;
  for (const [region, ids] of copies) {
    const active = new Set(
      (await ports.locks(region).lockedSnapshots(ids))
        .filter((l) => isActive(l, now))
        .map((l) => l.snapshotId),
    );
    for (const id of ids.filter((i) => !active.has(i))) {
      await ports.locks(region).lockSnapshot(id, lock);
      locked += 1;
    }
  }
  return locked;
}
