import { TAG } from '../../../lib/tags/vocabulary';
import {
  awaitBackup,
  begin,
  describeSnapshot,
  ecsCreatesTaskVolume,
  type Json,
  nightlyBackup,
  recoveryInput,
  restoreEnv,
  type Stage,
  sample,
  type TrustWorld,
  trustWorld,
} from './support';

/**
 * Case 1, "recovery can launch from the broken state": after one recovery and promote, the volumes
 * lifeboat made for its own tasks (replacement, rejected replacement, sandbox, final; kept after
 * the task) carry lifeboat:site like the site's own volume. The next night's backup must still
 * cover only the site's volume and database, and the next recovery must launch the task volume
 * from the snapshot of the site's volume, never from the sandbox's.
 */
describe('case 1: lifeboat never protects, nor launches from, the volumes it made itself (moto, real handlers)', () => {
  let world: TrustWorld;
  let stage: Stage;
  const taskVolumes: Record<string, string> = {};
  let nextNight: Json;

  beforeAll(async () => {
    world = await trustWorld();
    stage = await world.stage('prod');
    const { site } = world;
    await nightlyBackup(stage, 'blog', '2026-11-22T02:00:00Z');

    // A recovery: the replacement (its gate is not run here), the sandbox.
    const run = await begin(stage, recoveryInput('20261122t093900z-3cd8188e', new Date().toISOString()));
    const queue = await stage.invoke('recovery-pick-known-good', { run });
    const captured = await stage.invoke('recovery-capture-broken-state', { run });
    const brokenState = await awaitBackup(stage, run, captured.backupId);
    const replacement = await stage.invoke('recovery-launch-task', {
      run,
      role: 'replacement',
      candidate: queue.next,
    });
    taskVolumes.replacement = await ecsCreatesTaskVolume(site, replacement.taskArn);
    const sandbox = await stage.invoke('recovery-launch-task', {
      run,
      role: 'sandbox',
      candidate: brokenState,
    });
    taskVolumes.sandbox = await ecsCreatesTaskVolume(site, sandbox.taskArn);
    await stage.invoke('recovery-await-sandbox', { run, attempt: sandbox });
    await stage.invoke('recovery-finish', { run });

    // The promote: snapshot the sandbox, launch the final task from it.
    const promote = await begin(stage, sample('recovery/promote.json'));
    const snapshot = await stage.invoke('promote-snapshot-sandbox', { run: promote });
    const fixed = await awaitBackup(stage, promote, snapshot.backupId);
    const final = await stage.invoke('recovery-launch-task', {
      run: promote,
      role: 'final',
      candidate: fixed,
    });
    taskVolumes.final = await ecsCreatesTaskVolume(site, final.taskArn);
    await stage.invoke('recovery-finish', { run: promote });

    nextNight = await nightlyBackup(stage, 'blog', '2026-11-23T02:00:00Z');
  });

  afterAll(() => restoreEnv());

  it('case 1: the next backup covers the site volume and database only, not the task volumes lifeboat made', () => {
    const parts = nextNight.status.parts as Json[];

    expect(parts.map((p) => p.sourceId).sort()).toEqual(
      [world.site.volumeIds[0], world.site.database.id].sort(),
    );
    for (const volumeId of Object.values(taskVolumes)) {
      expect(parts.map((p) => p.sourceId)).not.toContain(volumeId);
    }
  });

  it('case 1: the next backup maps its part to the task definition volume by name', () => {
    const volumePart = (nextNight.status.parts as Json[]).find((p) => p.kind === 'ebs-volume');

    expect(volumePart).toMatchObject({
      sourceId: world.site.volumeIds[0],
      taskVolume: world.site.run.volumeName,
    });
  });

  it('case 1: the next dry run plans the task volume from the snapshot of the site volume', async () => {
    const run = await begin(
      stage,
      recoveryInput('20261123t093900z-4de9299f', new Date().toISOString(), { dryRun: true }),
    );

    const plan = await stage.invoke('recovery-pick-known-good', { run });

    expect(plan.next.backupId).toBe(nextNight.id);
    const snapshot = await describeSnapshot(plan.plan.launch.snapshotId);
    expect(snapshot?.volumeId).toBe(world.site.volumeIds[0]);
    expect(snapshot?.tags[TAG.role]).toBeUndefined();
    await stage.invoke('recovery-finish', { run });
  });

  it('case 1: the next recovery launches the task volume from the snapshot of the site volume', async () => {
    const run = await begin(stage, recoveryInput('20261123t100000z-5ef0300a', new Date().toISOString()));
    const queue = await stage.invoke('recovery-pick-known-good', { run });

    const launched = await stage.invoke('recovery-launch-task', {
      run,
      role: 'replacement',
      candidate: queue.next,
    });

    expect(launched.backupId).toBe(nextNight.id);
    expect((await describeSnapshot(launched.snapshotId))?.volumeId).toBe(world.site.volumeIds[0]);
    await stage.invoke('recovery-finish', { run });
  });
});
