import type { Backup, BackupPart } from '../backup/model';
import type { DatabaseKind } from '../backup/ports';
import { rdsSnapshotIdentifier, TAG } from '../tags/vocabulary';
import {
  type ExpectedSnapshot,
  type ObservedSnapshot,
  type Verification,
  verifySnapshot,
} from '../trust/verify-snapshot';
import { regionsOf } from './policy';
import type { RetentionPorts } from './ports';

/** Who retention runs as: the account and the deploy stage, against which every snapshot is checked. */
export interface RetentionTrust {
  accountId: string;
  stage: string;
}

/** One snapshot of a backup, where it was expected or found, and what AWS says about it. */
export interface ObservedResource {
  region: string;
  service: 'ebs' | 'rds';
  id: string;
  /** For DB snapshots: instance or cluster snapshot. */
  kind?: DatabaseKind;
  /** The part (source volume or database) the record names it for; undefined for a stray found by tag. */
  sourceId?: string;
  /** `primary` or `copy` (DR): which of the part's snapshots it is. */
  role?: 'primary' | 'copy';
  /** What AWS reports; undefined when it does not exist (deleted, or never made). */
  observed?: ObservedSnapshot;
}

/** What AWS says about one backup: every snapshot the record names or that carries its tags. */
export interface BackupEvidence {
  backupId: string;
  resources: ObservedResource[];
  /** Regions where every part has a snapshot that exists, is completed and verifies. */
  restorableIn: Set<string>;
}

/** What a snapshot of this backup must be, for restoring (completed) or deleting (completed or failed). */
export function expectedFor(
  trust: RetentionTrust,
  backup: Backup,
  purpose: 'restore' | 'delete',
): ExpectedSnapshot {
  return {
    accountId: trust.accountId,
    stage: trust.stage,
    site: backup.site,
    backupId: backup.id,
    states: purpose === 'delete' ? ['completed', 'failed'] : ['completed'],
  };
}

function dbKind(part: BackupPart): DatabaseKind {
  return part.kind === 'rds-cluster' ? 'rds-cluster' : 'rds-instance';
}

/**
 * The snapshots a record names, per region: each part's snapshot in the primary region and its
 * copy in the DR region. A DB snapshot's identifier is derived when the record has none yet.
 */
function namedResources(backup: Backup): ObservedResource[] {
  const out: ObservedResource[] = [];
  for (const part of backup.status.parts) {
    const db = part.kind !== 'ebs-volume';
    const primary = part.snapshotId ?? (db ? rdsSnapshotIdentifier(backup.site, backup.id) : undefined);
    const copy = part.copy.snapshotId ?? (db && backup.spec.copyToDr ? primary : undefined);
    const base = { service: db ? ('rds' as const) : ('ebs' as const), sourceId: part.sourceId };
    const kind = db ? { kind: dbKind(part) } : {};
    if (primary !== undefined)
      out.push({ ...base, ...kind, region: backup.spec.primaryRegion, id: primary, role: 'primary' });
    if (copy !== undefined) out.push({ ...base, ...kind, region: part.copy.region, id: copy, role: 'copy' });
  }
  return out;
}

/**
 * Observes in AWS every snapshot of these backups in both regions: one tag query per region for
 * the site's EBS snapshots of this stage, a lookup by id for each snapshot a record names that
 * the query did not return (another stage's, someone else's, or gone), one DescribeDBSnapshots
 * listing per database and region (RDS has no tag filter), and a lookup by id for a named DB
 * snapshot that listing did not return.
 */
export async function observeBackups(
  ports: RetentionPorts,
  site: string,
  backups: readonly Backup[],
  trust: RetentionTrust,
): Promise<Map<string, BackupEvidence>> {
  const regions = [...new Set(backups.flatMap(regionsOf))];
  const byTag = new Map<string, Map<string, ObservedSnapshot>>();
  for (const region of regions) {
    const found = await ports
      .ebs(region)
      .snapshotsWithTags({ [TAG.site]: site, [TAG.managed]: 'true', [TAG.stage]: trust.stage });
    byTag.set(region, new Map(found.map((s) => [s.id, s])));
  }

  // One listing per database and region (RDS has no tag filter): its manual snapshots, by id.
  const bySource = new Map<string, Promise<Map<string, ObservedSnapshot>>>();
  const listedOf = (r: ObservedResource) => {
    const kind = r.kind ?? 'rds-instance';
    const key = `${r.region}/${kind}/${r.sourceId}`;
    let listed = bySource.get(key);
    if (listed === undefined) {
      listed = ports
        .rds(r.region)
        .snapshotsOf(kind, r.sourceId ?? '')
        .then((found) => new Map(found.map((s) => [s.id, s])));
      bySource.set(key, listed);
    }
    return listed;
  };

  const out = new Map<string, BackupEvidence>();
  for (const backup of backups) {
    const resources = namedResources(backup);
    for (const r of resources) {
      if (r.service === 'ebs') {
        r.observed = byTag.get(r.region)?.get(r.id) ?? (await ports.ebs(r.region).snapshotById(r.id));
      } else {
        // Not in its database's listing (taken of another database, or gone): looked up by id.
        r.observed =
          (await listedOf(r)).get(r.id) ??
          (await ports.rds(r.region).snapshot(r.kind ?? 'rds-instance', r.id));
      }
    }
    // Strays: this stage's snapshots with the backup's tags that the record does not name (a
    // snapshot started before a crash, a copy retried after a lost answer). They go with it.
    for (const [region, snapshots] of byTag) {
      for (const s of snapshots.values()) {
        if (s.tags[TAG.backupId] !== backup.id) continue;
        if (resources.some((r) => r.region === region && r.id === s.id)) continue;
        resources.push({ region, service: 'ebs', id: s.id, observed: s });
      }
    }
    out.set(backup.id, {
      backupId: backup.id,
      resources,
      restorableIn: restorableIn(backup, resources, trust),
    });
  }
  return out;
}

function restorableIn(backup: Backup, resources: ObservedResource[], trust: RetentionTrust): Set<string> {
  const ok = new Set<string>();
  if (backup.status.parts.length === 0) return ok;
  const expected = expectedFor(trust, backup, 'restore');
  for (const region of regionsOf(backup)) {
    const role = region === backup.spec.primaryRegion ? 'primary' : 'copy';
    const every = backup.status.parts.every((part) => {
      const r = resources.find((x) => x.sourceId === part.sourceId && x.role === role && x.region === region);
      return r?.observed !== undefined && verifySnapshot(r.observed, expected).ok;
    });
    if (every) ok.add(region);
  }
  return ok;
}

/** The verdict on one existing resource of a backup about to be deleted. */
export function verifyForDeletion(
  resource: ObservedResource,
  backup: Backup,
  trust: RetentionTrust,
): Verification | undefined {
  return resource.observed === undefined
    ? undefined
    : verifySnapshot(resource.observed, expectedFor(trust, backup, 'delete'));
}
