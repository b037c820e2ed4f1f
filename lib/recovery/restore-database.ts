import type { Clock } from '../clock';
import type { DatabaseMode, Site } from '../config/schema';
import {
  ConfigError,
  DatabaseRestoreFailedError,
  NotReadyError,
  SandboxExposedError,
  SnapshotMismatchError,
} from '../errors';
import {
  finalSnapshotIdentifier,
  restoredDatabaseIdentifier,
  restoredDatabaseTags,
} from '../tags/vocabulary';
import { entry, journal } from './journal';
import { isCritical } from './launch-task';
import type {
  Candidate,
  DatabaseKind,
  Recovery,
  RestoredDatabase,
  RunHeader,
  TaskDatabase,
  TaskRole,
} from './model';
import { recordRefusal } from './pick-known-good';
import type { DatabaseRestoreRequest, RecoveryPorts, SourceDatabase } from './ports';

/** The site's protected database: its kind and identifier. */
function siteDatabase(site: Site): { kind: DatabaseKind; id: string } {
  const db = site.protect.database;
  if (db === undefined) {
    throw new ConfigError(`site ${site.name} has no protect.database to restore`, [
      `sites(${site.name}).protect.database: required to restore the database`,
    ]);
  }
  return 'instance' in db
    ? { kind: 'rds-instance', id: db.instance }
    : { kind: 'rds-cluster', id: db.cluster };
}

/** The time a point-in-time restore aims at: the configured margin before the outage began. */
export function pointInTimeTarget(site: Site, outageStartedAt: string): Date {
  return new Date(new Date(outageStartedAt).getTime() - site.recovery.pointInTimeMarginSeconds * 1000);
}

/**
 * Whether RDS can restore the live database to `target`: the time to ask for (undefined: its
 * latest restorable time, which is already before `target`), or why not (the snapshot then).
 */
export function pointInTimeFor(
  source: SourceDatabase,
  target: Date,
): { restoreTime: string | undefined } | { refused: string } {
  const window = source.restoreWindow;
  if (window === undefined) {
    return { refused: `automated backups of ${source.id} are off: no point-in-time restore` };
  }
  if (target.getTime() < new Date(window.earliest).getTime()) {
    return {
      refused: `the restore window of ${source.id} reaches back to ${window.earliest}, not to ${target.toISOString()}`,
    };
  }
  return {
    restoreTime: target.getTime() >= new Date(window.latest).getTime() ? undefined : target.toISOString(),
  };
}

/**
 * Point in time only for the first candidate of a recovery that picked its own backup: a walk-back
 * means the fault is older than the outage, so each older backup comes with its own database.
 */
function wantsPointInTime(run: RunHeader, role: TaskRole, recovery: Recovery, backupId: string): boolean {
  if (
    role !== 'replacement' ||
    run.options.database !== 'point-in-time' ||
    run.options.backupId !== undefined
  )
    return false;
  return !(recovery.status.databases ?? []).some((d) => d.role === 'replacement' && d.backupId !== backupId);
}

/** The sandbox's database holds the broken state too: no security group of it may admit an address range. */
async function refuseExposedSandboxDatabase(
  ports: RecoveryPorts,
  site: Site,
  groups: string[],
): Promise<void> {
  const ingress = await ports.tasks(site.regions.primary).ingressOf(groups);
  const exposure = ingress.flatMap((g) =>
    [...g.cidrs, ...g.ipv6Cidrs, ...g.prefixLists].map((range) => `${g.groupId} admits ${range}`),
  );
  if (exposure.length > 0) {
    throw new SandboxExposedError(
      `not restoring the sandbox's database: its security groups must admit only the sandbox's groups (${exposure.join('; ')})`,
      { site: site.name, exposure },
    );
  }
}

/**
 * How many seconds apart a broken-state backup's volume and database snapshots were started: both
 * start in one call, so the sandbox's files and database are one moment of the broken site.
 */
