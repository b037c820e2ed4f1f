import type { DatabaseMode } from '../../lib/config/schema';
import { AwsCallError } from '../../lib/errors';
import type { DatabaseRestorePort, RunTaskRequest, TaskPort } from '../../lib/recovery/ports';
import { recoveryIdFor } from '../../lib/recovery/start-recovery';
import type { RecoveryContext } from '../../lib/recovery/steps';
import { trustIdentityFromEnv } from '../../lib/trust/snapshot-trust';
import { type LocalEvent, runStateMachineLocally } from '../../local/local-runner';
import { RecoveryWorld } from './support/recovery-world';
import { SteppingClock } from './support/stepping-clock';

const OUTAGE = '2026-11-22T09:39:00Z';

function recoveryInput(
  world: RecoveryWorld,
  database: DatabaseMode,
  options: Record<string, unknown> = {},
  outage = OUTAGE,
) {
  const incidentKey = `pingdom:12345:${outage}:${world.site.name}`;
  return {
    site: world.site.name,
    recoveryId: recoveryIdFor(new Date(outage), incidentKey),
    kind: 'recovery',
    trigger: {
      source: 'pingdom',
      incidentKey,
      outageStartedAt: outage,
      receivedAt: outage,
      summary: 'www is DOWN (HTTP 500)',
    },
    options: { dryRun: false, skipSandbox: true, database, ...options },
  };
}

function entered(events: LocalEvent[]): string[] {
  return events.filter((e) => e.type === 'StateEntered').map((e) => e.state?.name ?? '');
}

/** The context with every RunTask request kept, and the RDS port changed as `databases` says. */
function observed(
  ctx: RecoveryContext,
  databases?: (real: DatabaseRestorePort) => Partial<DatabaseRestorePort>,
): { context: RecoveryContext; runs: RunTaskRequest[] } {
  const runs: RunTaskRequest[] = [];
  const tasks = (region: string): TaskPort => {
    const real = ctx.ports.tasks(region);
    return {
      runTask: (request) => {
        runs.push(request);
        return real.runTask(request);
      },
      describeTask: (cluster, taskArn) => real.describeTask(cluster, taskArn),
      stopTask: (cluster, taskArn, reason) => real.stopTask(cluster, taskArn, reason),
      ingressOf: (groupIds) => real.ingressOf(groupIds),
    };
  };
  const dbs = (region: string): DatabaseRestorePort => {
    const real = ctx.ports.databases(region);
    const changed = databases?.(real) ?? {};
    return {
      describeSource: changed.describeSource ?? ((kind, id) => real.describeSource(kind, id)),
      restore: changed.restore ?? ((request) => real.restore(request)),
      describeRestored:
        changed.describeRestored ?? ((kind, id, instance) => real.describeRestored(kind, id, instance)),
      retire: changed.retire ?? ((input) => real.retire(input)),
      stopRetired: changed.stopRetired ?? ((input) => real.stopRetired(input)),
      discard: changed.discard ?? ((input) => real.discard(input)),
    };
  };
  return { context: { ...ctx, ports: { ...ctx.ports, tasks, databases: dbs } }, runs };
}

function outputsOf(events: LocalEvent[], state: string): unknown[] {
  return events
    .filter((e) => e.type === 'StateExited' && e.state?.name === state)
    .map((e) => e.state?.output);
}

