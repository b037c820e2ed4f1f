import type { Backup } from '../backup/model';
import type { Catalog, UnreadableRecord } from '../catalog/catalog';
import { type Clock, reached } from '../clock';
import type { Site } from '../config/schema';
import { asError, SnapshotMismatchError } from '../errors';
import type { Recovery } from '../recovery/model';
import {
  type BackupEvidence,
  type ObservedResource,
  observeBackups,
  type RetentionTrust,
  verifyForDeletion,
} from './observe';
import { planRetention, type RetentionDecision } from './policy';
import type { RetentionPorts } from './ports';
import { applyRetiredDatabaseRetention, type RetiredItem, type RetiredScan } from './retired-databases';
import { activeLocks, lockKeptCopies } from './snapshot-lock';

export type { RetentionTrust };

/** One snapshot retention deletes (or, in a dry run, would delete). */
export interface SnapshotTarget {
  region: string;
  service: 'ebs' | 'rds';
  id: string;
}

/**
 * What became of a backup retention decided to delete: `deleted`; `would-delete` (dry run);
 * `refused` (AWS does not confirm one of its snapshots: nothing of it was deleted); `waiting`
 * (a snapshot is locked: nothing deleted, next run after the lock expires); `failed` (a call
 * failed part-way: the record stays and the next run finishes); `deferred` (the invocation's
 * time ran out before it began: nothing of it deleted, the run's continuation takes it).
 */
export type DeletionOutcome = 'deleted' | 'would-delete' | 'refused' | 'waiting' | 'failed' | 'deferred';

export interface RetentionItem {
  backupId: string;
  action: 'keep' | 'delete';
  reasons: string[];
  anomaly?: string;
  /** For deletions: the snapshots in both regions that go with the record, primary region first. */
  snapshots?: SnapshotTarget[];
  outcome?: DeletionOutcome;
  /** For refused deletions: each snapshot AWS does not confirm, and how it differs. */
  refusals?: string[];
  /** For waiting deletions: when the last lock on its snapshots expires. */
  waitingUntil?: string;
  /** Why the deletion did not happen (refusals, locks or the failed call), in one line. */
  error?: string;
}

export interface RetentionReport {
  site: string;
  dryRun: boolean;
  items: RetentionItem[];
  deleted: number;
  /** Backups that were to go and did not: refused plus failed part-way. */
  failed: number;
  /** Catalog records that did not parse (quarantined): never deleted, listed for the operator to fix. */
  unreadable: UnreadableRecord[];
  refused: number;
  waiting: number;
  /** Backups to delete that this invocation left for the run's continuation (`stopBy` passed). */
  deferred: number;
  /** Records an operator should look at: dated in the future, or Completed without snapshots AWS confirms. */
  anomalies: { backupId: string; anomaly: string }[];
  /** Per region, the newest backup AWS confirms restorable there (null: none). */
  restorable: Record<string, string | null>;
  /** DR copies this run locked that were still unlocked (site `protection.snapshotLock`). */
  locked: number;
  /** Databases promotes stopped, and their final snapshots: kept, stopped again or deleted. */
  retiredDatabases?: RetiredItem[];
}

export interface RetentionOptions {
  dryRun: boolean;
  /** The account and stage every snapshot must belong to before retention deletes it. */
  trust: RetentionTrust;
  /** The run's shared listing of retired databases (one per region for every site; else this site's own). */
  retiredScan?: RetiredScan;
  /**
   * No deletion begins at or after this time (the invocation's deadline less a reserve): the
   * backups left are `deferred`, and the locks and retired databases wait for the continuation,
   * which plans the site again from the catalog and AWS.
   */
  stopBy?: Date;
}

/**
 * A site's records. The one place retention lists the catalog: records that cannot be read are
 * never deletable, so when the catalog lists them they stay out of `backups`.
 */
