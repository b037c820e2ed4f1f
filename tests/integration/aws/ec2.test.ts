import { Ec2Adapter } from '../../../lib/aws/ec2';
import { seedVolume } from '../../../local/seed';
import { motoClients, uniqueName } from '../../support/moto';

describe('EC2 adapter (moto)', () => {
  const clients = motoClients();
  const ec2 = new Ec2Adapter(clients.ec2('us-east-1'), 'us-east-1');

  const volume = (tags: Record<string, string>) => seedVolume(clients, 'us-east-1', tags);

  it('finds a site volume by tag, snapshots it tagged, and finds the snapshot by tag', async () => {
    const site = uniqueName('site');
    const volumeId = await volume({ 'lifeboat:site': site, Name: 'wp-content' });
    await volume({ 'lifeboat:site': 'someone-else' });

    const found = await ec2.findVolumes({ tags: { 'lifeboat:site': site } });
    expect(found.map((v) => v.volumeId)).toEqual([volumeId]);

    const snapshot = await ec2.createSnapshot(volumeId, 'lifeboat test', {
      'lifeboat:site': site,
      'lifeboat:managed': 'true',
    });
    const byTag = await ec2.findSnapshots({ tags: { 'lifeboat:site': site, 'lifeboat:managed': 'true' } });

    expect(snapshot.snapshotId).toMatch(/^snap-/);
    expect(byTag).toEqual([
      expect.objectContaining({ snapshotId: snapshot.snapshotId, volumeId, state: 'completed' }),
    ]);
    expect(byTag[0]?.tags).toMatchObject({ 'lifeboat:site': site, 'lifeboat:managed': 'true' });
  });

  it('copies a snapshot into the DR region, tagged', async () => {
    const site = uniqueName('site');
    const volumeId = await volume({ 'lifeboat:site': site });
    const source = await ec2.createSnapshot(volumeId, 'lifeboat test', { 'lifeboat:site': site });
    const dr = new Ec2Adapter(clients.ec2('us-west-2'), 'us-west-2');

    const copyId = await dr.copySnapshotFrom({
      sourceRegion: 'us-east-1',
      sourceSnapshotId: source.snapshotId,
      description: 'copy',
      tags: { 'lifeboat:site': site, 'lifeboat:source-snapshot': source.snapshotId },
    });

    const copies = await dr.findSnapshots({ tags: { 'lifeboat:source-snapshot': source.snapshotId } });
    expect(copies.map((c) => c.snapshotId)).toEqual([copyId]);
  });

  it('describes many snapshots in one call, leaving out an id that does not exist', async () => {
    const site = uniqueName('site');
    const volumeId = await volume({ 'lifeboat:site': site });
    const a = await ec2.createSnapshot(volumeId, 'a', { 'lifeboat:site': site });
    const b = await ec2.createSnapshot(volumeId, 'b', { 'lifeboat:site': site });

    const found = await ec2.describeSnapshots([
      a.snapshotId,
      'snap-0000000000000000f',
      b.snapshotId,
      a.snapshotId,
    ]);

    expect(found.map((s) => s.snapshotId).sort()).toEqual([a.snapshotId, b.snapshotId].sort());
    expect(found[0]).toMatchObject({ volumeId, state: 'completed', tags: { 'lifeboat:site': site } });
    expect(found[0]?.ownerId).toMatch(/^\d{12}$/);
  });

  it('translates an AWS error into AwsCallError with the code', async () => {
    await expect(ec2.createSnapshot('vol-0000000000000000f', 'x', {})).rejects.toMatchObject({
      name: 'AwsCallError',
      context: expect.objectContaining({ code: 'InvalidVolume.NotFound' }),
    });
  });

  it('deletes idempotently: a snapshot that is already gone is done (a retried retention run)', async () => {
    await expect(ec2.deleteSnapshot('snap-0000000000000000f')).resolves.toBeUndefined();
  });
});
