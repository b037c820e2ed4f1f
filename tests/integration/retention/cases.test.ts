import { DeleteSnapshotCommand, DescribeSnapshotsCommand } from '@aws-sdk/client-ec2';
import {
  DeleteDBSnapshotCommand,
  DescribeDBSnapshotsCommand,
  RemoveTagsFromResourceCommand,
} from '@aws-sdk/client-rds';
import type { Backup } from '../../../lib/backup/model';
import { motoClients } from '../../support/moto';
import { completedBackup, makeStage, recordIds, retain, type StageWorld } from './support';

const clients = motoClients();

/** Each snapshot and copy the record names, as `region:id`, with whether it still exists in moto. */
async function snapshotsOf(world: StageWorld, backup: Backup): Promise<Record<string, boolean>> {
  const out: Record<string, boolean> = {};
  for (const part of backup.status.parts) {
    const where = [
      [backup.spec.primaryRegion, part.snapshotId],
      [part.copy.region, part.copy.snapshotId],
    ] as const;
    for (const [region, id] of where) {
      if (id === undefined) continue;
      out[`${region}:${id}`] =
        part.kind === 'ebs-volume' ? await ebsExists(world, region, id) : await dbExists(world, region, id);
    }
  }
  return out;
}

async function ebsExists(world: StageWorld, region: string, id: string): Promise<boolean> {
  try {
    const out = await world.clients.ec2(region).send(new DescribeSnapshotsCommand({ SnapshotIds: [id] }));
    return (out.Snapshots ?? []).length > 0;
  } catch {
    return false;
  }
}

async function dbExists(world: StageWorld, region: string, identifier: string): Promise<boolean> {
  try {
    const out = await world.clients
      .rds(region)
      .send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier }));
    return (out.DBSnapshots ?? []).length > 0;
  } catch {
    return false;
  }
}

const allExist = (found: Record<string, boolean>) => Object.values(found).every((v) => v);
const noneExist = (found: Record<string, boolean>) => Object.values(found).every((v) => !v);

/** Deletes every snapshot and copy of a backup by hand (as an operator, or a loss, would). */
async function deleteByHand(world: StageWorld, backup: Backup): Promise<void> {
  for (const part of backup.status.parts) {
    for (const [region, id] of [
      [backup.spec.primaryRegion, part.snapshotId],
      [part.copy.region, part.copy.snapshotId],
    ] as const) {
      if (id === undefined) continue;
      if (part.kind === 'ebs-volume')
        await world.clients.ec2(region).send(new DeleteSnapshotCommand({ SnapshotId: id }));
      else await world.clients.rds(region).send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: id }));
    }
  }
}

function dbPart(backup: Backup) {
  const part = backup.status.parts.find((p) => p.kind === 'rds-instance');
  if (part?.snapshotId === undefined) throw new Error(`setup: ${backup.id} has no DB snapshot`);
  return { ...part, snapshotId: part.snapshotId };
}

async function history(world: StageWorld): Promise<Backup[]> {
  const out: Backup[] = [];
  for (const day of ['20', '21', '22']) out.push(await completedBackup(world, `2026-11-${day}T02:00:00Z`));
  return out;
}

