import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { cloudwatchClient } from '../../lib/aws/cloudwatch';
import type { Recovery } from '../../lib/recovery/model';
import type { RunTaskRequest, TaskPort } from '../../lib/recovery/ports';
import type { RecoveryContext } from '../../lib/recovery/steps';
import { applyRetiredDatabaseRetention } from '../../lib/retention/retired-databases';
import { retentionPorts } from '../../lib/retention/wiring';
import { trustIdentityFromEnv } from '../../lib/trust/snapshot-trust';
import { runStateMachineLocally } from '../../local/local-runner';
import { entered } from './support/executions';
import { PROMOTE_AT, PROMOTE_ID, promoteInput, recoverWithSandbox } from './support/promote-setup';
import { RecoveryWorld } from './support/recovery-world';
import { SteppingClock } from './support/stepping-clock';

const REGION = 'us-east-1';
const MiB = 1024 * 1024;

const tagsOf = (list: { Key?: string; Value?: string }[] | undefined) =>
  Object.fromEntries((list ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

describe('promote with the database (aws-local-stepfunctions, real steps on moto)', () => {
  let world: RecoveryWorld;

  beforeEach(async () => {
    world = await new RecoveryWorld().setUp('healthy', { database: 'snapshot' });
  });

  afterEach(async () => {
    await world.close();
  });

  /** A recovery whose replacement and sandbox each run on their own restored database. */
  async function recovered(): Promise<{ recoveryId: string; source: Recovery }> {
    const { recoveryId } = await recoverWithSandbox(world, 0, { database: 'snapshot' });
    const source = await world.catalog.getRecovery(world.site.name, recoveryId);
    if (source === undefined) throw new Error('no recovery record');
    return { recoveryId, source };
  }

  const databaseOf = (source: Recovery, role: 'replacement' | 'sandbox') => {
    const db = source.status.databases?.find((d) => d.role === role && d.retiredAt === undefined);
    if (db?.address === undefined) throw new Error(`the ${role} has no restored database`);
    return db;
  };

  /** BinLogDiskUsage of `identifier` as RDS would publish it, one value a minute from 09:50. */
  async function binlog(identifier: string, values: number[]): Promise<void> {
    await cloudwatchClient(world.clients, REGION).send(
      new PutMetricDataCommand({
        Namespace: 'AWS/RDS',
        MetricData: values.map((value, i) => ({
          MetricName: 'BinLogDiskUsage',
          Dimensions: [{ Name: 'DBInstanceIdentifier', Value: identifier }],
          Timestamp: new Date(Date.parse('2026-11-22T09:50:00Z') + i * 60_000),
          Value: value,
          Unit: 'Bytes',
        })),
      }),
    );
  }

  /** Runs the promote with every RunTask request kept. */
  async function promoteObserved(recoveryId: string, options: Record<string, unknown> = {}) {
    const runs: RunTaskRequest[] = [];
    const ctx = world.context(new SteppingClock(PROMOTE_AT));
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
    const context: RecoveryContext = { ...ctx, ports: { ...ctx.ports, tasks } };
    const run = await runStateMachineLocally({
      machine: 'promote',
      input: promoteInput(recoveryId, world.site.name, options),
      context,
    });
    return { run, runs };
  }

  async function instance(identifier: string) {
    const out = await world.clients
      .rds(REGION)
      .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
    return out.DBInstances?.[0];
  }

  async function snapshot(identifier: string) {
    const out = await world.clients
      .rds(REGION)
      .send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier }));
    return out.DBSnapshots?.[0];
  }

  it("runs the final task against the sandbox's database, stops the replacement's after a final snapshot and removes the sandbox record", async () => {
    const { recoveryId, source } = await recovered();
    const replacementDb = databaseOf(source, 'replacement');
    const sandboxDb = databaseOf(source, 'sandbox');
    await binlog(replacementDb.identifier, [4096, 4096, 4096]);
    expect((await world.aRecord(world.site.sandbox.recordName))?.value).toBe(source.status.sandbox?.address);

    const { run, runs } = await promoteObserved(recoveryId);

    expect({ status: run.status, error: run.error, cause: run.cause }).toEqual({
      status: 'SUCCEEDED',
      error: undefined,
      cause: undefined,
    });
    const final = runs.find((r) => r.tags['lifeboat:role'] === 'final');
    expect(final?.environment).toEqual({
      container: 'wordpress',
      variables: { WORDPRESS_DB_HOST: sandboxDb.address },
    });
    const stopped = await instance(replacementDb.identifier);
    expect(stopped?.DBInstanceStatus).toBe('stopped');
    const promoted = await world.catalog.getRecovery(world.site.name, PROMOTE_ID);
    const insync = Date.parse(promoted?.status.dnsChange?.insyncAt ?? '');
    const retainUntil = new Date(insync + world.site.retention.daily * 86_400_000).toISOString();
    expect(tagsOf(stopped?.TagList)).toMatchObject({
      'lifeboat:retain-until': retainUntil,
      'lifeboat:role': 'replacement',
      'lifeboat:recovery-id': recoveryId,
    });
    const final_ = await snapshot(`${replacementDb.identifier}-final`);
    expect(final_?.DBInstanceIdentifier).toBe(replacementDb.identifier);
    // Tagged like the database, so retention finds it by site and deletes it after its retain-until.
    expect(tagsOf(final_?.TagList)).toMatchObject({
      'lifeboat:retain-until': retainUntil,
      'lifeboat:managed': 'true',
      'lifeboat:site': world.site.name,
      'lifeboat:role': 'replacement',
      'lifeboat:recovery-id': recoveryId,
    });
    expect((await instance(sandboxDb.identifier))?.DBInstanceStatus).toBe('available');
    expect((await instance(world.database?.instance ?? ''))?.DBInstanceStatus).toBe('available');
    expect(await world.aRecord(world.site.sandbox.recordName)).toBeUndefined();
    expect((await world.aRecord(world.site.dns.recordName))?.value).toBe(
      promoted?.status.replacement?.address,
    );
    expect(promoted?.status.changes).toMatchObject({
      database: {
        restored: true,
        database: replacementDb.identifier,
        writes: 0,
        metric: 'BinLogDiskUsage',
        keptIn: `${replacementDb.identifier}-final`,
      },
      databasePlan: { serving: 'sandbox', final: sandboxDb.identifier, retire: [replacementDb.identifier] },
    });
    const after = await world.catalog.getRecovery(world.site.name, recoveryId);
    expect(after?.status.databases?.find((d) => d.identifier === replacementDb.identifier)).toMatchObject({
      finalSnapshotId: `${replacementDb.identifier}-final`,
      retainUntil,
    });
    expect(promoted?.status.timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          step: 'remove-sandbox-record',
          outcome: 'ok',
          detail: expect.objectContaining({ summary: `${world.site.sandbox.recordName} deleted` }),
        }),
        expect.objectContaining({ step: 'stop-retired-databases', outcome: 'ok' }),
      ]),
    );
  });

  it("--database replacement: the final task keeps the replacement's database (its writes are not dropped) and the sandbox's is stopped", async () => {
    const { recoveryId, source } = await recovered();
    const replacementDb = databaseOf(source, 'replacement');
    const sandboxDb = databaseOf(source, 'sandbox');
    // Writes the replacement took: kept, since the final task runs on that database.
    await binlog(replacementDb.identifier, [0, MiB, 2 * MiB]);

    const { run, runs } = await promoteObserved(recoveryId, { promoteDatabase: 'replacement' });

    expect(run.status).toBe('SUCCEEDED');
    const final = runs.find((r) => r.tags['lifeboat:role'] === 'final');
    expect(final?.environment?.variables.WORDPRESS_DB_HOST).toBe(replacementDb.address);
    expect((await instance(replacementDb.identifier))?.DBInstanceStatus).toBe('available');
    expect((await instance(sandboxDb.identifier))?.DBInstanceStatus).toBe('stopped');
    expect(await snapshot(`${sandboxDb.identifier}-final`)).toBeDefined();
    const promoted = await world.catalog.getRecovery(world.site.name, PROMOTE_ID);
    expect(promoted?.status.changes).toMatchObject({
      database: { restored: false },
      databasePlan: {
        serving: 'replacement',
        final: replacementDb.identifier,
        retire: [sandboxDb.identifier],
      },
    });
    expect(await world.aRecord(world.site.sandbox.recordName)).toBeUndefined();
  });

  it('refuses when the replacement’s database wrote since its restore, before launching, switching or stopping anything', async () => {
    const { recoveryId, source } = await recovered();
    const replacementDb = databaseOf(source, 'replacement');
    await binlog(replacementDb.identifier, [0, MiB, 3.2 * MiB]);
    const site = await world.aRecord(world.site.dns.recordName);

    const { run, runs } = await promoteObserved(recoveryId);

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('UnsavedChangesError');
    expect(String(run.cause)).toMatch(
      new RegExp(
        `its database ${replacementDb.identifier} wrote 3\\.2 MiB of binlog since \\d\\d:\\d\\d UTC; promote would drop them \\(they stay in snapshot snap-\\w+ and final snapshot ${replacementDb.identifier}-final\\): pass --discard-changes`,
      ),
    );
    expect(entered(run.events)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^(LaunchFinal|SwitchDns|RetireReplaced)$/)]),
    );
    expect(runs).toEqual([]);
    expect((await instance(replacementDb.identifier))?.DBInstanceStatus).toBe('available');
    expect(await world.aRecord(world.site.dns.recordName)).toEqual(site);
    expect(await world.aRecord(world.site.sandbox.recordName)).toBeDefined();
  });

  it('with discardChanges: promotes although the database wrote, and keeps it stopped with its final snapshot', async () => {
    const { recoveryId, source } = await recovered();
    const replacementDb = databaseOf(source, 'replacement');
    await binlog(replacementDb.identifier, [0, MiB, 3.2 * MiB]);

    const { run } = await promoteObserved(recoveryId, { discardChanges: true });

    expect(run.status).toBe('SUCCEEDED');
    const promoted = await world.catalog.getRecovery(world.site.name, PROMOTE_ID);
    expect(promoted?.status.changes?.database).toMatchObject({ writes: Math.round(3.2 * MiB) });
    expect(promoted?.status.timeline).toContainEqual(
      expect.objectContaining({
        step: 'measure-replacement',
        detail: expect.objectContaining({
          summary: expect.stringContaining('wrote 3.2 MiB of binlog'),
        }),
      }),
    );
    expect((await instance(replacementDb.identifier))?.DBInstanceStatus).toBe('stopped');
    expect(await snapshot(`${replacementDb.identifier}-final`)).toBeDefined();
  });

  it('retention deletes the stopped database and then its final snapshot once the retain-until passed, never the serving ones', async () => {
    const { recoveryId, source } = await recovered();
    const replacementDb = databaseOf(source, 'replacement');
    const sandboxDb = databaseOf(source, 'sandbox');
    await binlog(replacementDb.identifier, [0, 0]);
    expect((await promoteObserved(recoveryId)).run.status).toBe('SUCCEEDED');
    const retained = (await world.catalog.getRecovery(world.site.name, recoveryId))?.status.databases?.find(
      (d) => d.identifier === replacementDb.identifier,
    )?.retainUntil;
    const ports = retentionPorts(world.clients, world.catalog);
    const stage = trustIdentityFromEnv().stage;

    const before = await applyRetiredDatabaseRetention(
      ports,
      new SteppingClock('2026-11-23T05:30:00Z'),
      world.site,
      {
        dryRun: false,
        stage,
      },
    );
    const after = await applyRetiredDatabaseRetention(
      ports,
      new SteppingClock(new Date(Date.parse(retained ?? '') + 86_400_000).toISOString()),
      world.site,
      { dryRun: false, stage },
    );

    expect(before.map((i) => [i.identifier, i.outcome])).toEqual([[replacementDb.identifier, 'kept']]);
    expect(after.map((i) => [i.kind, i.identifier, i.outcome])).toEqual([
      ['database', replacementDb.identifier, 'deleted'],
      ['final-snapshot', `${replacementDb.identifier}-final`, 'deleted'],
    ]);
    await expect(instance(replacementDb.identifier)).rejects.toThrow();
    await expect(snapshot(`${replacementDb.identifier}-final`)).rejects.toThrow();
    expect((await instance(sandboxDb.identifier))?.DBInstanceStatus).toBe('available');
    expect((await instance(world.database?.instance ?? ''))?.DBInstanceStatus).toBe('available');
  });

  it('refuses when CloudWatch has no datapoints of the database: it cannot claim nothing is lost', async () => {
    const { recoveryId } = await recovered();

    const { run } = await promoteObserved(recoveryId);

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('UnsavedChangesError');
    expect(String(run.cause)).toMatch(
      /writes could not be measured \(CloudWatch has no BinLogDiskUsage datapoints of lifeboat-[a-z0-9-]+ since \d\d:\d\d UTC\); promote would drop whatever it changed/,
    );
  });
});
