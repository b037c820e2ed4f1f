import type { Backup, BackupPart } from '../backup/model';
import type { BackupPorts } from '../backup/ports';
import type { UnreadableRecord } from '../catalog/catalog';
import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { asError, LifeboatError } from '../errors';
import { rdsSnapshotIdentifier, TAG } from '../tags/vocabulary';
import { planRetention } from './policy';

/** One snapshot retention deletes (or, in a dry run, would delete). */
export interface SnapshotTarget {
  region: string;
  service: 'ebs' | 'rds';
  id: string;
}

export interface RetentionItem {
  backupId: string;
  action: 'keep' | 'delete';
  reasons: string[];
  /** For deletions: the snapshots in both regions that go with the record. */
  snapshots?: SnapshotTarget[];
  /** For deletions that could not finish (the record stays, next run retries). */
  error?: string;
}

export interface RetentionReport {
  site: string;
  dryRun: boolean;
  items: RetentionItem[];
  deleted: number;
  failed: number;
  /** Catalog records that did not parse (quarantined): never deleted, listed for the operator to fix. */
  unreadable: UnreadableRecord[];
}

/** The snapshots a backup's record names, primary first, then DR copies (for the dry-run listing). */
function recordedSnapshots(backup: Backup): SnapshotTarget[] {
  const out: SnapshotTarget[] = [];
  const add = (part: BackupPart, region: string, id: string | undefined) => {
    if (id !== undefined) out.push({ region, service: part.kind === 'ebs-volume' ? 'ebs' : 'rds', id });
  };
  for (const p of backup.status.parts) add(p, backup.spec.primaryRegion, p.snapshotId);
  for (const p of backup.status.parts) add(p, p.copy.region, p.copy.snapshotId);
  return out;
}

/**
 * Deletes every snapshot of the backup in both regions that carries lifeboat:managed=true (found by
 * tag, so a snapshot started after a crash is not missed), DR copies first. A snapshot without the
 * tag is left alone and keeps the record; IAM would refuse the delete anyway.
 */
async function deleteSnapshots(ports: BackupPorts, backup: Backup): Promise<SnapshotTarget[]> {
  const deleted: SnapshotTarget[] = [];
  const regions = [backup.spec.drRegion, backup.spec.primaryRegion];
  const byBackup = { [TAG.site]: backup.site, [TAG.backupId]: backup.id, [TAG.managed]: 'true' };
  const kinds = new Set(backup.status.parts.map((p) => p.kind));
  for (const region of regions) {
    if (kinds.has('ebs-volume')) {
      for (const s of await ports.ebs(region).findSnapshots({ tags: byBackup })) {
        await ports.ebs(region).deleteSnapshot(s.snapshotId);
        deleted.push({ region, service: 'ebs', id: s.snapshotId });
      }
    }
    for (const part of backup.status.parts.filter((p) => p.kind !== 'ebs-volume')) {
      const kind = part.kind === 'rds-cluster' ? 'rds-cluster' : 'rds-instance';
      const identifier = part.snapshotId ?? rdsSnapshotIdentifier(backup.site, backup.id);
      const found = await ports.rds(region).findSnapshot(kind, identifier);
      if (found === undefined) continue;
      if (found.tags[TAG.managed] !== 'true') {
        throw new LifeboatError(
          `DB snapshot ${identifier} in ${region} is not tagged ${TAG.managed}=true; left alone`,
        );
      }
      await ports.rds(region).deleteSnapshot(kind, identifier);
      deleted.push({ region, service: 'rds', id: identifier });
    }
  }
  return deleted;
}

/**
 * Applies a site's retention policy in both regions: decides with planRetention, then (unless
 * `dryRun`) deletes each expired backup's snapshots and record. A dry run lists what would go
 * and why, and changes nothing.
 */
export async function applyRetention(
  ports: BackupPorts,
  clock: Clock,
  site: Site,
  options: { dryRun: boolean },
): Promise<RetentionReport> {
  // An unreadable backup is not in `backups`, so nothing decides to delete it or its snapshots.
  const { items: backups, unreadable: unreadableBackups } = await ports.catalog.readBackups(site.name);
  const { items: recoveries, unreadable: unreadableRecoveries } = await ports.catalog.readRecoveries(
    site.name,
  );
  const unreadable = [...unreadableBackups, ...unreadableRecoveries];
  ports.telemetry?.unreadableRecords?.(site.name, unreadable.length);
  const decisions = planRetention({
    backups,
    recoveries,
    policy: site.retention,
    now: clock.now(),
    unreadableRecoveries: unreadableRecoveries.map((u) => u.key),
  });
  const byId = new Map(backups.map((b) => [b.id, b]));

  const report: RetentionReport = {
    site: site.name,
    dryRun: options.dryRun,
    items: [],
    deleted: 0,
    failed: 0,
    unreadable,
  };
  for (const d of decisions) {
    const backup = byId.get(d.backupId);
    if (d.action === 'keep' || backup === undefined) {
      report.items.push({ ...d });
      continue;
    }
    if (options.dryRun) {
      report.items.push({ ...d, snapshots: recordedSnapshots(backup) });
      continue;
    }
    try {
      const snapshots = await deleteSnapshots(ports, backup);
      await ports.catalog.deleteBackup(site.name, backup.id);
      report.items.push({ ...d, snapshots });
      report.deleted += 1;
    } catch (error) {
      report.items.push({ ...d, error: asError(error).message });
      report.failed += 1;
    }
  }
  return report;
}
