import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { asError, isRetriedError, NotFoundError, NotReadyError, UnsavedChangesError } from '../errors';
import { changesSnapshotTags, finalSnapshotIdentifier, TAG, taskVolumeSelector } from '../tags/vocabulary';
import { entry, journal } from './journal';
import type {
  DatabaseWrites,
  LaunchedTask,
  PromoteChanges,
  Recovery,
  RestoredDatabase,
  TaskDatabase,
  VolumeChanges,
} from './model';
import type { DatabaseWritesPort, RecoveryPorts, WatchedDatabase } from './ports';

/**
 * Before a promote switches anything it measures what it would discard: the blocks the recovery's
 * replacement wrote to its volume since it was launched (a snapshot of that volume now, compared
 * with the snapshot it was launched from by EBS ListChangedBlocks) and the writes its database
 * received since its restore. It also measures the fix's own footprint: the sandbox's pre-promote
 * snapshot against the broken-state snapshot it was launched from.
 * https://docs.aws.amazon.com/ebs/latest/userguide/readsnapshots.html
 */

async function record(ports: RecoveryPorts, site: Site, id: string): Promise<Recovery> {
  const recovery = await ports.catalog.getRecovery(site.name, id);
  if (recovery === undefined) {
    throw new NotFoundError(`recovery ${id} of site ${site.name} is not in the catalog`, {
      site: site.name,
      recoveryId: id,
    });
  }
  return recovery;
}

/** The recovery whose sandbox the promote promotes (SnapshotSandbox wrote it on the promote's record). */
async function sourceOf(ports: RecoveryPorts, site: Site, promote: Recovery): Promise<Recovery> {
  const sourceId = promote.spec.options.sourceRecoveryId;
  if (sourceId === undefined) {
    throw new NotFoundError(`promote ${promote.id} names no recovery whose sandbox it promotes`, {
      site: site.name,
      recoveryId: promote.id,
    });
  }
  return record(ports, site, sourceId);
}

function taskOf(source: Recovery, taskArn: string | undefined): LaunchedTask | undefined {
  return taskArn === undefined ? undefined : source.status.tasks?.find((t) => t.taskArn === taskArn);
}

/** `14 MiB`, `512 KiB`, `3.5 GiB`: binary units, as EBS counts blocks. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 || value >= 10 || Number.isInteger(value) ? Math.round(value) : value.toFixed(1);
  return `${shown} ${units[unit]}`;
}

const hhmm = (iso: string) => `${new Date(iso).toISOString().slice(11, 16)} UTC`;

/** One sentence on a volume's changes, e.g. `changed 14 MiB in 312 blocks since 09:41 UTC`. */
export function describeVolumeChanges(changes: VolumeChanges): string {
  if (changes.changedBlocks === undefined)
    return `could not be measured (${changes.unmeasured ?? 'no reason'})`;
  if (changes.changedBlocks === 0) return `changed nothing since ${hhmm(changes.since)}`;
  const blocks = `${changes.changedBlocks} block${changes.changedBlocks === 1 ? '' : 's'}`;
  return `changed ${formatBytes(changes.changedBytes ?? 0)} in ${blocks} since ${hhmm(changes.since)}`;
}

/**
 * One sentence on the writes of the database promote drops, or undefined when it drops none, e.g.
 * `its database lifeboat-blog-replacement-1a2b3c wrote 3.2 MiB of binlog since 09:41 UTC`.
 */
export function describeDatabaseWrites(writes: DatabaseWrites): string | undefined {
  if (!writes.restored) return undefined;
  const which = writes.database === undefined ? 'its database' : `its database ${writes.database}`;
  if (writes.writes === undefined)
    return `${which}: writes could not be measured (${writes.unmeasured ?? 'no reason'})`;
  const since = writes.since === undefined ? '' : ` since ${hhmm(writes.since)}`;
  if (writes.writes === 0) return `${which} wrote nothing${since}`;
  const bytesOf =
    writes.unit?.startsWith('bytes of ') === true ? writes.unit.slice('bytes '.length) : undefined;
  if (bytesOf !== undefined) return `${which} wrote ${formatBytes(writes.writes)} ${bytesOf}${since}`;
  return `${which} received ${writes.writes} ${writes.unit ?? 'writes'}${since}`;
}

/** Whether promote would lose something (or cannot tell): blocks, database writes, or an unmeasured one. */
export function wouldDiscard(changes: PromoteChanges): boolean {
  const { replacement, database } = changes;
  const volume = replacement !== undefined && (replacement.changedBlocks ?? 1) > 0;
  const db = database?.restored === true && (database.writes ?? 1) > 0;
  return volume || db;
}