describe('retention cases of the issue "AWS is the truth, the catalog is the index" (moto)', () => {
  it("case 2: retention keeps the newest verified-restorable backup when the newest record's snapshots are gone", async () => {
    const world = await makeStage(clients);
    const [oldest, good, newest] = (await history(world)) as [Backup, Backup, Backup];
    await deleteByHand(world, newest);

    const report = await retain(world);

    expect(allExist(await snapshotsOf(world, good))).toBe(true);
    expect(await recordIds(world)).toEqual([newest.id, good.id]);
    expect(report.items.find((i) => i.backupId === good.id)).toMatchObject({
      action: 'keep',
      reasons: expect.arrayContaining([
        'newest verified-restorable backup in us-east-1',
        'newest verified-restorable backup in us-west-2',
      ]),
    });
    expect(noneExist(await snapshotsOf(world, oldest))).toBe(true);
  });

  it('case 2: a record dated in the future (clock skew) is kept as an anomaly and the real newest backup stays', async () => {
    const world = await makeStage(clients);
    const [, , newest] = (await history(world)) as [Backup, Backup, Backup];
    const future = await completedBackup(world, '2026-12-05T02:00:00Z');

    const report = await retain(world);

    expect(allExist(await snapshotsOf(world, newest))).toBe(true);
    expect(allExist(await snapshotsOf(world, future))).toBe(true);
    expect(await recordIds(world)).toEqual([future.id, newest.id]);
    expect(report.anomalies).toEqual([
      expect.objectContaining({ backupId: future.id, anomaly: expect.stringMatching(/in the future/) }),
    ]);
  });

  it('case 3: RDS retention refuses a DB snapshot that a tampered record names, of the newest backup', async () => {
    const world = await makeStage(clients);
    const [oldest, , newest] = (await history(world)) as [Backup, Backup, Backup];
    const target = dbPart(newest).snapshotId;
    await world.catalog.updateBackup(world.site.name, oldest.id, (b) => {
      for (const p of b.status.parts) if (p.kind === 'rds-instance') p.snapshotId = target;
      return b;
    });

    const report = await retain(world);

    expect(allExist(await snapshotsOf(world, newest))).toBe(true);
    const item = report.items.find((i) => i.backupId === oldest.id);
    expect(item).toMatchObject({ action: 'delete', outcome: 'refused' });
    expect(item?.refusals?.join('\n')).toMatch(
      new RegExp(`${target} in us-east-1: lifeboat:backup-id is "${newest.id}", expected "${oldest.id}"`),
    );
    expect(await recordIds(world)).toContain(oldest.id);
    expect(allExist(await snapshotsOf(world, oldest))).toBe(true);
    expect(report.refused).toBe(1);
  });

  it("case 3: RDS retention refuses a DB snapshot that a tampered record names, of another site's backup", async () => {
    const other = await makeStage(clients);
    const [theirs] = (await history(other)) as [Backup];
    const world = await makeStage(clients);
    const [oldest] = (await history(world)) as [Backup];
    const target = dbPart(theirs).snapshotId;
    await world.catalog.updateBackup(world.site.name, oldest.id, (b) => {
      for (const p of b.status.parts) if (p.kind === 'rds-instance') p.snapshotId = target;
      return b;
    });

    const report = await retain(world);

    expect(allExist(await snapshotsOf(other, theirs))).toBe(true);
    expect(report.items.find((i) => i.backupId === oldest.id)?.refusals?.join('\n')).toMatch(
      new RegExp(
        `${target} in us-east-1: lifeboat:site is "${other.site.name}", expected "${world.site.name}"`,
      ),
    );
  });

  it("case 5: two stages in one account never delete each other's backups", async () => {
    const dev = await makeStage(clients, { stage: 'dev', database: false });
    const prod = await makeStage(clients, {
      stage: 'prod',
      database: false,
      name: dev.site.name,
      seed: false,
    });
    await history(dev);
    const prodBackups = await history(prod);

    const report = await retain(dev);

    expect(report.deleted).toBe(2);
    for (const b of prodBackups) expect(allExist(await snapshotsOf(prod, b))).toBe(true);
    expect(await recordIds(prod)).toHaveLength(3);
  });

  it('case 7: retention checks every resource of a backup before deleting any of them', async () => {
    const world = await makeStage(clients);
    const [oldest, middle] = (await history(world)) as [Backup, Backup, Backup];
    const db = await world.clients
      .rds('us-east-1')
      .send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: dbPart(oldest).snapshotId }));
    await world.clients.rds('us-east-1').send(
      new RemoveTagsFromResourceCommand({
        ResourceName: db.DBSnapshots?.[0]?.DBSnapshotArn,
        TagKeys: ['lifeboat:managed'],
      }),
    );

    const report = await retain(world);

    expect(allExist(await snapshotsOf(world, oldest))).toBe(true);
    expect(await recordIds(world)).toContain(oldest.id);
    expect(report.items.find((i) => i.backupId === oldest.id)?.refusals?.join('\n')).toMatch(
      /lifeboat:managed is missing, expected "true"/,
    );
    expect(noneExist(await snapshotsOf(world, middle))).toBe(true);
  });
});
