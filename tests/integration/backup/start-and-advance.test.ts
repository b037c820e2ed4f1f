import { DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { Ec2Adapter } from '../../../lib/aws/ec2';
import { advanceBackup } from '../../../lib/backup/advance-backup';
import { startBackup } from '../../../lib/backup/start-backup';
import { FakeClock } from '../../support/fake-clock';
import { motoClients } from '../../support/moto';
import { makeMotoSite } from './support';

describe('start and advance a backup (moto)', () => {
  const clients = motoClients();
  const at = new Date('2026-11-22T02:00:00Z');

  it('snapshots the volume and the database, tagged, and copies both to the DR region', async () => {
    const { site, ports, volumeId, dbId } = await makeMotoSite(clients);
    const clock = new FakeClock(at);

    const started = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    const copying = await advanceBackup(ports, clock, site, started.id);
    const done = await advanceBackup(ports, clock, site, started.id);

    expect(started.id).toBe('20261122t020000z-scheduled');
    expect(started.status.phase).toBe('Copying');
    expect(copying.status.parts.map((p) => p.copy.state)).toEqual(['pending', 'completed']); // moto's RDS copy is available at once
    expect(done.status.phase).toBe('Completed');
    expect(done.status.parts.map((p) => [p.kind, p.sourceId, p.state, p.copy.state])).toEqual([
      ['ebs-volume', volumeId, 'completed', 'completed'],
      ['rds-instance', dbId, 'completed', 'completed'],
    ]);
    const primary = await new Ec2Adapter(clients.ec2('us-east-1'), 'us-east-1').findSnapshots({
      tags: { 'lifeboat:site': site.name },
    });
    expect(primary).toEqual([expect.objectContaining({ volumeId, state: 'completed' })]);
    expect(primary[0]?.tags).toMatchObject({
      'lifeboat:site': site.name,
      'lifeboat:backup-id': started.id,
      'lifeboat:managed': 'true',
      Name: `${site.name}-wp-content`,
    });
    const dr = await new Ec2Adapter(clients.ec2('us-west-2'), 'us-west-2').findSnapshots({
      tags: { 'lifeboat:site': site.name },
    });
    expect(dr.map((s) => s.tags['lifeboat:source-snapshot'])).toEqual([primary[0]?.snapshotId]);
    const identifier = `lifeboat-${site.name}-${started.id}`;
    for (const region of ['us-east-1', 'us-west-2']) {
      const out = await clients
        .rds(region)
        .send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier }));
      expect(out.DBSnapshots?.map((s) => s.Status)).toEqual(['available']);
    }
  });

  it('makes one backup and one snapshot per volume when the same schedule event comes twice', async () => {
    const { site, ports } = await makeMotoSite(clients);
    const clock = new FakeClock(at);

    const [a, b] = await Promise.all([
      startBackup(ports, clock, { site, kind: 'scheduled', at }),
      startBackup(ports, clock, { site, kind: 'scheduled', at }),
    ]);
    await startBackup(ports, clock, { site, kind: 'scheduled', at });

    expect(a.id).toBe(b.id);
    const snapshots = await new Ec2Adapter(clients.ec2('us-east-1'), 'us-east-1').findSnapshots({
      tags: { 'lifeboat:site': site.name },
    });
    expect(snapshots).toHaveLength(1);
  });
});
