import { DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { Ec2Adapter } from '../../../lib/aws/ec2';
import { advanceBackup } from '../../../lib/backup/advance-backup';
import { startBackup } from '../../../lib/backup/start-backup';
import { applyRetention } from '../../../lib/retention/apply-retention';
import { retentionPorts } from '../../../lib/retention/wiring';
import { FakeClock } from '../../support/fake-clock';
import { motoClients } from '../../support/moto';
import { stagedPorts } from '../../support/staged-ports';
import { makeMotoSite } from '../backup/support';
import { MOTO_ACCOUNT } from './support';

describe('retention on moto, in both regions', () => {
  const clients = motoClients();

  it('deletes the expired backups snapshots in both regions and their records, after a dry run that deletes nothing', async () => {
    const moto = await makeMotoSite(clients, { site: { retention: { daily: 1, weekly: 0, monthly: 0 } } });
    const clock = new FakeClock('2026-11-20T02:00:00Z');
    const pipeline = stagedPorts(moto.ports, 'dev');
    const ports = retentionPorts(clients, moto.catalog);
    const trust = { accountId: MOTO_ACCOUNT, stage: 'dev' };
    for (const day of ['20', '21', '22']) {
      const at = new Date(`2026-11-${day}T02:00:00Z`);
      clock.set(at);
      const b = await startBackup(pipeline, clock, { site: moto.site, kind: 'scheduled', at });
      await advanceBackup(pipeline, clock, moto.site, b.id);
      expect((await advanceBackup(pipeline, clock, moto.site, b.id)).status.phase).toBe('Completed');
    }
    clock.set('2026-11-22T12:00:00Z');
    const snapshotsIn = async (region: string) => {
      const ebs = await new Ec2Adapter(clients.ec2(region), region).findSnapshots({
        tags: { 'lifeboat:site': moto.site.name },
      });
      const rds = await clients.rds(region).send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual' }));
      const ours = (rds.DBSnapshots ?? []).filter((s) => s.DBSnapshotIdentifier?.includes(moto.site.name));
      return ebs.length + ours.length;
    };

    const dryRun = await applyRetention(ports, clock, moto.site, { dryRun: true, trust });
    const countsAfterDryRun = [await snapshotsIn('us-east-1'), await snapshotsIn('us-west-2')];
    const real = await applyRetention(ports, clock, moto.site, { dryRun: false, trust });

    expect(dryRun.items.filter((i) => i.action === 'delete').map((i) => i.snapshots?.length)).toEqual([4, 4]);
    expect(countsAfterDryRun).toEqual([6, 6]);
    expect(real).toMatchObject({ deleted: 2, failed: 0 });
    expect([await snapshotsIn('us-east-1'), await snapshotsIn('us-west-2')]).toEqual([2, 2]);
    const left = [];
    for await (const b of moto.catalog.allBackups(moto.site.name)) left.push(b.id);
    expect(left).toEqual(['20261122t020000z-scheduled']);
  });
});
