import { RdsAdapter } from '../../../lib/aws/rds';
import { seedDatabase } from '../../../local/seed';
import { motoClients, uniqueName } from '../../support/moto';

describe('RDS adapter (moto)', () => {
  const clients = motoClients();
  const primary = new RdsAdapter(clients.rds('us-east-1'), 'us-east-1');
  const dr = new RdsAdapter(clients.rds('us-west-2'), 'us-west-2');

  const database = () => seedDatabase(clients, 'us-east-1', uniqueName('db'));

  it('describes a database with its tags, and answers undefined for one that does not exist', async () => {
    const id = await database();

    expect(await primary.describeDatabase('rds-instance', id)).toMatchObject({ id, tags: { Name: id } });
    expect(await primary.describeDatabase('rds-instance', 'no-such-db')).toBeUndefined();
  });

  it('snapshots tagged, finds the snapshot, and returns it again for the same identifier', async () => {
    const id = await database();
    const identifier = `lifeboat-${id}`;
    const tags = { 'lifeboat:managed': 'true', 'lifeboat:site': 'blog' };

    const first = await primary.createSnapshot('rds-instance', id, identifier, tags);
    const again = await primary.createSnapshot('rds-instance', id, identifier, tags);
    const found = await primary.findSnapshot('rds-instance', identifier);

    expect(first).toMatchObject({ identifier, sourceId: id, state: 'completed' });
    expect(again.arn).toBe(first.arn);
    expect(found?.tags).toMatchObject(tags);
    expect((await primary.listSnapshots('lifeboat-')).map((s) => s.identifier)).toContain(identifier);
  });

  it('copies a snapshot into the DR region under the same identifier, then deletes both', async () => {
    const id = await database();
    const identifier = `lifeboat-${id}`;
    const source = await primary.createSnapshot('rds-instance', id, identifier, {
      'lifeboat:managed': 'true',
    });

    const copy = await dr.copySnapshotFrom({
      kind: 'rds-instance',
      sourceRegion: 'us-east-1',
      sourceArn: source.arn,
      targetIdentifier: identifier,
      tags: { 'lifeboat:managed': 'true', 'lifeboat:source-snapshot': identifier },
    });
    await dr.deleteSnapshot('rds-instance', identifier);
    await primary.deleteSnapshot('rds-instance', identifier);

    expect(copy).toMatchObject({ identifier, state: 'completed' });
    expect(await dr.findSnapshot('rds-instance', identifier)).toBeUndefined();
    expect(await primary.findSnapshot('rds-instance', identifier)).toBeUndefined();
  });
});
