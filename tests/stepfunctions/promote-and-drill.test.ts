import { entered } from './support/executions';
import {
  PROMOTE_ID,
  promote as promoteSandbox,
  recoverWithSandbox as recoverSite,
} from './support/promote-setup';
import { RecoveryWorld } from './support/recovery-world';

describe('promote and drill state machines (aws-local-stepfunctions, real steps on moto)', () => {
  let world: RecoveryWorld;

  beforeEach(async () => {
    world = await new RecoveryWorld().setUp();
  });

  afterEach(async () => {
    await world.close();
  });

  const runDrill = () => world.run('drill', { site: world.site.name, kind: 'drill' }, '2026-11-22T04:00:00Z');

  const recoverWithSandbox = () => recoverSite(world);
  const promote = (sourceRecoveryId: string) => promoteSandbox(world, sourceRecoveryId);

  it('promote: snapshots the sandbox, launches the final task from it, switches DNS, retires replacement and sandbox', async () => {
    const { recoveryId, sandboxVolumeId } = await recoverWithSandbox();

    const run = await promote(recoveryId);

    expect(run.status).toBe('SUCCEEDED');
    expect(entered(run.events)).toEqual(
      expect.arrayContaining([
        'Begin',
        'SnapshotSandbox',
        'AwaitPrePromote',
        'LaunchFinal',
        'CheckFinal',
        'SwitchDns',
        'AwaitDns',
        'RetireReplaced',
        'Finish',
      ]),
    );
    const promoted = await world.catalog.getRecovery(world.site.name, PROMOTE_ID);
    expect(promoted?.status.phase).toBe('Succeeded');
    const prePromote = await world.catalog.getBackup(
      world.site.name,
      promoted?.status.knownGoodBackupId ?? '',
    );
    expect(prePromote?.spec.kind).toBe('pre-promote');
    expect(prePromote?.status.parts.map((p) => p.sourceId)).toEqual([sandboxVolumeId]);
    const tasks = await world.tasks();
    const byRole = Object.fromEntries(tasks.map((t) => [t.tags['lifeboat:role'], t.lastStatus]));
    expect(byRole).toEqual({ replacement: 'STOPPED', sandbox: 'STOPPED', final: 'RUNNING' });
    expect((await world.aRecord(world.site.dns.recordName))?.value).toBe(
      promoted?.status.replacement?.address,
    );
    expect(await world.catalog.readLock(world.site.name)).toBeUndefined();
  });

  it('promote whose final task is unhealthy: stops it, leaves DNS, replacement and sandbox as they were', async () => {
    const { recoveryId } = await recoverWithSandbox();
    await world.serveRole('final', 'unhealthy');
    const before = await world.aRecord(world.site.dns.recordName);

    const run = await promote(recoveryId);

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('HealthGateFailedError');
    expect(run.events.map((e) => e.state?.name)).not.toContain('SwitchDns');
    expect(await world.aRecord(world.site.dns.recordName)).toEqual(before);
    const byRole = Object.fromEntries(
      (await world.tasks()).map((t) => [t.tags['lifeboat:role'], t.lastStatus]),
    );
    expect(byRole).toEqual({ replacement: 'RUNNING', sandbox: 'RUNNING', final: 'STOPPED' });
    const promoteRecord = await world.catalog.getRecovery(world.site.name, PROMOTE_ID);
    expect(promoteRecord?.status).toMatchObject({
      phase: 'Failed',
      failure: { error: 'HealthGateFailedError' },
    });
    expect(await world.catalog.readLock(world.site.name)).toBeUndefined();
  });

  it('drill of a site without any completed backup: fails with NoKnownGoodBackupError and launches nothing', async () => {
    const run = await runDrill();

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('NoKnownGoodBackupError');
    expect(await world.tasks()).toEqual([]);
    expect((await world.notifications()).map((n) => n.subject)).toEqual([
      expect.stringContaining('Restore drill of'),
    ]);
  });

  it('drill: restores the newest backup into a throw-away task, records a passed verdict, tears it down', async () => {
    await world.completedBackup('2026-11-21T02:00:00Z');
    const newest = await world.completedBackup('2026-11-22T02:00:00Z');

    const run = await runDrill();

    expect(run.status).toBe('SUCCEEDED');
    expect(entered(run.events)).toEqual(
      expect.arrayContaining([
        'Begin',
        'PickNewest',
        'LaunchDrill',
        'CheckDrill',
        'RecordVerdict',
        'Teardown',
        'Finish',
      ]),
    );
    expect((await world.catalog.getBackup(world.site.name, newest.id))?.status.drill?.verdict).toBe('passed');
    const tasks = await world.tasks();
    expect(tasks.map((t) => [t.tags['lifeboat:role'], t.tags['lifeboat:backup-id'], t.lastStatus])).toEqual([
      ['drill', newest.id, 'STOPPED'],
    ]);
    expect(await world.aRecord(world.site.dns.recordName)).toBeUndefined();
    expect(await world.catalog.readLock(world.site.name)).toBeUndefined();
  });

  it('drill of a backup that does not come up healthy: records a failed verdict and still tears down', async () => {
    const newest = await world.completedBackup('2026-11-22T02:00:00Z', 'unhealthy');

    const run = await runDrill();

    expect(run.status).toBe('SUCCEEDED');
    const drill = (await world.catalog.getBackup(world.site.name, newest.id))?.status.drill;
    expect(drill).toMatchObject({
      verdict: 'failed',
      detail: expect.stringContaining('not healthy within 10 s'),
    });
    expect((await world.tasks()).map((t) => t.lastStatus)).toEqual(['STOPPED']);
    const notes = await world.notifications();
    expect(notes[0]?.message).toContain('record-drill-verdict: failed');
  });
});
