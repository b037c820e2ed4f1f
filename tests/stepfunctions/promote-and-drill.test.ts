import { trustIdentityFromEnv } from '../../lib/trust/snapshot-trust';
import { seedVolume } from '../../local/seed';
import { entered, recoveryInput } from './support/executions';
import { RecoveryWorld } from './support/recovery-world';

const PROMOTE_ID = '20261122t110000z-promote';

function manualTrigger(at: string, summary: string) {
  return { source: 'manual', incidentKey: `manual:${at}`, outageStartedAt: at, receivedAt: at, summary };
}

describe('promote and drill state machines (aws-local-stepfunctions, real steps on moto)', () => {
  let world: RecoveryWorld;

  beforeEach(async () => {
    world = await new RecoveryWorld().setUp();
  });

  afterEach(async () => {
    await world.close();
  });

  const runDrill = () => world.run('drill', { site: world.site.name, kind: 'drill' }, '2026-11-22T04:00:00Z');

  /** A finished recovery with a sandbox, and the sandbox volume ECS would have created (moto ignores volumeConfigurations). */
  async function recoverWithSandbox(): Promise<{ recoveryId: string; sandboxVolumeId: string }> {
    await world.completedBackup('2026-11-22T02:00:00Z');
    const input = recoveryInput(world.site.name, {
      incidentKey: `pingdom:${world.site.name}`,
      summary: 'www is DOWN',
    });
    const { recoveryId } = input;
    const recovered = await world.run('recovery', input, '2026-11-22T09:40:00Z');
    expect(recovered.status).toBe('SUCCEEDED');
    const sandboxVolumeId = await seedVolume(world.clients, 'us-east-1', {
      'lifeboat:recovery-id': recoveryId,
      'lifeboat:role': 'sandbox',
      'lifeboat:managed': 'true',
      // As ECS tags it (taskTags): the site and the stage that launched the sandbox.
      'lifeboat:site': world.site.name,
      'lifeboat:stage': trustIdentityFromEnv().stage,
    });
    return { recoveryId, sandboxVolumeId };
  }

  function promote(sourceRecoveryId: string) {
    const input = {
      site: world.site.name,
      recoveryId: PROMOTE_ID,
      kind: 'promote',
      trigger: manualTrigger('2026-11-22T11:00:00Z', 'fix applied in the sandbox'),
      options: { sourceRecoveryId },
    };
    return world.run('promote', input, '2026-11-22T11:00:00Z');
  }

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
