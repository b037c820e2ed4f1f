import { advanceBackup } from '../../../lib/backup/advance-backup';
import { startBackup } from '../../../lib/backup/start-backup';
import { catalogKeys } from '../../../lib/catalog/keys';
import { applyRetention } from '../../../lib/retention/apply-retention';
import { buildRecovery, buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { stagedPorts } from '../../support/staged-ports';
import { FakeWorld } from '../backup/fake-ports';
import { fakeRetentionPorts, TRUST } from './fake-retention-ports';

/** Three completed nightly backups of a volume and a database, in both regions. */
async function history() {
  const world = new FakeWorld();
  const clock = new FakeClock('2026-11-20T02:00:00Z');
  world.ebs('us-east-1').addVolume('vol-00000001', { 'lifeboat:site': 'blog' });
  world.rds('us-east-1').addDatabase('blog-db');
  const site = buildSite({ retention: { daily: 1, weekly: 0, monthly: 0 } });
  const pipeline = stagedPorts(world.ports(), TRUST.stage);
  for (const day of ['20', '21', '22']) {
    const at = new Date(`2026-11-${day}T02:00:00Z`);
    clock.set(at);
    const b = await startBackup(pipeline, clock, { site, kind: 'scheduled', at });
    for (const r of ['us-east-1', 'us-west-2']) {
      world.ebs(r).complete();
      world.rds(r).complete();
    }
    await advanceBackup(pipeline, clock, site, b.id);
    for (const r of ['us-east-1', 'us-west-2']) {
      world.ebs(r).complete();
      world.rds(r).complete();
    }
    const done = await advanceBackup(pipeline, clock, site, b.id);
    if (done.status.phase !== 'Completed') throw new Error(`setup: ${done.id} is ${done.status.phase}`);
  }
  clock.set('2026-11-22T12:00:00Z');
  return { world, clock, site, ports: fakeRetentionPorts(world) };
}

const count = (world: FakeWorld) =>
  ['us-east-1', 'us-west-2'].map((r) => world.ebs(r).snapshots.size + world.rds(r).snapshots.size);

describe('applyRetention', () => {
  it('in a dry run lists what would go, and why, and deletes nothing', async () => {
    const { world, clock, site, ports } = await history();

    const report = await applyRetention(ports, clock, site, { dryRun: true, trust: TRUST });

    expect(report.items.map((i) => [i.backupId, i.action])).toEqual([
      ['20261122t020000z-scheduled', 'keep'],
      ['20261121t020000z-scheduled', 'delete'],
      ['20261120t020000z-scheduled', 'delete'],
    ]);
    expect(report.items[1]?.reasons).toEqual(['outside the policy (daily 1, weekly 0, monthly 0)']);
    expect(report.items[1]?.snapshots?.map((s) => `${s.service}:${s.region}`)).toEqual([
      'ebs:us-east-1',
      'rds:us-east-1',
      'ebs:us-west-2',
      'rds:us-west-2',
    ]);
    expect(report.deleted).toBe(0);
    expect(count(world)).toEqual([6, 6]);
    expect(world.ebs('us-east-1').calls).not.toContain('deleteSnapshot');
  });

  it('deletes expired backups in both regions, snapshots first, then the record', async () => {
    const { world, clock, site, ports } = await history();

    const report = await applyRetention(ports, clock, site, { dryRun: false, trust: TRUST });

    expect(report.deleted).toBe(2);
    expect(count(world)).toEqual([2, 2]);
    const left = [];
    for await (const b of ports.catalog.allBackups('blog')) left.push(b.id);
    expect(left).toEqual(['20261122t020000z-scheduled']);
  });

  it('begins no deletion once its stop time has passed: the rest is deferred, deleting nothing of it', async () => {
    const { world, clock, site, ports } = await history();
    // Each snapshot deletion takes a simulated second; the stop falls during the first backup's.
    const slow = {
      ...ports,
      ebs: (region: string) => ({
        ...ports.ebs(region),
        deleteSnapshot: async (id: string) => {
          clock.advance(1_000);
          await ports.ebs(region).deleteSnapshot(id);
        },
      }),
    };
    const stopBy = new Date(clock.now().getTime() + 500);

    const report = await applyRetention(slow, clock, site, { dryRun: false, trust: TRUST, stopBy });

    expect(report.items.map((i) => [i.backupId, i.outcome])).toEqual([
      ['20261122t020000z-scheduled', undefined],
      ['20261121t020000z-scheduled', 'deleted'],
      ['20261120t020000z-scheduled', 'deferred'],
    ]);
    expect([report.deleted, report.deferred, report.failed]).toEqual([1, 1, 0]);
    // The deferred backup keeps every snapshot and its record, for the continuation.
    expect(count(world)).toEqual([4, 4]);
    const left = [];
    for await (const b of ports.catalog.allBackups('blog')) left.push(b.id);
    expect(left).toEqual(['20261122t020000z-scheduled', '20261120t020000z-scheduled']);
    // Retired databases wait for the continuation, which plans the site again.
    expect(report.retiredDatabases).toBeUndefined();

    const rest = await applyRetention(ports, clock, site, {
      dryRun: false,
      trust: TRUST,
      stopBy: clock.now(),
    });
    expect(rest.deferred).toBe(1);
    const last = await applyRetention(ports, clock, site, { dryRun: false, trust: TRUST });
    expect([last.deleted, last.deferred]).toEqual([1, 0]);
    expect(count(world)).toEqual([2, 2]);
  });

  it('never defers a dry run, which deletes nothing and so cannot run out of time for it', async () => {
    const { clock, site, ports } = await history();

    const report = await applyRetention(ports, clock, site, {
      dryRun: true,
      trust: TRUST,
      stopBy: new Date(clock.now().getTime() - 1),
    });

    expect(report.items.map((i) => i.outcome)).toEqual([undefined, 'would-delete', 'would-delete']);
    expect(report.deferred).toBe(0);
  });

  it('leaves a snapshot without lifeboat:managed=true alone and keeps its record', async () => {
    const { world, clock, site, ports } = await history();
    const identifier = 'lifeboat-blog-20261120t020000z-scheduled';
    const snapshot = world.rds('us-west-2').snapshots.get(identifier);
    if (snapshot !== undefined) snapshot.tags = {};

    const report = await applyRetention(ports, clock, site, { dryRun: false, trust: TRUST });

    const item = report.items.find((i) => i.backupId === '20261120t020000z-scheduled');
    expect(item?.error).toBe(
      `refusing to delete DB snapshot ${identifier} in us-west-2: lifeboat:managed is missing, expected "true"; ` +
        'lifeboat:stage is missing, expected "dev"; lifeboat:site is missing, expected "blog"; ' +
        'lifeboat:backup-id is missing, expected "20261120t020000z-scheduled"',
    );
    expect(world.rds('us-west-2').snapshots.has(identifier)).toBe(true);
    expect(await ports.catalog.getBackup('blog', '20261120t020000z-scheduled')).toBeDefined();
    expect(report).toMatchObject({ deleted: 1, failed: 1 });
  });

  it('never deletes an unreadable backup record, reports it and counts it', async () => {
    const { world, clock, site, ports } = await history();
    const key = catalogKeys.backup('blog', '20261120t020000z-scheduled');
    const stored = world.store.objects.get(key);
    if (stored === undefined) throw new Error('setup: no record');
    world.store.objects.set(key, { ...stored, body: stored.body.replace('"Completed"', '"Finished"') });
    const counted: [string, number][] = [];
    const telemetry = {
      refused: () => undefined,
      deleted: () => undefined,
      unreadableRecords: (s: string, n: number) => {
        counted.push([s, n]);
      },
    };

    const report = await applyRetention({ ...ports, telemetry }, clock, site, {
      dryRun: false,
      trust: TRUST,
    });

    expect(report.items.map((i) => [i.backupId, i.action])).toEqual([
      ['20261122t020000z-scheduled', 'keep'],
      ['20261121t020000z-scheduled', 'delete'],
    ]);
    expect(report.unreadable).toEqual([{ key, reason: expect.stringContaining('status.phase') }]);
    expect(report.deleted).toBe(1);
    expect(world.store.objects.get(key)?.body).toContain('"Finished"');
    expect(world.ebs('us-east-1').snapshots.size + world.rds('us-east-1').snapshots.size).toBe(4);
    expect(counted).toEqual([['blog', 1]]);
  });

  it('deletes nothing while a recovery record is unreadable: the backups it uses are unknown', async () => {
    const { world, clock, site, ports } = await history();
    const recovery = buildRecovery({ id: '20261121t093900z-1a2b3c4d' });
    const key = catalogKeys.recovery('blog', recovery.id);
    world.store.objects.set(key, { body: JSON.stringify({ ...recovery, status: {} }), etag: '"x"' });

    const report = await applyRetention(ports, clock, site, { dryRun: false, trust: TRUST });

    expect(report.items.every((i) => i.action === 'keep')).toBe(true);
    expect(report.items[1]?.reasons).toEqual([expect.stringContaining(key)]);
    expect(report.unreadable).toEqual([{ key, reason: expect.any(String) }]);
    expect(report.deleted).toBe(0);
    expect(count(world)).toEqual([6, 6]);
  });
});