async function captureSkew(ports: RecoveryPorts, site: Site, backupId: string): Promise<number | undefined> {
  const backup = await ports.catalog.getBackup(site.name, backupId);
  const startOf = (kinds: string[]) => backup?.status.parts.find((p) => kinds.includes(p.kind))?.startedAt;
  const volume = startOf(['ebs-volume']);
  const database = startOf(['rds-instance', 'rds-cluster']);
  if (volume === undefined || database === undefined) return undefined;
  return Math.abs(Date.parse(database) - Date.parse(volume)) / 1000;
}

/**
 * Starts restoring the database for a task of `role` from `candidate`: the live database to just
 * before the outage (point-in-time, first replacement only, falling back to the snapshot when the
 * window does not reach back), else the candidate's DB snapshot. The restore is private, in the
 * site's subnet group, in the site's security groups (the sandbox: its own database groups), and
 * tagged as lifeboat's. A retried call finds the restore on the record and starts no second one.
 */
export async function restoreDatabase(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  run: RunHeader,
  role: TaskRole,
  candidate: Candidate,
): Promise<TaskDatabase> {
  const started = clock.now();
  const { recoveryId } = run;
  if (role === 'sandbox' && site.sandbox.databaseSecurityGroups === undefined) {
    await journal(ports.catalog, site.name, recoveryId, [
      entry('restore-database-sandbox', started, clock.now(), 'skipped', false, {
        reason: 'no sandbox.databaseSecurityGroups: the sandbox uses the database its task definition names',
      }),
    ]);
    return { method: 'keep' };
  }
  const recovery = await ports.catalog.getRecovery(site.name, recoveryId);
  const identifier = restoredDatabaseIdentifier(site.name, recoveryId, role, candidate.backupId);
  const known = recovery?.status.databases?.find((d) => d.identifier === identifier);
  if (known !== undefined) return known;

  const { kind, id } = siteDatabase(site);
  const region = site.regions.primary;
  const port = ports.databases(region);
  const source = await port.describeSource(kind, id);
  const securityGroups =
    role === 'sandbox' ? (site.sandbox.databaseSecurityGroups ?? []) : source.securityGroups;
  if (role === 'sandbox') await refuseExposedSandboxDatabase(ports, site, securityGroups);
  const request: Omit<DatabaseRestoreRequest, 'from'> = {
    kind,
    identifier,
    ...(kind === 'rds-cluster' ? { instanceIdentifier: `${identifier}-w` } : {}),
    engine: source.engine,
    instanceClass: site.recovery.databaseInstanceClass ?? source.instanceClass,
    subnetGroup: source.subnetGroup,
    securityGroups,
    tags: restoredDatabaseTags(site.name, recoveryId, role, candidate.backupId, ports.trust.stage),
  };
  const base = {
    role,
    backupId: candidate.backupId,
    kind,
    identifier,
    ...(request.instanceIdentifier === undefined ? {} : { instanceIdentifier: request.instanceIdentifier }),
    startedAt: started.toISOString(),
  };

  let restored: RestoredDatabase | undefined;
  let fellBack: string | undefined;
  if (recovery !== undefined && wantsPointInTime(run, role, recovery, candidate.backupId)) {
    const target = pointInTimeTarget(site, run.trigger.outageStartedAt);
    const plan = pointInTimeFor(source, target);
    if ('refused' in plan) {
      fellBack = plan.refused;
    } else {
      try {
        await port.restore({ ...request, from: { sourceId: id, restoreTime: plan.restoreTime } });
        restored = {
          ...base,
          method: 'point-in-time',
          sourceId: id,
          ...(plan.restoreTime === undefined ? {} : { restoreTime: plan.restoreTime }),
        };
      } catch (error) {
        if (!(error instanceof DatabaseRestoreFailedError)) throw error;
        fellBack = error.message;
      }
    }
  }
  if (restored === undefined) {
    const snapshot = candidate.database;
    if (snapshot === undefined || snapshot.kind !== kind) {
      throw new DatabaseRestoreFailedError(
        `backup ${candidate.backupId} has no ${kind} snapshot of ${id} to restore${fellBack === undefined ? '' : ` (point in time refused: ${fellBack})`}`,
        { backupId: candidate.backupId, role },
      );
    }
    // AWS is the truth, as for the volume's snapshot at launch: this stage's, this site's and backup's.
    await ports.trust
      .dbSnapshot(region, kind, snapshot.snapshotId, { site, backupId: candidate.backupId }, 'launch')
      .catch(async (error: unknown) => {
        if (error instanceof SnapshotMismatchError)
          await recordRefusal(ports, clock, site, recoveryId, started, error, { role });
        throw error;
      });
    await port.restore({ ...request, from: { snapshotId: snapshot.snapshotId } });
    restored = {
      ...base,
      method: 'snapshot',
      snapshotId: snapshot.snapshotId,
      ...(fellBack === undefined ? {} : { fellBack }),
    };
  }

  const done = restored;
  const apart = role === 'sandbox' ? await captureSkew(ports, site, candidate.backupId) : undefined;
  await journal(
    ports.catalog,
    site.name,
    recoveryId,
    [
      entry(`restore-database-${role}`, started, clock.now(), 'ok', isCritical(role), {
        method: done.method,
        identifier,
        from: done.snapshotId ?? `${id} at ${done.restoreTime ?? 'its latest restorable time'}`,
        backupId: candidate.backupId,
        ...(fellBack === undefined
          ? {}
          : { fellBack: `point in time not possible, snapshot instead: ${fellBack}` }),
        ...(apart === undefined ? {} : { capturedApartSeconds: apart }),
      }),
    ],
    (r) => {
      const databases = r.status.databases ?? [];
      if (!databases.some((d) => d.identifier === identifier)) databases.push(done);
      r.status.databases = databases;
    },
  );
  return done;
}

