import { CreateVolumeCommand } from '@aws-sdk/client-ec2';
import { toTagList } from '../../lib/aws/ec2';
import { type LocalEvent, runStateMachineLocally } from '../../lib/recovery/local-runner';
import { recoveryIdFor } from '../../lib/recovery/start-recovery';
import { RecoveryWorld } from './support/recovery-world';
import { SteppingClock } from './support/stepping-clock';

const OUTAGE = '2026-11-22T09:39:00Z';

function entered(events: LocalEvent[]): string[] {
  return events.filter((e) => e.type === 'StateEntered').map((e) => e.state?.name ?? '');
}

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

  it('promote: snapshots the sandbox, launches the final task from it, switches DNS, retires replacement and sandbox', async () => {
    await world.completedBackup('2026-11-22T02:00:00Z');
    const recoveryId = recoveryIdFor(new Date(OUTAGE), `pingdom:${world.site.name}`);
    const recovered = await runStateMachineLocally({
      machine: 'recovery',
      input: {
        site: world.site.name,
        recoveryId,
        kind: 'recovery',
        trigger: { ...manualTrigger(OUTAGE, 'www is DOWN'), source: 'pingdom' },
        options: {},
      },
      context: world.context(new SteppingClock('2026-11-22T09:40:00Z')),
    });
    expect(recovered.status).toBe('SUCCEEDED');
    // What ECS does with the sandbox's volumeConfigurations tagSpecifications (moto ignores them).
    const sandboxVolume = await world.clients.ec2('us-east-1').send(
      new CreateVolumeCommand({
        AvailabilityZone: 'us-east-1a',
        Size: 8,
        TagSpecifications: [
          {
            ResourceType: 'volume',
            Tags: toTagList({
              'lifeboat:recovery-id': recoveryId,
              'lifeboat:role': 'sandbox',
              'lifeboat:managed': 'true',
            }),
          },
        ],
      }),
    );
    const promoteId = '20261122t110000z-promote';

    const run = await runStateMachineLocally({
      machine: 'promote',
      input: {
        site: world.site.name,
        recoveryId: promoteId,
        kind: 'promote',
        trigger: manualTrigger('2026-11-22T11:00:00Z', 'fix applied in the sandbox'),
        options: { sourceRecoveryId: recoveryId },
      },
      context: world.context(new SteppingClock('2026-11-22T11:00:00Z')),
    });

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
    const promote = await world.catalog.getRecovery(world.site.name, promoteId);
    expect(promote?.status.phase).toBe('Succeeded');
    const prePromote = await world.catalog.getBackup(
      world.site.name,
      promote?.status.knownGoodBackupId ?? '',
    );
    expect(prePromote?.spec.kind).toBe('pre-promote');
    expect(prePromote?.status.parts.map((p) => p.sourceId)).toEqual([sandboxVolume.VolumeId]);
    const tasks = await world.tasks();
    const byRole = Object.fromEntries(tasks.map((t) => [t.tags['lifeboat:role'], t.lastStatus]));
    expect(byRole).toEqual({ replacement: 'STOPPED', sandbox: 'STOPPED', final: 'RUNNING' });
    expect((await world.aRecord(world.site.dns.recordName))?.value).toBe(
      promote?.status.replacement?.address,
    );
    expect(await world.catalog.readLock(world.site.name)).toBeUndefined();
  });

  it('drill: restores the newest backup into a throw-away task, records a passed verdict, tears it down', async () => {
    await world.completedBackup('2026-11-21T02:00:00Z');
    const newest = await world.completedBackup('2026-11-22T02:00:00Z');

    const run = await runStateMachineLocally({
      machine: 'drill',
      input: { site: world.site.name, kind: 'drill' },
      context: world.context(new SteppingClock('2026-11-22T04:00:00Z')),
    });

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

    const run = await runStateMachineLocally({
      machine: 'drill',
      input: { site: world.site.name, kind: 'drill' },
      context: world.context(new SteppingClock('2026-11-22T04:00:00Z')),
    });

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
