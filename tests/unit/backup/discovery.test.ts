import { advanceBackup } from '../../../lib/backup/advance-backup';
import { inlineDispatch } from '../../../lib/backup/dispatch';
import { startBackup } from '../../../lib/backup/start-backup';
import { sweepBackups } from '../../../lib/backup/sweep-backups';
import type { Site } from '../../../lib/config/schema';
import { AwsCallError, ThrottledError } from '../../../lib/errors';
import { buildConfig, rawSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { FAKE_STAGE, FakeWorld } from './fake-ports';

const at = new Date('2026-11-22T02:00:00Z');
const PRIMARY = 'us-east-1';
const DR = 'us-west-2';

const describeThrottled = () =>
  new ThrottledError('EC2 DescribeVolumes throttled by AWS (RequestLimitExceeded)');

function setup(volumes = 2) {
  const world = new FakeWorld();
  const clock = new FakeClock(at);
  for (let i = 1; i <= volumes; i++)
    world.ebs(PRIMARY).addVolume(`vol-${String(i).padStart(8, '0')}`, { 'lifeboat:site': 'blog' });
  world.rds(PRIMARY).addDatabase('blog-db');
  const config = buildConfig(rawSite());
  const [site] = config.sites;
  if (site === undefined) throw new Error('no site');
  return { world, clock, config, site, ports: world.ports() };
}

function completeAll(world: FakeWorld): void {
  for (const region of [PRIMARY, DR]) {
    world.ebs(region).complete();
    world.rds(region).complete();
  }
}

describe('discovery of what a backup covers', () => {
  it('records the backup when DescribeVolumes is throttled, and the sweeper finds the volumes and completes it', async () => {
    const { world, clock, config, site, ports } = setup();
    world.ebs(PRIMARY).failNext('findVolumes', describeThrottled);

    const started = await startBackup(ports, clock, { site, kind: 'scheduled', at });

    expect(started.status).toMatchObject({ phase: 'Pending', discovered: false, parts: [] });
    expect(started.status.discoveryError).toMatch(/ThrottledError: EC2 DescribeVolumes throttled/);
    expect(await world.catalog.openBackupIds('blog')).toEqual([started.id]);
    expect(world.ebs(PRIMARY).snapshots.size).toBe(0);

    const dispatch = inlineDispatch(ports, clock, config);
    await sweepBackups(ports, clock, config.sites, dispatch);
    const discovered = await world.catalog.getBackup('blog', started.id);
    for (let round = 0; round < 3; round++) {
      completeAll(world);
      await sweepBackups(ports, clock, config.sites, dispatch);
    }

    expect(discovered?.status.discovered).toBe(true);
    expect(discovered?.status.discoveryError).toBeUndefined();
    expect(discovered?.status.parts.map((p) => [p.sourceId, p.snapshotId !== undefined])).toEqual([
      ['vol-00000001', true],
      ['vol-00000002', true],
      ['blog-db', true],
    ]);
    const done = await world.catalog.getBackup('blog', started.id);
    expect(done?.status.phase).toBe('Completed');
    expect(world.ebs(PRIMARY).snapshots.size).toBe(2);
    expect(world.ebs(DR).snapshots.size).toBe(2);
    expect(await world.catalog.openBackupIds('blog')).toEqual([]);
  });

  it('finds the database later too when DescribeDBInstances is throttled after the volumes were found', async () => {
    const { world, clock, site, ports } = setup(1);
    world
      .rds(PRIMARY)
      .failNext('describeDatabase', () => new ThrottledError('RDS DescribeDBInstances throttled by AWS'));

    const started = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    const advanced = await advanceBackup(ports, clock, site, started.id);

    expect(started.status.parts).toEqual([]);
    expect(world.ebs(PRIMARY).snapshots.size).toBe(1);
    expect(advanced.status.parts.map((p) => p.sourceId)).toEqual(['vol-00000001', 'blog-db']);
  });

  it('makes one backup with each part once when the schedule event comes again, and races the sweeper, during discovery', async () => {
    const { world, clock, site, ports } = setup(3);
    world.ebs(PRIMARY).failNext('findVolumes', describeThrottled);
    const first = await startBackup(ports, clock, { site, kind: 'scheduled', at });

    const [again, swept, third] = await Promise.all([
      startBackup(ports, clock, { site, kind: 'scheduled', at }),
      advanceBackup(ports, clock, site, first.id),
      startBackup(ports, clock, { site, kind: 'scheduled', at }),
    ]);

    expect([again.id, swept.id, third.id]).toEqual([first.id, first.id, first.id]);
    const stored = await world.catalog.getBackup('blog', first.id);
    expect(stored?.status.parts.map((p) => p.sourceId)).toEqual([
      'vol-00000001',
      'vol-00000002',
      'vol-00000003',
      'blog-db',
    ]);
    expect(world.ebs(PRIMARY).calls.filter((c) => c === 'createSnapshot')).toHaveLength(3);
    expect(world.ebs(PRIMARY).snapshots.size).toBe(3);
    expect(world.rds(PRIMARY).calls.filter((c) => c === 'createSnapshot')).toHaveLength(1);
    expect((await world.catalog.listBackups('blog')).items).toHaveLength(1);
  });

  it('answers with the recorded backup, not an error, when a call after discovery is throttled', async () => {
    const { world, clock, site, ports } = setup(1);
    world
      .ebs(PRIMARY)
      .failNext('findSnapshots', () => new ThrottledError('EC2 DescribeSnapshots throttled by AWS'));

    const started = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    const advanced = await advanceBackup(ports, clock, site, started.id);

    expect(started.status).toMatchObject({ phase: 'Pending', discovered: true });
    expect(started.status.parts.map((p) => [p.sourceId, p.snapshotId])).toEqual([
      ['vol-00000001', undefined],
      ['blog-db', undefined],
    ]);
    expect(advanced.status.parts.every((p) => p.snapshotId !== undefined)).toBe(true);
  });

  it('does not look for the volumes again once a duplicate start finds them recorded', async () => {
    const { world, clock, site, ports } = setup(1);
    await startBackup(ports, clock, { site, kind: 'scheduled', at });
    const describes = world.ebs(PRIMARY).calls.filter((c) => c === 'findVolumes').length;

    await startBackup(ports, clock, { site, kind: 'scheduled', at });

    expect(world.ebs(PRIMARY).calls.filter((c) => c === 'findVolumes')).toHaveLength(describes);
  });

  it('fails a backup whose discovery keeps failing once the deadline passes, with the cause', async () => {
    const { world, clock, site, ports } = setup(1);
    const denied = () =>
      new AwsCallError(
        'EC2 DescribeVolumes failed: UnauthorizedOperation: not authorized to describe volumes',
      );
    for (let i = 0; i < 20; i++) world.ebs(PRIMARY).failNext('findVolumes', denied);

    const started = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    const stillOpen = [];
    for (let hour = 0; hour < 3; hour++) {
      clock.advance(12 * 3_600_000);
      stillOpen.push((await advanceBackup(ports, clock, site, started.id)).status.phase);
    }
    const describes = world.ebs(PRIMARY).calls.filter((c) => c === 'findVolumes').length;
    clock.advance(1 * 3_600_000);
    const done = await advanceBackup(ports, clock, site, started.id);

    expect(stillOpen).toEqual(['Pending', 'Pending', 'Pending']);
    expect(done.status.phase).toBe('Failed');
    expect(done.status.failureReason).toBe(
      "the site's volumes and database were not found within 36 h: AwsCallError: EC2 DescribeVolumes failed: UnauthorizedOperation: not authorized to describe volumes",
    );
    expect(world.ebs(PRIMARY).calls.filter((c) => c === 'findVolumes')).toHaveLength(describes);
    expect(world.ebs(PRIMARY).snapshots.size).toBe(0);
    expect(world.finished.map((b) => b.status.phase)).toEqual(['Failed']);
    expect(await world.catalog.openBackupIds('blog')).toEqual([]);
  });

  it('discovers later what the request covered, not what the site protects (a pre-promote capture)', async () => {
    const { world, clock, site, ports } = setup(1);
    // As ECS tags the sandbox's volume (taskTags): its role, site and the stage that launched it.
    world.ebs(PRIMARY).addVolume('vol-0000000a', {
      'lifeboat:role': 'sandbox',
      'lifeboat:site': 'blog',
      'lifeboat:stage': FAKE_STAGE,
    });
    const sandboxView: Site = {
      ...site,
      protect: { ...site.protect, volumes: { tags: { 'lifeboat:role': 'sandbox' } }, database: undefined },
    };
    world.ebs(PRIMARY).failNext('findVolumes', describeThrottled);

    const started = await startBackup(ports, clock, {
      site: sandboxView,
      kind: 'pre-promote',
      at,
      copyToDr: false,
    });
    const advanced = await advanceBackup(ports, clock, site, started.id);

    expect(started.status.parts).toEqual([]);
    expect(advanced.status.parts.map((p) => [p.sourceId, p.copy.state])).toEqual([
      ['vol-0000000a', 'skipped'],
    ]);
    expect(world.rds(PRIMARY).calls).not.toContain('describeDatabase');
  });
});