async function loadRecords(
  catalog: Catalog,
  site: string,
): Promise<{
  backups: Backup[];
  recoveries: Recovery[];
  unreadable: UnreadableRecord[];
  unreadableRecoveries: UnreadableRecord[];
}> {
  const { items: backups, unreadable: unreadableBackups } = await catalog.readBackups(site);
  const { items: recoveries, unreadable: unreadableRecoveries } = await catalog.readRecoveries(site);
  return {
    backups,
    recoveries,
    unreadable: [...unreadableBackups, ...unreadableRecoveries],
    unreadableRecoveries,
  };
}

const target = (r: ObservedResource): SnapshotTarget => ({ region: r.region, service: r.service, id: r.id });

/** The snapshots that exist, primary region first, EBS before RDS (the order a reader expects). */
function existing(backup: Backup, evidence: BackupEvidence | undefined): ObservedResource[] {
  const rank = (r: ObservedResource) =>
    (r.region === backup.spec.primaryRegion ? 0 : 2) + (r.service === 'ebs' ? 0 : 1);
  return (evidence?.resources ?? [])
    .filter((r) => r.observed !== undefined)
    .sort((a, b) => rank(a) - rank(b));
}

/** Checks every snapshot of a backup before any is deleted: refusals, then locks. */
async function checkDeletable(
  ports: RetentionPorts,
  site: Site,
  backup: Backup,
  resources: ObservedResource[],
  trust: RetentionTrust,
  now: Date,
): Promise<Pick<RetentionItem, 'outcome' | 'refusals' | 'waitingUntil' | 'error'> | undefined> {
  const refusals: string[] = [];
  for (const r of resources) {
    const verdict = verifyForDeletion(r, backup, trust);
    if (verdict !== undefined && !verdict.ok)
      refusals.push(SnapshotMismatchError.refusing('delete', target(r), verdict.mismatches).message);
  }
  if (refusals.length > 0) return { outcome: 'refused', refusals, error: refusals.join('; ') };
  // Only lifeboat's own locks are looked up (moto and accounts without Snapshot Lock have no API
  // for it); a lock set by hand on another site surfaces as a failed delete, retried next run.
  if (site.protection?.snapshotLock === undefined) return undefined;
  const locks = await activeLocks(ports, resources, now);
  if (locks.length === 0) return undefined;
  const until =
    locks
      .map((l) => l.expiresAt ?? '')
      .sort()
      .at(-1) || undefined;
  return {
    outcome: 'waiting',
    waitingUntil: until,
    error: `locked until ${until ?? 'unlocked by hand'}: ${locks.map((l) => l.snapshotId).join(', ')}`,
  };
}

/** Deletes a checked backup's snapshots, DR copies first (the primary stays the longest), then its record. */
async function deleteBackup(
  ports: RetentionPorts,
  backup: Backup,
  resources: ObservedResource[],
): Promise<void> {
  const drFirst = [...resources].sort(
    (a, b) => Number(a.region === backup.spec.primaryRegion) - Number(b.region === backup.spec.primaryRegion),
  );
  for (const r of drFirst) {
    if (r.service === 'ebs') await ports.ebs(r.region).deleteSnapshot(r.id);
    else await ports.rds(r.region).deleteSnapshot(r.kind ?? 'rds-instance', r.id);
  }
  await ports.catalog.deleteBackup(backup);
}

/**
 * Applies a site's retention policy in both regions. It observes every backup's snapshots in AWS
 * first, decides (policy, the newest verified-restorable backup per region, future-dated records,
 * recoveries' backups), then for each backup to delete checks ALL its snapshots and deletes only
 * when every one verifies and none is locked. A dry run reports exactly that and changes nothing.
 *
 * Managed snapshots from before stages were tagged (no stage tag) are refused and reported,
 * never deleted: in an account with two stages nothing tells whose they are. Tag them
 * with their stage (`TAG.stage`) to let that stage's retention take them.
 */