/** The operator's sentence on what a promote discards: what the CLI, the report and the refusal say. */
export function describeDiscarded(changes: PromoteChanges): string {
  const parts: string[] = [];
  if (changes.replacement !== undefined)
    parts.push(`the replacement ${describeVolumeChanges(changes.replacement)}`);
  const db = changes.database === undefined ? undefined : describeDatabaseWrites(changes.database);
  if (db !== undefined) parts.push(db);
  if (parts.length === 0) return 'the recovery had no replacement: promote discards nothing';
  const keptIn = [
    ...(changes.replacement?.toSnapshotId === undefined
      ? []
      : [`snapshot ${changes.replacement.toSnapshotId}`]),
    ...(changes.database?.restored === true && changes.database.keptIn !== undefined
      ? [`final snapshot ${changes.database.keptIn}`]
      : []),
  ];
  const measuredSome = (changes.replacement?.changedBlocks ?? 0) > 0 || (changes.database?.writes ?? 0) > 0;
  const them = measuredSome ? 'them' : 'whatever it changed';
  const verdict = !wouldDiscard(changes)
    ? 'promote discards nothing'
    : changes.discarded === true
      ? `promote drops ${them} (--discard-changes)`
      : `promote would drop ${them}`;
  return `${parts.join('; ')}; ${verdict}${keptIn.length > 0 && wouldDiscard(changes) ? ` (they stay in ${keptIn.join(' and ')})` : ''}`;
}

/** A failure to measure as an `unmeasured` reason; a retried error goes back to the state machine. */
function unmeasured(error: unknown): string {
  if (isRetriedError(error)) throw error;
  const e = asError(error);
  // The first line: an SDK deserialisation error goes on to explain how to inspect the raw response.
  return `${e.name}: ${e.message.split('\n')[0]}`;
}

/**
 * The snapshot of `task`'s volume taken for this promote: the one found by its tags (a retried
 * step), else a new one of the volume ECS made for the task. NotReadyError while it is pending.
 */
async function snapshotNow(
  ports: RecoveryPorts,
  site: Site,
  promoteId: string,
  source: Recovery,
  task: LaunchedTask,
): Promise<{ volumeId?: string; snapshotId: string }> {
  if (task.role !== 'replacement' && task.role !== 'sandbox') {
    throw new NotFoundError(`task ${task.taskArn} is a ${task.role} task, not one a promote measures`);
  }
  const snapshots = ports.snapshots(task.region);
  const tags = changesSnapshotTags(site.name, promoteId, task.role, ports.trust.stage);
  let [snapshot] = await snapshots.findSnapshots({ tags });
  let volumeId = snapshot?.volumeId;
  if (snapshot === undefined) {
    const volumes = await snapshots.findVolumes({
      tags: { ...taskVolumeSelector(source.id, task.role, ports.trust.stage), [TAG.backupId]: task.backupId },
    });
    const [volume, ...others] = volumes;
    if (volume === undefined || others.length > 0) {
      throw new NotFoundError(
        volume === undefined
          ? `no volume of the ${task.role} of recovery ${source.id} (tags ${TAG.recoveryId}=${source.id}, ${TAG.role}=${task.role}) in ${task.region}`
          : `${volumes.length} volumes carry the tags of the ${task.role} of recovery ${source.id}: ${volumes.map((v) => v.volumeId).join(', ')}`,
        { recoveryId: source.id, role: task.role },
      );
    }
    volumeId = volume.volumeId;
    snapshot = await snapshots.createSnapshot(
      volume.volumeId,
      `lifeboat promote ${promoteId}: the ${task.role} of recovery ${source.id} as it is now`,
      tags,
    );
  }
  if (snapshot.state === 'pending') {
    throw new NotReadyError(`snapshot ${snapshot.snapshotId} of the ${task.role}'s volume is pending`, {
      snapshotId: snapshot.snapshotId,
    });
  }
  if (snapshot.state !== 'completed') {
    throw new NotFoundError(
      `snapshot ${snapshot.snapshotId} of the ${task.role}'s volume is ${snapshot.state}${snapshot.stateMessage === undefined ? '' : `: ${snapshot.stateMessage}`}`,
    );
  }
  return { volumeId, snapshotId: snapshot.snapshotId };
}

