import type { DBInstance } from '@aws-sdk/client-rds';
import { AwsCallError } from '../../lib/errors';
import type { DatabaseRestorePort, RunTaskRequest, TaskPort } from '../../lib/recovery/ports';
import type { RecoveryContext } from '../../lib/recovery/steps';
import { trustIdentityFromEnv } from '../../lib/trust/snapshot-trust';
import { runStateMachineLocally } from '../../local/local-runner';
import { entered } from './support/executions';
import { RecoveryWorld } from './support/recovery-world';
import { SteppingClock } from './support/stepping-clock';

const DRILL_AT = '2026-11-22T04:00:00Z';

const tagsOf = (db: { TagList?: { Key?: string; Value?: string }[] }) =>
  Object.fromEntries((db.TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

/**
 * The drill's context with every RunTask request kept, the restored databases as AWS showed them
 * just before the drill discarded them, and the RDS and ECS ports changed as a scenario says.
 */
function observed(
  world: RecoveryWorld,
  change: {
    databases?: (real: DatabaseRestorePort) => Partial<DatabaseRestorePort>;
    runTask?: (real: TaskPort, request: RunTaskRequest) => ReturnType<TaskPort['runTask']>;
  } = {},
): { context: RecoveryContext; runs: RunTaskRequest[]; beforeDiscard: DBInstance[] } {
  const ctx = world.context(new SteppingClock(DRILL_AT));
  const runs: RunTaskRequest[] = [];
  const beforeDiscard: DBInstance[] = [];
  const tasks = (region: string): TaskPort => {
    const real = ctx.ports.tasks(region);
    return {
      runTask: (request) => {
        runs.push(request);
        return change.runTask === undefined ? real.runTask(request) : change.runTask(real, request);
      },
      describeTask: (cluster, taskArn) => real.describeTask(cluster, taskArn),
      stopTask: (cluster, taskArn, reason) => real.stopTask(cluster, taskArn, reason),
      ingressOf: (groupIds) => real.ingressOf(groupIds),
    };
  };
  const databases = (region: string): DatabaseRestorePort => {
    const real = ctx.ports.databases(region);
    const changed = change.databases?.(real) ?? {};
    return {
      describeSource: changed.describeSource ?? ((kind, id) => real.describeSource(kind, id)),
      restore: changed.restore ?? ((request) => real.restore(request)),
      describeRestored:
        changed.describeRestored ?? ((kind, id, instance) => real.describeRestored(kind, id, instance)),
      retire: changed.retire ?? ((input) => real.retire(input)),
      stopRetired: changed.stopRetired ?? ((input) => real.stopRetired(input)),
      discard: async (input) => {
        beforeDiscard.push(...(await world.restoredDatabases()));
        return real.discard(input);
      },
    };
  };
  return { context: { ...ctx, ports: { ...ctx.ports, tasks, databases } }, runs, beforeDiscard };
}

const drill = (world: RecoveryWorld, context: RecoveryContext) =>
  runStateMachineLocally({ machine: 'drill', input: { site: world.site.name, kind: 'drill' }, context });

describe('drill state machine with the database (aws-local-stepfunctions, real steps on moto)', () => {
  let world: RecoveryWorld;

  afterEach(async () => {
    await world.close();
  });

  it('drills files and database: the task runs against the restored DB snapshot, two passed verdicts, then both are deleted', async () => {
    world = await new RecoveryWorld().setUp('healthy', { database: 'snapshot' });
    await world.completedBackup('2026-11-21T02:00:00Z');
    const newest = await world.completedBackup('2026-11-22T02:00:00Z');
    const { context, runs, beforeDiscard } = observed(world);

    const run = await drill(world, context);

    expect(run.status).toBe('SUCCEEDED');
    const states = entered(run.events);
    expect(states).toEqual(
      expect.arrayContaining(['RestoreDatabase', 'AwaitDatabase', 'LaunchDrill', 'RecordVerdict']),
    );
    expect(states.indexOf('AwaitDatabase')).toBeLessThan(states.indexOf('LaunchDrill'));
    expect(states.slice(-4)).toEqual(['Teardown', 'DiscardDatabase', 'Finish', 'Drilled']);
    // The restore as AWS had it: the drill's, private in the site's network, tagged as lifeboat's.
    const [restored, ...others] = beforeDiscard;
    expect(others).toEqual([]);
    expect(restored?.DBSubnetGroup?.DBSubnetGroupName).toBe(world.database?.subnetGroup);
    expect(restored?.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).toEqual([
      world.database?.securityGroup,
    ]);
    expect(tagsOf(restored ?? {})).toMatchObject({
      'lifeboat:managed': 'true',
      'lifeboat:role': 'drill',
      'lifeboat:backup-id': newest.id,
      'lifeboat:stage': trustIdentityFromEnv().stage,
    });
    expect(runs.map((r) => r.environment)).toEqual([
      { container: 'wordpress', variables: { WORDPRESS_DB_HOST: restored?.Endpoint?.Address } },
    ]);

    const verdict = (await world.catalog.getBackup(world.site.name, newest.id))?.status.drill;
    expect(verdict).toMatchObject({
      verdict: 'passed',
      files: {
        verdict: 'passed',
        detail: expect.stringContaining(newest.status.parts[0]?.snapshotId ?? '?'),
      },
      database: {
        verdict: 'passed',
        identifier: restored?.DBInstanceIdentifier,
        detail: expect.stringContaining(`from DB snapshot ${newest.status.parts[1]?.snapshotId}`),
        evidence: expect.stringContaining(`WORDPRESS_DB_HOST=${restored?.Endpoint?.Address}`),
      },
    });
    const record = await world.catalog.getRecovery(world.site.name, verdict?.drillId ?? '');
    expect(record?.status.drill).toEqual(verdict);
    expect(record?.status.databases?.map((d) => [d.role, d.retiredAt !== undefined])).toEqual([
      ['drill', true],
    ]);
    // Thrown away: no database, no final snapshot, no task left running.
    expect(await world.restoredDatabases()).toEqual([]);
    expect(await world.finalSnapshots()).toEqual([]);
    expect((await world.tasks()).map((t) => [t.tags['lifeboat:role'], t.lastStatus])).toEqual([
      ['drill', 'STOPPED'],
    ]);
  });

  it('a database that does not come up: no task against the live database, database failed with why, the execution succeeds and nothing is left', async () => {
    world = await new RecoveryWorld().setUp('healthy', { database: 'snapshot' });
    const newest = await world.completedBackup('2026-11-22T02:00:00Z');
    const { context, runs } = observed(world, {
      databases: (real) => ({
        // RDS made the instance, but it never came up.
        describeRestored: async (kind, id, instance) => {
          const state = await real.describeRestored(kind, id, instance);
          return state === undefined ? undefined : { state: 'failed', status: 'incompatible-restore' };
        },
      }),
    });

    const run = await drill(world, context);

    expect(run.status).toBe('SUCCEEDED');
    expect(entered(run.events)).toEqual(
      expect.arrayContaining(['AwaitDatabase', 'DatabaseNotRestored', 'RecordUnlaunched', 'DiscardDatabase']),
    );
    expect(entered(run.events)).not.toContain('LaunchDrill');
    expect(runs).toEqual([]);
    const verdict = (await world.catalog.getBackup(world.site.name, newest.id))?.status.drill;
    expect(verdict).toMatchObject({
      verdict: 'failed',
      database: {
        verdict: 'failed',
        detail: expect.stringMatching(/did not restore: DatabaseRestoreFailedError: .*incompatible-restore/),
      },
    });
    expect(verdict?.files).toBeUndefined();
    expect(await world.restoredDatabases()).toEqual([]);
    expect(await world.finalSnapshots()).toEqual([]);
    expect(await world.tasks()).toEqual([]);
  });

  it('a database restore RDS refuses: the database verdict names the refusal, and no task is started', async () => {
    world = await new RecoveryWorld().setUp('healthy', { database: 'snapshot' });
    const newest = await world.completedBackup('2026-11-22T02:00:00Z');
    const { context } = observed(world, {
      databases: () => ({
        restore: () =>
          Promise.reject(
            new AwsCallError('RDS RestoreDBInstanceFromDBSnapshot failed: AccessDenied', {
              code: 'AccessDenied',
            }),
          ),
      }),
    });

    const run = await drill(world, context);

    expect(run.status).toBe('SUCCEEDED');
    const verdict = (await world.catalog.getBackup(world.site.name, newest.id))?.status.drill;
    expect(verdict).toMatchObject({
      verdict: 'failed',
      database: { verdict: 'failed', detail: expect.stringContaining('AwsCallError: RDS Restore') },
    });
    expect(verdict?.files).toBeUndefined();
    expect(await world.restoredDatabases()).toEqual([]);
    expect(await world.tasks()).toEqual([]);
  });

  it('a drill that fails after its database was restored: FinishFailed stops the task and deletes the database, no final snapshot', async () => {
    world = await new RecoveryWorld().setUp('healthy', { database: 'snapshot' });
    await world.completedBackup('2026-11-22T02:00:00Z');
    const { context } = observed(world, {
      runTask: () =>
        Promise.reject(
          new AwsCallError('ECS RunTask failed: AccessDeniedException', { code: 'AccessDenied' }),
        ),
    });

    const run = await drill(world, context);

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('AwsCallError');
    expect(entered(run.events)).toEqual(expect.arrayContaining(['AwaitDatabase', 'FinishFailed']));
    expect(entered(run.events)).not.toContain('DiscardDatabase');
    expect(await world.restoredDatabases()).toEqual([]);
    expect(await world.finalSnapshots()).toEqual([]);
  });

  it('a site without a database: files only, as before, and no database verdict', async () => {
    world = await new RecoveryWorld().setUp('healthy');
    const newest = await world.completedBackup('2026-11-22T02:00:00Z');
    const { context, runs } = observed(world);

    const run = await drill(world, context);

    expect(run.status).toBe('SUCCEEDED');
    expect(entered(run.events)).toContain('NoDatabase');
    expect(entered(run.events)).not.toContain('RestoreDatabase');
    expect(runs.map((r) => r.environment)).toEqual([undefined]);
    const verdict = (await world.catalog.getBackup(world.site.name, newest.id))?.status.drill;
    expect(verdict).toMatchObject({ verdict: 'passed', files: { verdict: 'passed' } });
    expect(verdict?.database).toBeUndefined();
    expect((await world.tasks()).map((t) => t.lastStatus)).toEqual(['STOPPED']);
  });
});