export async function applyRetention(
  ports: RetentionPorts,
  clock: Clock,
  site: Site,
  options: RetentionOptions,
): Promise<RetentionReport> {
  const { trust } = options;
  // An unreadable backup is not in `backups`, so nothing decides to delete it or its snapshots.
  const { backups, recoveries, unreadable, unreadableRecoveries } = await loadRecords(
    ports.catalog,
    site.name,
  );
  ports.telemetry?.unreadableRecords?.(site.name, unreadable.length);
  const evidence = await observeBackups(ports, site.name, backups, trust);
  const now = clock.now();
  const restorable = new Map([...evidence].map(([id, e]) => [id, e.restorableIn]));
  const decisions = planRetention({
    backups,
    recoveries,
    policy: site.retention,
    now,
    restorable,
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
    refused: 0,
    waiting: 0,
    deferred: 0,
    anomalies: decisions.flatMap((d) =>
      d.anomaly === undefined ? [] : [{ backupId: d.backupId, anomaly: d.anomaly }],
    ),
    restorable: newestRestorable(backups, decisions, restorable),
    locked: 0,
  };
  let refusedSnapshots = 0;
  let deletedSnapshots = 0;
  for (const d of decisions) {
    const backup = byId.get(d.backupId);
    if (d.action === 'keep' || backup === undefined) {
      report.items.push({ ...d });
      continue;
    }
    const resources = existing(backup, evidence.get(backup.id));
    const item: RetentionItem = { ...d, snapshots: resources.map(target) };
    report.items.push(item);
    if (!options.dryRun && reached(clock, options.stopBy)) {
      item.outcome = 'deferred';
      report.deferred += 1;
      continue;
    }
    try {
      const blocked = await checkDeletable(ports, site, backup, resources, trust, now);
      if (blocked !== undefined) {
        Object.assign(item, blocked);
        if (blocked.outcome === 'refused') {
          report.refused += 1;
          report.failed += 1;
          refusedSnapshots += blocked.refusals?.length ?? 0;
        } else report.waiting += 1;
        continue;
      }
      if (options.dryRun) {
        item.outcome = 'would-delete';
        continue;
      }
      await deleteBackup(ports, backup, resources);
      item.outcome = 'deleted';
      report.deleted += 1;
      deletedSnapshots += resources.length;
    } catch (error) {
      item.outcome = 'failed';
      item.error = asError(error).message;
      report.failed += 1;
    }
  }
  // A deferred site is planned again by the continuation, which locks and retires then.
  if (report.deferred === 0) {
    if (!options.dryRun && site.protection?.snapshotLock !== undefined)
      report.locked = await lockKeptCopies(ports, site, backups, decisions, evidence, now);
    report.retiredDatabases = await applyRetiredDatabaseRetention(ports, clock, site, {
      dryRun: options.dryRun,
      stage: trust.stage,
      ...(options.retiredScan === undefined ? {} : { scan: options.retiredScan }),
    });
  }
  if (refusedSnapshots > 0) ports.telemetry?.refused(site.name, refusedSnapshots);
  if (deletedSnapshots > 0) ports.telemetry?.deleted(site.name, deletedSnapshots);
  return report;
}

function newestRestorable(
  backups: readonly Backup[],
  decisions: readonly RetentionDecision[],
  restorable: ReadonlyMap<string, ReadonlySet<string>>,
): Record<string, string | null> {
  const byId = new Map(backups.map((b) => [b.id, b]));
  const out: Record<string, string | null> = {};
  for (const b of backups) {
    out[b.spec.primaryRegion] ??= null;
    if (b.spec.copyToDr) out[b.spec.drRegion] ??= null;
  }
  // Decisions are newest first; future-dated records carry an anomaly and never count.
  for (const d of decisions) {
    const b = byId.get(d.backupId);
    if (b === undefined || b.status.phase !== 'Completed' || d.futureDated === true) continue;
    for (const region of restorable.get(b.id) ?? []) out[region] ??= b.id;
  }
  return out;
}