const tagsOf = (db: { TagList?: { Key?: string; Value?: string }[] }) =>
  Object.fromEntries((db.TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

describe('recovery state machine with the database (aws-local-stepfunctions, real steps on moto)', () => {
  let world: RecoveryWorld;

  afterEach(async () => {
    await world.close();
  });

  it('snapshot: restores the known-good backup DB snapshot, private in the site network, and starts the task against it', async () => {
    world = await new RecoveryWorld().setUp('healthy', { database: 'snapshot' });
    await world.completedBackup('2026-11-21T02:00:00Z');
    const newest = await world.completedBackup('2026-11-22T02:00:00Z');
    const input = recoveryInput(world, 'snapshot');
    const { context, runs } = observed(world.context(new SteppingClock('2026-11-22T09:40:00Z')));

    const run = await runStateMachineLocally({ machine: 'recovery', input, context });

    expect(run.status).toBe('SUCCEEDED');
    const states = entered(run.events);
    expect(states.indexOf('RestoreDatabase')).toBeLessThan(states.indexOf('LaunchReplacement'));
    expect(states.indexOf('AwaitDatabase')).toBeLessThan(states.indexOf('LaunchReplacement'));
    const [restored, ...others] = await world.restoredDatabases();
    expect(others).toEqual([]);
    expect(restored?.DBSubnetGroup?.DBSubnetGroupName).toBe(world.database?.subnetGroup);
    expect(restored?.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).toEqual([
      world.database?.securityGroup,
    ]);
    // moto does not echo PubliclyAccessible; tests/unit/aws/rds-restore.test.ts holds the request to false.
    expect(tagsOf(restored ?? {})).toMatchObject({
      'lifeboat:managed': 'true',
      'lifeboat:role': 'replacement',
      'lifeboat:recovery-id': input.recoveryId,
      'lifeboat:backup-id': newest.id,
      'lifeboat:stage': trustIdentityFromEnv().stage,
    });
    expect(runs.map((r) => r.environment)).toEqual([
      { container: 'wordpress', variables: { WORDPRESS_DB_HOST: restored?.Endpoint?.Address } },
    ]);

    const recovery = await world.catalog.getRecovery(world.site.name, input.recoveryId);
    expect(recovery?.status.databases).toEqual([
      expect.objectContaining({
        role: 'replacement',
        backupId: newest.id,
        method: 'snapshot',
        snapshotId: newest.status.parts[1]?.snapshotId,
        address: restored?.Endpoint?.Address,
      }),
    ]);
    expect(recovery?.status.databases?.[0]?.retiredAt).toBeUndefined();
    const steps = recovery?.status.timeline.filter((t) => t.critical).map((t) => t.step);
    expect(steps).toEqual(
      expect.arrayContaining(['restore-database-replacement', 'database-available-replacement']),
    );
    expect((await world.aRecord(world.site.dns.recordName))?.value).toBe(
      recovery?.status.replacement?.address,
    );
  });

  it('keep: restores nothing and starts the task as its definition says', async () => {
    world = await new RecoveryWorld().setUp('healthy', { database: 'keep' });
    await world.completedBackup('2026-11-22T02:00:00Z');
    const input = recoveryInput(world, 'keep');
    const { context, runs } = observed(world.context(new SteppingClock('2026-11-22T09:40:00Z')));

    const run = await runStateMachineLocally({ machine: 'recovery', input, context });

    expect(run.status).toBe('SUCCEEDED');
    expect(entered(run.events)).toContain('KeepDatabase');
    expect(entered(run.events)).not.toContain('RestoreDatabase');
    expect(runs.map((r) => r.environment)).toEqual([undefined]);
    expect(await world.restoredDatabases()).toEqual([]);
  });

  it('point-in-time: restores the live database to the margin before the outage, not a night back', async () => {
    world = await new RecoveryWorld().setUp('healthy', {
      database: 'point-in-time',
      pointInTimeMarginSeconds: 0,
    });
    // moto's restore window opens when the instance is made: the outage is just after that.
    await new Promise((r) => setTimeout(r, 1100));
    const outage = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    const backupAt = new Date(Date.parse(outage) - 7 * 3600_000).toISOString();
    const backup = await world.completedBackup(backupAt);
    const input = recoveryInput(world, 'point-in-time', {}, outage);
    const { context, runs } = observed(world.context(new SteppingClock(outage)));

    const run = await runStateMachineLocally({ machine: 'recovery', input, context });

    expect(run.status).toBe('SUCCEEDED');
    const recovery = await world.catalog.getRecovery(world.site.name, input.recoveryId);
    expect(recovery?.status.databases).toEqual([
      expect.objectContaining({
        backupId: backup.id,
        method: 'point-in-time',
        sourceId: world.database?.instance,
        restoreTime: new Date(outage).toISOString(),
      }),
    ]);
    const [restored] = await world.restoredDatabases();
    expect(runs[0]?.environment?.variables.WORDPRESS_DB_HOST).toBe(restored?.Endpoint?.Address);
    expect(tagsOf(restored ?? {})['lifeboat:role']).toBe('replacement');
  });

  it('point-in-time beyond the restore window: falls back to the snapshot and says so on the timeline', async () => {
    // The live instance was made today, long after this outage: its window does not reach back.
    world = await new RecoveryWorld().setUp('healthy', { database: 'point-in-time' });
    const newest = await world.completedBackup('2026-11-22T02:00:00Z');
    const input = recoveryInput(world, 'point-in-time');

    const run = await runStateMachineLocally({
      machine: 'recovery',
      input,
      context: world.context(new SteppingClock('2026-11-22T09:40:00Z')),
    });

    expect(run.status).toBe('SUCCEEDED');
    const recovery = await world.catalog.getRecovery(world.site.name, input.recoveryId);
    expect(recovery?.status.databases).toEqual([
      expect.objectContaining({
        method: 'snapshot',
        snapshotId: newest.status.parts[1]?.snapshotId,
        fellBack: expect.stringContaining('restore window'),
      }),
    ]);
    const restore = recovery?.status.timeline.find((t) => t.step === 'restore-database-replacement');
    expect(restore?.detail?.fellBack).toMatch(
      /^point in time not possible, snapshot instead: the restore window/,
    );
  });

  it('walk-back: the older backup is tried with its own files and database, the rejected database is deleted after a final snapshot', async () => {
    world = await new RecoveryWorld().setUp('healthy', { database: 'point-in-time' });
    const older = await world.completedBackup('2026-11-21T02:00:00Z', 'healthy');
    const newest = await world.completedBackup('2026-11-22T02:00:00Z', 'unhealthy');
    const input = recoveryInput(world, 'snapshot');
    const { context, runs } = observed(world.context(new SteppingClock('2026-11-22T09:40:00Z')));

    const run = await runStateMachineLocally({ machine: 'recovery', input, context });

    expect(run.status).toBe('SUCCEEDED');
    const recovery = await world.catalog.getRecovery(world.site.name, input.recoveryId);
    const databases = recovery?.status.databases ?? [];
    expect(databases.map((d) => [d.backupId, d.method, d.retiredAt === undefined])).toEqual([
      [newest.id, 'snapshot', false],
      [older.id, 'snapshot', true],
    ]);
    expect(databases[0]?.finalSnapshotId).toBe(`${databases[0]?.identifier}-final`);
    expect(await world.finalSnapshots()).toEqual([`${databases[0]?.identifier}-final`]);
    const left = await world.restoredDatabases();
    expect(left.map((db) => db.DBInstanceIdentifier)).toEqual([databases[1]?.identifier]);
    expect(runs.map((r) => r.environment?.variables.WORDPRESS_DB_HOST)).toEqual([
      databases[0]?.address,
      databases[1]?.address,
    ]);
    expect(recovery?.status.knownGoodBackupId).toBe(older.id);
  });

  it('every database restore fails: no task started, no database left, DNS untouched, failure recorded', async () => {
    world = await new RecoveryWorld().setUp('healthy', { database: 'snapshot' });
    await world.completedBackup('2026-11-21T02:00:00Z');
    await world.completedBackup('2026-11-22T02:00:00Z');
    const input = recoveryInput(world, 'snapshot');
    const { context, runs } = observed(world.context(new SteppingClock('2026-11-22T09:40:00Z')), (real) => ({
      // RDS made the instances, but they never came up.
      describeRestored: async (kind, id, instance) => {
        const state = await real.describeRestored(kind, id, instance);
        return state === undefined ? undefined : { state: 'failed', status: 'incompatible-restore' };
      },
    }));

    const run = await runStateMachineLocally({ machine: 'recovery', input, context });

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('HealthGateFailedError');
    expect(entered(run.events).filter((s) => s === 'RejectUnlaunched')).toHaveLength(2);
    expect(runs).toEqual([]);
    expect(await world.restoredDatabases()).toEqual([]);
    expect(await world.aRecord(world.site.dns.recordName)).toBeUndefined();
    const recovery = await world.catalog.getRecovery(world.site.name, input.recoveryId);
    expect(recovery?.status.phase).toBe('Failed');
    expect(recovery?.status.attempts.map((a) => a.verdict)).toEqual(['launch-failed', 'launch-failed']);
    expect(recovery?.status.databases?.every((d) => d.retiredAt !== undefined)).toBe(true);
    expect(await world.catalog.readLock(world.site.name)).toBeUndefined();
  });

  it('a database restore refused for AccessDenied after a walk-back: fails the run, stops the task and deletes the database made so far', async () => {
    world = await new RecoveryWorld().setUp('healthy', { database: 'snapshot' });
    const older = await world.completedBackup('2026-11-21T02:00:00Z', 'healthy');
    await world.completedBackup('2026-11-22T02:00:00Z', 'unhealthy');
    const input = recoveryInput(world, 'snapshot');
    const { context } = observed(world.context(new SteppingClock('2026-11-22T09:40:00Z')), (real) => ({
      restore: (request) =>
        request.tags['lifeboat:backup-id'] === older.id
          ? Promise.reject(
              new AwsCallError('RDS RestoreDBInstanceFromDBSnapshot failed: AccessDenied', {
                code: 'AccessDenied',
              }),
            )
          : real.restore(request),
    }));

    const run = await runStateMachineLocally({ machine: 'recovery', input, context });

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('AwsCallError');
    expect(entered(run.events)).toEqual(expect.arrayContaining(['RejectUnhealthy', 'FinishFailed']));
    expect(await world.restoredDatabases()).toEqual([]);
    expect((await world.tasks()).map((t) => t.lastStatus)).toEqual(['STOPPED']);
    expect(await world.aRecord(world.site.dns.recordName)).toBeUndefined();
  });

  it('the sandbox runs against its own restore of the broken-state DB snapshot, behind the sandbox database groups', async () => {
    world = await new RecoveryWorld().setUp('healthy', { database: 'snapshot' });
    await world.completedBackup('2026-11-22T02:00:00Z');
    const input = recoveryInput(world, 'snapshot', { skipSandbox: false });
    const { context, runs } = observed(world.context(new SteppingClock('2026-11-22T09:40:00Z')));

    const run = await runStateMachineLocally({ machine: 'recovery', input, context });

    expect({
      status: run.status,
      error: run.error,
      cause: run.cause,
      abandoned: outputsOf(run.events, 'SandboxAbandoned'),
    }).toEqual({
      status: 'SUCCEEDED',
      error: undefined,
      cause: undefined,
      abandoned: [],
    });
    const recovery = await world.catalog.getRecovery(world.site.name, input.recoveryId);
    const broken = await world.catalog.getBackup(world.site.name, recovery?.status.brokenStateBackupId ?? '');
    const brokenDbSnapshot = broken?.status.parts.find((p) => p.kind === 'rds-instance')?.snapshotId;
    expect(brokenDbSnapshot).toBeDefined();
    const sandboxDb = recovery?.status.databases?.find((d) => d.role === 'sandbox');
    expect(sandboxDb).toMatchObject({ method: 'snapshot', snapshotId: brokenDbSnapshot });
    const restored = await world.restoredDatabases();
    const sandbox = restored.find((db) => tagsOf(db)['lifeboat:role'] === 'sandbox');
    expect(sandbox?.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).toEqual([
      world.database?.sandboxSecurityGroup,
    ]);
    const sandboxRun = runs.find((r) => r.tags['lifeboat:role'] === 'sandbox');
    expect(sandboxRun?.environment?.variables.WORDPRESS_DB_HOST).toBe(sandbox?.Endpoint?.Address);
    const entry = recovery?.status.timeline.find((t) => t.step === 'restore-database-sandbox');
    expect(entry).toMatchObject({ critical: false, outcome: 'ok' });
    expect(entry?.detail?.capturedApartSeconds).toBeLessThan(5);
  });
});