/** Compares `from` (what the task was launched from) with `to`; a failure becomes `unmeasured`. */
async function compare(
  ports: RecoveryPorts,
  task: LaunchedTask,
  to: () => Promise<{ volumeId?: string; snapshotId: string }>,
): Promise<VolumeChanges> {
  const base: VolumeChanges = {
    taskArn: task.taskArn,
    fromSnapshotId: task.snapshotId,
    since: task.launchedAt,
  };
  let now: { volumeId?: string; snapshotId: string };
  try {
    now = await to();
  } catch (error) {
    return { ...base, unmeasured: unmeasured(error) };
  }
  const measured = { ...base, volumeId: now.volumeId, toSnapshotId: now.snapshotId };
  try {
    const changes = await ports.blockChanges(task.region).changedBlocks(task.snapshotId, now.snapshotId);
    return {
      ...measured,
      changedBlocks: changes.changedBlocks,
      changedBytes: changes.changedBytes,
      blockSize: changes.blockSize,
    };
  } catch (error) {
    return { ...measured, unmeasured: unmeasured(error) };
  }
}

/** What the final task runs against, what promote stops after DNS switched, and what it drops. */
export interface PromoteDatabasePlan {
  serving: 'sandbox' | 'replacement';
  /** The final task's database: a restored one, or the live one (`keep`). */
  final: TaskDatabase;
  /** The restored databases nothing serves from after the switch. */
  retire: RestoredDatabase[];
  /** The database whose writes promote drops (the replacement's, when the final task does not use it). */
  dropped?: WatchedDatabase;
  summary: string;
}

/** How long a database a promote stopped is kept: the site's daily backups' window. */
export function retiredDatabaseDays(site: Site): number {
  return site.retention.daily;
}

/**
 * The promote's database plan: the final task runs against the sandbox's restored database
 * (default) or the replacement's, as `serving` says; a task that ran on the live database (no
 * restore) hands the live one on. The other restored database is retired; the replacement's
 * database, when the final task does not use it, is the one whose writes promote drops.
 */
export function planPromoteDatabase(
  site: Site,
  source: Recovery,
  serving: 'sandbox' | 'replacement',
): PromoteDatabasePlan {
  const replacementTask = taskOf(source, source.status.replacement?.taskArn);
  const live = (source.status.databases ?? []).filter((d) => d.retiredAt === undefined);
  const replacementDb: TaskDatabase = live.find(
    (d) => d.role === 'replacement' && d.backupId === replacementTask?.backupId,
  ) ?? { method: 'keep' };
  const sandboxDb: TaskDatabase = live.find((d) => d.role === 'sandbox') ?? { method: 'keep' };
  const final = serving === 'sandbox' ? sandboxDb : replacementDb;
  const same = (a: TaskDatabase, b: TaskDatabase) =>
    a.method === 'keep' ? b.method === 'keep' : b.method !== 'keep' && a.identifier === b.identifier;
  const retire = [replacementDb, sandboxDb].flatMap((d) =>
    d.method === 'keep' || same(d, final) ? [] : [d],
  );
  let dropped: WatchedDatabase | undefined;
  if (replacementTask !== undefined && !same(replacementDb, final)) {
    if (replacementDb.method !== 'keep') {
      dropped = {
        kind: replacementDb.kind,
        identifier: replacementDb.identifier,
        instanceIdentifier: replacementDb.instanceIdentifier,
        region: site.regions.primary,
        since: replacementDb.availableAt ?? replacementDb.startedAt,
      };
    } else if (site.protect.database !== undefined) {
      const db = site.protect.database;
      dropped = {
        ...('instance' in db
          ? { kind: 'rds-instance' as const, identifier: db.instance }
          : { kind: 'rds-cluster' as const, identifier: db.cluster }),
        region: site.regions.primary,
        since: replacementTask.launchedAt,
      };
    }
  }
  const other = serving === 'sandbox' ? 'replacement' : 'sandbox';
  const handedOn =
    final.method === 'keep'
      ? `the ${serving} ran on the live database: the final task keeps it`
      : `the final task runs against the ${serving}'s database ${final.identifier}`;
  const stops =
    retire.length === 0
      ? ''
      : `; after the switch ${retire.map((d) => d.identifier).join(' and ')} (the ${other}'s) is stopped after a final snapshot and kept ${retiredDatabaseDays(site)} days`;
  const drops =
    dropped === undefined
      ? ''
      : `; the writes ${dropped.identifier}${replacementDb.method === 'keep' ? ' (the live database)' : ''} took while the replacement served are not carried over`;
  return {
    serving,
    final,
    retire,
    ...(dropped === undefined ? {} : { dropped }),
    summary: `${handedOn}${stops}${drops}`,
  };
}

