import { DescribeSnapshotsCommand } from '@aws-sdk/client-ec2';
import { TAG } from '../../../lib/tags/vocabulary';
import { motoClients, uniqueName } from '../../support/moto';
import {
  begin,
  describeSnapshot,
  type Json,
  nightlyBackup,
  recoveryInput,
  restoreEnv,
  type Stage,
  type TrustWorld,
  tamperBackup,
  taskCount,
  trustWorld,
} from './support';

/**
 * Case 5, "two stages in one account destroy each other's backups": two deployments (blue and
 * green, each its own catalog bucket) protect the same site in one account on the same schedule,
 * so their backups get the same id. Neither may adopt, copy or launch the other's snapshots, and
 * everything each makes says which stage made it.
 */
describe('case 5: two stages in one account keep to their own snapshots (moto, real handlers)', () => {
  let world: TrustWorld;
  let blue: Stage;
  let green: Stage;
  let blueBackup: Json;
  let greenBackup: Json;

  const snapshotsOf = (backup: Json) =>
    (backup.status.parts as Json[]).flatMap((p) => [p.snapshotId, p.copy?.snapshotId]).filter(Boolean);

  beforeAll(async () => {
    world = await trustWorld();
    blue = await world.stage('blue');
    green = await world.stage('green', uniqueName('green-catalog'));
    blueBackup = await nightlyBackup(blue, 'blog', '2026-11-22T02:00:00Z');
    greenBackup = await nightlyBackup(green, 'blog', '2026-11-22T02:00:00Z');
  });

  afterAll(() => restoreEnv());

  it('case 5: the two stages name the same backup id', () => {
    expect(greenBackup.id).toBe(blueBackup.id);
  });

  it("case 5: green adopts none of blue's snapshots or copies", () => {
    const blues = snapshotsOf(blueBackup);

    expect(blues.length).toBeGreaterThan(0);
    expect(snapshotsOf(greenBackup).filter((id) => blues.includes(id))).toEqual([]);
  });

  it('case 5: every EBS snapshot and copy carries the stage that made it', async () => {
    for (const [stage, backup] of [
      ['blue', blueBackup],
      ['green', greenBackup],
    ] as const) {
      for (const part of (backup.status.parts as Json[]).filter((p) => p.kind === 'ebs-volume')) {
        expect((await describeSnapshot(part.snapshotId))?.tags[TAG.stage]).toBe(stage);
        expect((await describeSnapshot(part.copy.snapshotId, 'us-west-2'))?.tags[TAG.stage]).toBe(stage);
      }
    }
  });

  it("case 5: green's DB part refuses blue's DB snapshot of the same name instead of adopting it", () => {
    const db = (greenBackup.status.parts as Json[]).find((p) => p.kind !== 'ebs-volume');

    expect(db?.state).toBe('failed');
    expect(db?.error).toMatch(/stage/);
  });

  it("case 5: blue's snapshots survive green's whole backup", async () => {
    const ebs = (blueBackup.status.parts as Json[]).find((p) => p.kind === 'ebs-volume');
    const out = await motoClients()
      .ec2('us-east-1')
      .send(new DescribeSnapshotsCommand({ SnapshotIds: [ebs?.snapshotId] }));

    expect(out.Snapshots).toHaveLength(1);
  });

  it("case 5: green does not launch from blue's snapshot named in its record", async () => {
    const blueSnapshot = (blueBackup.status.parts as Json[]).find((p) => p.kind === 'ebs-volume')?.snapshotId;
    await tamperBackup(green, 'blog', greenBackup.id, (record) => {
      for (const p of record.status.parts as Json[]) if (p.kind === 'ebs-volume') p.snapshotId = blueSnapshot;
    });
    const run = await begin(green, recoveryInput('20261122t093900z-3cd8188e', new Date().toISOString()));
    const before = await taskCount(world.site);

    const launch = green.invoke('recovery-launch-task', {
      run,
      role: 'replacement',
      candidate: {
        backupId: greenBackup.id,
        snapshotId: blueSnapshot,
        takenAt: greenBackup.status.createdAt,
        drilled: false,
      },
    });

    await expect(launch).rejects.toMatchObject({
      name: 'SnapshotMismatchError',
      message: expect.stringMatching(/blue/),
    });
    expect(await taskCount(world.site)).toBe(before);
  });
});
