import { advanceBackup } from '../../../lib/backup/advance-backup';
import { startBackup } from '../../../lib/backup/start-backup';
import { buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { FakeWorld } from './fake-ports';

describe('API calls a backup costs', () => {
  it('takes a handful of EC2/RDS calls per resource over a backup life, events or not', async () => {
    const world = new FakeWorld();
    const clock = new FakeClock('2026-11-22T02:00:00Z');
    for (let i = 1; i <= 4; i++)
      world.ebs('us-east-1').addVolume(`vol-0000000${i}`, { 'lifeboat:site': 'blog' });
    world.rds('us-east-1').addDatabase('blog-db');
    const site = buildSite();
    const ports = world.ports();

    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at: clock.now() });
    for (let round = 0; round < 5; round++) {
      for (const r of ['us-east-1', 'us-west-2']) {
        world.ebs(r).complete();
        world.rds(r).complete();
      }
      await advanceBackup(ports, clock, site, backup.id);
    }
    const done = await advanceBackup(ports, clock, site, backup.id);

    const calls = ['us-east-1', 'us-west-2'].flatMap((r) => [...world.ebs(r).calls, ...world.rds(r).calls]);
    expect(done.status.phase).toBe('Completed');
    // 5 resources: per resource one create and one copy, the check in AWS of the snapshot before its
    // copy (AWS is the truth), plus a few shared describes per call.
    expect(calls.filter((c) => c === 'createSnapshot')).toHaveLength(5);
    expect(calls.filter((c) => c === 'copySnapshotFrom')).toHaveLength(5);
    expect(calls.length / 5).toBeLessThanOrEqual(6);
  });
});