async function databaseWrites(
  port: DatabaseWritesPort,
  site: Site,
  dropped: WatchedDatabase | undefined,
  keptIn: string | undefined,
): Promise<DatabaseWrites> {
  if (dropped === undefined) return { restored: false };
  try {
    const writes = await port.writesSince(site, dropped);
    return { ...writes, ...(keptIn === undefined ? {} : { keptIn }) };
  } catch (error) {
    return {
      restored: true,
      database: dropped.identifier,
      since: dropped.since,
      unmeasured: unmeasured(error),
    };
  }
}

function flat(changes: VolumeChanges | undefined): Record<string, unknown> {
  if (changes === undefined) return {};
  return {
    changedBlocks: changes.changedBlocks,
    changedBytes: changes.changedBytes,
    blockSize: changes.blockSize,
    since: changes.since,
    fromSnapshotId: changes.fromSnapshotId,
    toSnapshotId: changes.toSnapshotId,
    unmeasured: changes.unmeasured,
  };
}

/**
 * Measures what promoting would discard of the recovery's replacement (its volume's blocks and its
 * database's writes since launch) and records it on the promote's record. Refuses with
 * UnsavedChangesError, before anything is launched, switched or retired, when there is something
 * (or something that could not be measured) and the operator did not pass `discardChanges`.
 */
export async function measureReplacementChanges(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  promoteId: string,
  discardChanges: boolean,
  serving: 'sandbox' | 'replacement' = 'sandbox',
): Promise<PromoteChanges & { finalDatabase: TaskDatabase }> {
  const started = clock.now();
  const promote = await record(ports, site, promoteId);
  const source = await sourceOf(ports, site, promote);
  const task = taskOf(source, source.status.replacement?.taskArn);
  const replacement =
    task === undefined
      ? undefined
      : await compare(ports, task, () => snapshotNow(ports, site, promoteId, source, task));
  const plan = planPromoteDatabase(site, source, serving);
  const keptIn = plan.retire.some((d) => d.identifier === plan.dropped?.identifier)
    ? finalSnapshotIdentifier(plan.dropped?.identifier ?? '')
    : undefined;
  const database = await databaseWrites(ports.databaseWrites, site, plan.dropped, keptIn);
  const changes: PromoteChanges = {
    replacement,
    database,
    discarded: discardChanges,
    databasePlan: {
      serving,
      final: plan.final.method === 'keep' ? 'live' : plan.final.identifier,
      retire: plan.retire.map((d) => d.identifier),
      summary: plan.summary,
    },
  };
  const refused = wouldDiscard(changes) && !discardChanges;
  const sentence = describeDiscarded(changes);
  const detail = {
    ...flat(replacement),
    databaseWrites: database.writes,
    ...(database.unit === undefined ? {} : { databaseWritesUnit: database.unit }),
    ...(database.unmeasured === undefined ? {} : { databaseUnmeasured: database.unmeasured }),
    database: plan.summary,
    discarded: discardChanges,
  };
  await journal(
    ports.catalog,
    site.name,
    promoteId,
    // A refusal's timeline entry is the failed one runStep writes with the error's context.
    refused
      ? []
      : [entry('measure-replacement', started, clock.now(), 'ok', true, { ...detail, summary: sentence })],
    (r) => {
      r.status.changes = { ...r.status.changes, ...changes };
    },
  );
  if (refused) {
    throw new UnsavedChangesError(`${sentence}: pass --discard-changes to promote anyway`, {
      ...detail,
      source: source.id,
    });
  }
  return { ...changes, finalDatabase: plan.final };
}

/**
 * Measures the fix's footprint: the blocks of the sandbox's volume that differ between the
 * broken-state snapshot it was launched from and its pre-promote snapshot. Never fails the promote:
 * what cannot be measured is recorded as such.
 */
export async function measureFixFootprint(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  promoteId: string,
  prePromoteSnapshotId: string,
): Promise<VolumeChanges | undefined> {
  const started = clock.now();
  const promote = await record(ports, site, promoteId);
  const source = await sourceOf(ports, site, promote);
  const task = taskOf(source, source.status.sandbox?.taskArn);
  if (task === undefined) return undefined;
  const fix = await compare(ports, task, async () => ({ snapshotId: prePromoteSnapshotId }));
  await journal(
    ports.catalog,
    site.name,
    promoteId,
    [
      entry('measure-fix', started, clock.now(), 'ok', false, {
        ...flat(fix),
        summary: `the fix ${describeVolumeChanges(fix)}`,
      }),
    ],
    (r) => {
      r.status.changes = { ...r.status.changes, fix };
    },
  );
  return fix;
}