/**
 * Waits (NotReadyError) until a restored database is available and answers with its address;
 * DatabaseRestoreFailedError when it ended failed or is gone (the backup's database is unusable).
 */
export async function awaitDatabase(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  recoveryId: string,
  database: RestoredDatabase,
): Promise<RestoredDatabase> {
  if (database.address !== undefined) return database;
  const state = await ports
    .databases(site.regions.primary)
    .describeRestored(database.kind, database.identifier, database.instanceIdentifier);
  if (state?.state === 'pending') {
    throw new NotReadyError(`database ${database.identifier} is ${state.status}`, {
      identifier: database.identifier,
    });
  }
  if (state === undefined || state.state === 'failed' || state.address === undefined) {
    const why = state === undefined ? 'it is gone' : `it is ${state.status}`;
    await journal(ports.catalog, site.name, recoveryId, [
      entry(
        `database-available-${database.role}`,
        new Date(database.startedAt),
        clock.now(),
        'failed',
        isCritical(database.role),
        {
          identifier: database.identifier,
          reason: why,
        },
      ),
    ]);
    throw new DatabaseRestoreFailedError(
      `the database of backup ${database.backupId} did not come up: ${database.identifier} ${why}`,
      { identifier: database.identifier, backupId: database.backupId, status: state?.status },
    );
  }
  const now = clock.now();
  const available: RestoredDatabase = {
    ...database,
    availableAt: now.toISOString(),
    address: state.address,
    ...(state.port === undefined ? {} : { port: state.port }),
  };
  await journal(
    ports.catalog,
    site.name,
    recoveryId,
    [
      entry(
        `database-available-${database.role}`,
        new Date(database.startedAt),
        now,
        'ok',
        isCritical(database.role),
        {
          identifier: database.identifier,
          address: state.address,
          method: database.method,
        },
      ),
    ],
    (r) => {
      for (const d of r.status.databases ?? []) {
        if (d.identifier === database.identifier) Object.assign(d, available);
      }
    },
  );
  return available;
}

/**
 * Deletes (after a final snapshot; a drill's, tag-checked, without) the restored databases of
 * `recovery` that `which` selects and that are not retired yet, and records it; returns their
 * identifiers. A database RDS will not delete yet is left on the record, unretired, with why.
 */
