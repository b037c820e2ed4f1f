import { advanceBackup } from '../../../lib/backup/advance-backup';
import type { BackupPorts } from '../../../lib/backup/ports';
import { startBackup } from '../../../lib/backup/start-backup';
import { applyRetention } from '../../../lib/retention/apply-retention';
import { buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { stagedPorts } from '../../support/staged-ports';
import { FakeWorld } from '../backup/fake-ports';
import { fakeRetentionPorts, TRUST } from './fake-retention-ports';

const REGIONS = ['us-east-1', 'us-west-2'];
const LOCK = { mode: 'compliance' as const, days: 30 };

/** Three completed nightly backups of a site that locks its DR copies; `lockAtCompletion: false` leaves the lock port out. */
async function history(options: { lockAtCompletion?: boolean; failLocks?: boolean } = {}) {
  const world = new FakeWorld();
  const retention = fakeRetentionPorts(world);
  const clock = new FakeClock('2026-11-20T02:00:00Z');
  world.ebs('us-east-1').addVolume('vol-00000001', { 'lifeboat:site': 'blog' });
  world.rds('us-east-1').addDatabase('blog-db');
  const site = buildSite({
    retention: { daily: 1, weekly: 0, monthly: 0 },
    protection: { snapshotLock: LOCK },
  });
  const dr = retention.fakeLocks('us-west-2');
  if (options.failLocks === true)
    dr.lockSnapshot = async () => {
      throw new Error('LockSnapshot: AccessDenied');
    };
  const pipeline: BackupPorts = {
    ...stagedPorts(world.ports(), TRUST.stage),
    ...(options.lockAtCompletion === false ? {} : { locks: retention.locks }),
  };
  const ids: string[] = [];
  for (const day of ['20', '21', '22']) {
    const at = new Date(`2026-11-${day}T02:00:00Z`);
    clock.set(at);
    const b = await startBackup(pipeline, clock, { site, kind: 'scheduled', at });
    for (let step = 0; step < 2; step += 1) {
      for (const r of REGIONS) {
        world.ebs(r).complete();
        world.rds(r).complete();
      }
      await advanceBackup(pipeline, clock, site, b.id);
    }
    const done = await world.catalog.getBackup('blog', b.id);
    if (done?.status.phase !== 'Completed') throw new Error(`setup: ${b.id} is ${done?.status.phase}`);
    ids.push(b.id);
  }
  clock.set('2026-11-22T12:00:00Z');
  return { world, retention, clock, site, ids, dr };
}

const count = (world: FakeWorld) =>
  REGIONS.map((r) => world.ebs(r).snapshots.size + world.rds(r).snapshots.size);

describe('Snapshot Lock on DR copies', () => {
  it('locks each EBS DR copy once it is observed completed, in the mode and for the days the site asks', async () => {
    const { world, retention, dr } = await history();

    expect(dr.calls.map((c) => c.lock)).toEqual([LOCK, LOCK, LOCK]);
    expect(dr.calls.map((c) => c.snapshotId).sort()).toEqual(
      [...world.ebs('us-west-2').snapshots.keys()].sort(),
    );
    expect(retention.fakeLocks('us-east-1').calls).toEqual([]);
  });

  it('does not fail a backup when the lock call fails (retention locks it later)', async () => {
    const { ids } = await history({ failLocks: true });

    expect(ids).toHaveLength(3);
  });
});

describe('retention and locked snapshots', () => {
  it('waits for a locked backup: nothing of it is deleted, and the report says until when', async () => {
    const { world, retention, clock, site, ids } = await history();

    const report = await applyRetention(retention, clock, site, { dryRun: false, trust: TRUST });

    expect(report).toMatchObject({ deleted: 0, waiting: 2, failed: 0, refused: 0 });
    expect(count(world)).toEqual([6, 6]);
    const item = report.items.find((i) => i.backupId === ids[0]);
    expect(item).toMatchObject({
      action: 'delete',
      outcome: 'waiting',
      waitingUntil: '2026-12-22T12:00:00.000Z',
    });
    expect(await world.catalog.getBackup('blog', ids[0] ?? '')).toBeDefined();
  });

  it('deletes a backup once its locks have expired', async () => {
    const { world, retention, clock, site, dr } = await history();
    for (const lock of dr.locks.values()) lock.state = 'expired';

    const report = await applyRetention(retention, clock, site, { dryRun: false, trust: TRUST });

    expect(report).toMatchObject({ deleted: 2, waiting: 0 });
    expect(count(world)).toEqual([2, 2]);
  });

  it('locks the DR copies of the backups it keeps that are still unlocked, and only in a real run', async () => {
    const { retention, clock, site, ids, dr } = await history({ lockAtCompletion: false });

    const dry = await applyRetention(retention, clock, site, { dryRun: true, trust: TRUST });
    expect(dry.locked).toBe(0);
    expect(dr.calls).toEqual([]);

    const real = await applyRetention(retention, clock, site, { dryRun: false, trust: TRUST });

    expect(real).toMatchObject({ deleted: 2, locked: 1 });
    const kept = await retention.catalog.getBackup('blog', ids[2] ?? '');
    expect(dr.calls).toEqual([{ snapshotId: kept?.status.parts[0]?.copy.snapshotId, lock: LOCK }]);
  });
});
