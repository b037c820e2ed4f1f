import { CreateSnapshotCommand } from '@aws-sdk/client-ec2';
import { TAG, toTagList } from '../../../lib/tags/vocabulary';
import { motoClients } from '../../support/moto';
import {
  begin,
  type Json,
  nightlyBackup,
  readBackup,
  readRecovery,
  recoveryInput,
  restoreEnv,
  type Stage,
  type TrustWorld,
  tamperBackup,
  taskCount,
  trustWorld,
} from './support';

/**
 * Case 4, "recovery launches from any snapshot id a record names": the catalog is only the index.
 * A record whose volume part names a snapshot that AWS does not vouch for (not this account's,
 * not lifeboat's, another stage's, another backup's, or none at all) must never be launched: the
 * pick skips it (the recovery goes on with a backup that checks out) and the launch refuses it,
 * naming the snapshot and the mismatch, on the run's timeline.
 */
describe('case 4: a recovery launches only from snapshots AWS confirms (moto, real handlers)', () => {
  let world: TrustWorld;
  let stage: Stage;
  let good: Json;
  let target: Json;
  const foreign: Record<string, string> = {};
  let run: Json;

  beforeAll(async () => {
    world = await trustWorld();
    stage = await world.stage('prod');
    const ec2 = motoClients().ec2('us-east-1');
    good = await nightlyBackup(stage, 'blog', '2026-11-21T02:00:00Z');
    target = await nightlyBackup(stage, 'blog', '2026-11-22T02:00:00Z');
    const snap = async (tags: Record<string, string>) =>
      (
        await ec2.send(
          new CreateSnapshotCommand({
            VolumeId: world.site.volumeIds[0],
            TagSpecifications:
              Object.keys(tags).length === 0
                ? undefined
                : [{ ResourceType: 'snapshot', Tags: toTagList(tags) }],
          }),
        )
      ).SnapshotId ?? '';
    const lifeboatTags = {
      [TAG.managed]: 'true',
      [TAG.site]: 'blog',
      [TAG.backupId]: target.id,
      [TAG.kind]: 'scheduled',
    };
    foreign['not made by lifeboat'] = await snap({});
    foreign['of another stage'] = await snap({ ...lifeboatTags, [TAG.stage]: 'staging' });
    foreign['of another backup'] = (good.status.parts as Json[]).find(
      (p) => p.kind === 'ebs-volume',
    )?.snapshotId;
    // moto keeps each account's snapshots apart: another account's id is one this account cannot see.
    foreign['of another account (or none)'] = 'snap-0a1b2c3d4e5f60718';
    run = await begin(stage, recoveryInput('20261122t093900z-3cd8188e', new Date().toISOString()));
  });

  afterAll(() => restoreEnv());

  const VARIANTS = [
    'not made by lifeboat',
    'of another stage',
    'of another backup',
    'of another account (or none)',
  ];

  async function pointRecordAt(snapshotId: string): Promise<void> {
    await tamperBackup(stage, 'blog', target.id, (record) => {
      for (const p of record.status.parts as Json[]) if (p.kind === 'ebs-volume') p.snapshotId = snapshotId;
    });
  }

  it.each(VARIANTS)(
    'case 4: a record naming a snapshot %s is not launched, and the refusal is recorded',
    async (variant) => {
      const snapshotId = foreign[variant] as string;
      await pointRecordAt(snapshotId);
      const before = await taskCount(world.site);

      const launch = stage.invoke('recovery-launch-task', {
        run,
        role: 'replacement',
        candidate: { backupId: target.id, snapshotId, takenAt: target.status.createdAt, drilled: false },
      });

      await expect(launch).rejects.toMatchObject({
        name: 'SnapshotMismatchError',
        message: expect.stringContaining(snapshotId),
      });
      expect(await taskCount(world.site)).toBe(before);
      const recovery = await readRecovery(stage, 'blog', run.recoveryId);
      expect(recovery.status.timeline).toContainEqual(
        expect.objectContaining({
          step: 'verify-snapshot',
          outcome: 'failed',
          detail: expect.objectContaining({ snapshotId, action: 'launch' }),
        }),
      );
    },
  );

  it.each(VARIANTS)('case 4: the pick skips a backup whose record names a snapshot %s', async (variant) => {
    await pointRecordAt(foreign[variant] as string);

    const queue = await stage.invoke('recovery-pick-known-good', { run });

    expect(queue.next).toMatchObject({ backupId: good.id });
    expect([queue.next, ...queue.rest].map((c: Json) => c.backupId)).not.toContain(target.id);
    const recovery = await readRecovery(stage, 'blog', run.recoveryId);
    expect(recovery.status.timeline).toContainEqual(
      expect.objectContaining({
        step: 'verify-snapshot',
        outcome: 'failed',
        detail: expect.objectContaining({ backupId: target.id, snapshotId: foreign[variant] }),
      }),
    );
  });

  it('case 4: an explicit --backup naming a tampered record is refused, not launched', async () => {
    await pointRecordAt(foreign['not made by lifeboat'] as string);
    const explicit = { ...run, options: { ...run.options, backupId: target.id } };

    await expect(stage.invoke('recovery-pick-known-good', { run: explicit })).rejects.toMatchObject({
      name: 'SnapshotMismatchError',
    });
  });

  it('case 4: the untampered backup still launches', async () => {
    const part = (await readBackup(stage, 'blog', good.id)).status.parts.find(
      (p: Json) => p.kind === 'ebs-volume',
    );

    const launched = await stage.invoke('recovery-launch-task', {
      run,
      role: 'replacement',
      candidate: {
        backupId: good.id,
        snapshotId: part.snapshotId,
        takenAt: good.status.createdAt,
        drilled: false,
      },
    });

    expect(launched).toMatchObject({ backupId: good.id, snapshotId: part.snapshotId });
  });
});