export async function retireDatabases(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  recovery: Recovery,
  which: (database: RestoredDatabase) => boolean,
): Promise<{ retired: string[]; finalSnapshots: string[] }> {
  const retired: string[] = [];
  const finalSnapshots: string[] = [];
  const chosen = (recovery.status.databases ?? []).filter((d) => d.retiredAt === undefined && which(d));
  if (chosen.length === 0) return { retired, finalSnapshots };
  const started = clock.now();
  const port = ports.databases(site.regions.primary);
  const outcomes = new Map<string, { finalSnapshotId?: string; status: string }>();
  for (const database of chosen) {
    const target = {
      kind: database.kind,
      identifier: database.identifier,
      instanceIdentifier: database.instanceIdentifier,
    };
    // A drill's copy proves the backup restores and holds nothing of its own: no final snapshot.
    const outcome: { finalSnapshotId?: string; status: string } =
      database.role === 'drill'
        ? await port.discard({
            ...target,
            expected: restoredDatabaseTags(
              site.name,
              recovery.id,
              'drill',
              database.backupId,
              ports.trust.stage,
            ),
          })
        : await port.retire({ ...target, finalSnapshotId: finalSnapshotIdentifier(database.identifier) });
    outcomes.set(database.identifier, outcome);
    if (outcome.status === 'deleting' || outcome.status === 'deleted') retired.push(database.identifier);
    if (outcome.finalSnapshotId !== undefined) finalSnapshots.push(outcome.finalSnapshotId);
  }
  const now = clock.now().toISOString();
  const left = chosen.filter((d) => !retired.includes(d.identifier));
  await journal(
    ports.catalog,
    site.name,
    recovery.id,
    [
      entry('retire-databases', started, clock.now(), left.length === 0 ? 'ok' : 'failed', false, {
        retired: retired.join(', '),
        finalSnapshots: finalSnapshots.join(', '),
        ...(left.length === 0
          ? {}
          : {
              notYet: left
                .map((d) => `${d.identifier} (${outcomes.get(d.identifier)?.status ?? '?'})`)
                .join(', '),
            }),
      }),
    ],
    (r) => {
      for (const d of r.status.databases ?? []) {
        const outcome = outcomes.get(d.identifier);
        if (outcome === undefined || !retired.includes(d.identifier)) continue;
        d.retiredAt ??= now;
        if (outcome.finalSnapshotId !== undefined) d.finalSnapshotId = outcome.finalSnapshotId;
      }
    },
  );
  return { retired, finalSnapshots };
}

/** What a recovery would do with the database, as a dry run reports it. */
export type DatabasePlan =
  | { mode: 'keep' }
  | { mode: 'snapshot'; database: string; snapshotId?: string }
  | { mode: 'point-in-time'; database: string; restoreTime: string; fallbackSnapshotId?: string };

/** The database plan of a recovery of `site` from `candidate` for an outage that began at `outageStartedAt`. */
export function planDatabase(
  site: Site,
  mode: DatabaseMode,
  candidate: Candidate | undefined,
  outageStartedAt: string,
  backupChosen: boolean,
): DatabasePlan {
  if (mode === 'keep' || site.protect.database === undefined) return { mode: 'keep' };
  const { id } = siteDatabase(site);
  const snapshotId = candidate?.database?.snapshotId;
  if (mode === 'snapshot' || backupChosen) {
    return { mode: 'snapshot', database: id, ...(snapshotId === undefined ? {} : { snapshotId }) };
  }
  return {
    mode: 'point-in-time',
    database: id,
    restoreTime: pointInTimeTarget(site, outageStartedAt).toISOString(),
    ...(snapshotId === undefined ? {} : { fallbackSnapshotId: snapshotId }),
  };
}

/** One sentence for the plan: which snapshot, or which point in time. */
export function describeDatabasePlan(site: Site, plan: DatabasePlan): string {
  const where = `in ${site.regions.primary}, private, its own network; the task's ${site.recovery.databaseHostVariable} points at it`;
  switch (plan.mode) {
    case 'keep':
      return 'database: keep the live one (the task definition names it)';
    case 'snapshot':
      return `database: restore ${plan.database} from DB snapshot ${plan.snapshotId ?? 'NONE (the backup has no database snapshot: it would be walked past)'} ${where}`;
    case 'point-in-time':
      return `database: restore ${plan.database} to ${plan.restoreTime} (${site.recovery.pointInTimeMarginSeconds} s before the outage began) ${where}; if RDS's restore window does not reach back that far, from DB snapshot ${plan.fallbackSnapshotId ?? 'NONE'} instead; a walk-back restores each older backup's own snapshot`;
  }
}
