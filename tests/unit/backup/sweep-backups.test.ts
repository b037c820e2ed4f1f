import { advanceBackup } from '../../../lib/backup/advance-backup';
import { emptyCopyQueue } from '../../../lib/backup/copy-queue';
import { inlineDispatch, topicDispatch } from '../../../lib/backup/dispatch';
import { EntryMap } from '../../../lib/backup/entry-map';
import { startBackup } from '../../../lib/backup/start-backup';
import { drFreshness, sweepBackups } from '../../../lib/backup/sweep-backups';
import { buildConfig, rawSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { FakeWorld } from './fake-ports';

async function setup() {
  const world = new FakeWorld();
  const clock = new FakeClock('2026-11-22T02:00:00Z');
  const config = buildConfig(
    rawSite(),
    rawSite({
      name: 'shop',
      protect: { volumes: { tags: { 'lifeboat:site': 'shop' } } },
      dns: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', recordName: 'shop.example.com' },
      sandbox: {
        recordName: 'sandbox.shop.example.com',
        allowedCidr: '203.0.113.0/24',
        securityGroups: ['sg-0fedcba9876543210'],
      },
      triggers: { cloudwatchAlarms: [] },
    }),
  );
  world.ebs('us-east-1').addVolume('vol-00000001', { 'lifeboat:site': 'blog' });
  world.ebs('us-east-1').addVolume('vol-00000002', { 'lifeboat:site': 'shop' });
  world.rds('us-east-1').addDatabase('blog-db');
  return { world, clock, config, ports: world.ports() };
}

describe('sweepBackups', () => {
  it('finishes a backup whose events were all lost', async () => {
    const { world, clock, config, ports } = await setup();
    const [blog] = config.sites;
    if (blog === undefined) throw new Error('no site');
    const backup = await startBackup(ports, clock, { site: blog, kind: 'scheduled', at: clock.now() });
    const dispatch = inlineDispatch(ports, clock, config);

    for (let round = 0; round < 3; round++) {
      for (const r of ['us-east-1', 'us-west-2']) {
        world.ebs(r).complete();
        world.rds(r).complete();
      }
      await sweepBackups(ports, clock, config.sites, dispatch);
    }

    expect((await ports.catalog.getBackup('blog', backup.id))?.status.phase).toBe('Completed');
    const last = await sweepBackups(ports, clock, config.sites, dispatch);
    expect(last.dispatched).toEqual([]);
  });

  it('publishes the open backups from one index listing, several per work message', async () => {
    const { world, clock, config, ports } = await setup();
    const [blog, shop] = config.sites;
    if (blog === undefined || shop === undefined) throw new Error('no site');
    await startBackup(ports, clock, { site: blog, kind: 'scheduled', at: clock.now() });
    await startBackup(ports, clock, { site: shop, kind: 'scheduled', at: clock.now() });
    // Once per catalog the first sweep looks for earlier versions' markers (the test below).
    await ports.catalog.migrateLegacyMarkers(['blog', 'shop'], clock.now());
    const sent: unknown[] = [];
    const listed: string[] = [];
    const list = world.store.list.bind(world.store);
    world.store.list = (prefix, options) => {
      listed.push(prefix);
      return list(prefix, options);
    };

    const result = await sweepBackups(
      ports,
      clock,
      config.sites,
      topicDispatch({
        publish: async (_subject, message) => {
          sent.push(JSON.parse(message));
          return 'm';
        },
      }),
    );

    expect(sent).toEqual([
      {
        backups: [
          { site: 'blog', backupId: '20261122t020000z-scheduled' },
          { site: 'shop', backupId: '20261122t020000z-scheduled' },
        ],
      },
    ]);
    expect(result.dispatched).toHaveLength(2);
    // No listing per site: the open-work index of the fleet (and, once an hour, the parked one).
    expect(listed).toEqual(['sites/_index/open/', 'sites/_index/parked/']);
  });

  it('leaves backups that only wait for a copy slot to the queue, and advances hourly those with no copy queued', async () => {
    const { world, clock, config, ports } = await setup();
    const shop = config.sites[1];
    if (shop === undefined) throw new Error('no site');
    clock.set('2026-11-22T02:10:00Z');
    const backup = await startBackup(ports, clock, { site: shop, kind: 'scheduled', at: clock.now() });
    world.ebs('us-east-1').complete();
    await advanceBackup(ports, clock, shop, backup.id, { ebsCopiesInFlight: 0 });
    const noSlots = { limits: { ebsCopiesInFlight: 0 } };

    const quiet = await sweepBackups(ports, clock, config.sites, async () => undefined, undefined, noSlots);
    clock.set('2026-11-22T03:01:00Z');
    const hourly = await sweepBackups(ports, clock, config.sites, async () => undefined, undefined, noSlots);
    // Its queue entry lost (the queue written anew without it): the hourly check advances it.
    await ports.catalog.updateCopyQueue('us-west-2', clock.now(), (q) => ({
      ...q,
      waiting: EntryMap.empty(),
    }));
    clock.set('2026-11-22T03:20:00Z');
    const quarter = await sweepBackups(ports, clock, config.sites, async () => undefined, undefined, noSlots);
    clock.set('2026-11-22T04:02:00Z');
    const lost = await sweepBackups(ports, clock, config.sites, async () => undefined, undefined, noSlots);

    expect(quiet.dispatched).toEqual([]);
    expect(hourly.parkedChecked).toBe(true);
    // Its copy is queued: the queue starts it, and its completion event advances the backup.
    expect(hourly.dispatched).toEqual([]);
    expect(quarter.dispatched).toEqual([]);
    expect(lost.dispatched).toEqual([{ site: 'shop', backupId: backup.id }]);
  });

  it('fills free copy slots from the queue and reports fleet and per-site DR freshness', async () => {
    const { world, clock, config, ports } = await setup();
    const shop = config.sites[1];
    if (shop === undefined) throw new Error('no site');
    const backup = await startBackup(ports, clock, { site: shop, kind: 'scheduled', at: clock.now() });
    world.ebs('us-east-1').complete();
    await advanceBackup(ports, clock, shop, backup.id, { ebsCopiesInFlight: 0 });
    const reported: unknown[] = [];

    const filled = await sweepBackups(ports, clock, config.sites, async () => undefined);
    world.ebs('us-west-2').complete();
    await advanceBackup(ports, clock, shop, backup.id);
    clock.advance(3_600_000);
    const later = await sweepBackups(ports, clock, config.sites, async () => undefined, {
      drFreshness: (fleet) => void reported.push(fleet),
    });

    expect(filled.copiesStarted).toBe(1);
    expect(filled.fleet).toEqual({ volumes: 1, neverCopied: 1 });
    expect(later.fleet).toEqual({ volumes: 1, neverCopied: 0, maxSeconds: 3600, p95Seconds: 3600 });
    expect(reported).toEqual([later.fleet]);
    expect(later.sites.find((s) => s.site === 'shop')?.drFreshness.maxSeconds).toBe(3600);
  });

  it('sweeps the backups an earlier version marked under sites/<site>/open-backups/, and moves their markers once', async () => {
    const { world, clock, config, ports } = await setup();
    const [blog] = config.sites;
    if (blog === undefined) throw new Error('no site');
    const backup = await startBackup(ports, clock, { site: blog, kind: 'scheduled', at: clock.now() });
    await ports.catalog.clearOpenMarker('blog', backup.id);
    await world.store.putIfAbsent(`sites/blog/open-backups/${backup.id}`, backup.id);
    const listed: string[] = [];
    const list = world.store.list.bind(world.store);
    world.store.list = (prefix, options) => {
      listed.push(prefix);
      return list(prefix, options);
    };

    const first = await sweepBackups(ports, clock, config.sites, async () => undefined);
    const second = await sweepBackups(ports, clock, config.sites, async () => undefined);

    expect(first.dispatched).toEqual([{ site: 'blog', backupId: backup.id }]);
    expect(second.dispatched).toEqual([{ site: 'blog', backupId: backup.id }]);
    expect(await world.store.get(`sites/blog/open-backups/${backup.id}`)).toBeUndefined();
    expect(listed.filter((p) => p.endsWith('/open-backups/'))).toEqual([
      'sites/blog/open-backups/',
      'sites/shop/open-backups/',
    ]);
  });
});

describe('drFreshness', () => {
  it("gives the fleet and every site its figures from one pass over the regions' queues", () => {
    const now = new Date('2026-11-23T02:00:00Z');
    const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
    const newest = (h: number) => ({ backupId: 'b', takenAt: hoursAgo(h), copiedAt: hoursAgo(h) });
    const west = emptyCopyQueue('us-west-2', now);
    west.newest = EntryMap.fromRecord({
      'blog/vol-1': newest(2),
      'blog/vol-2': newest(10),
      'shop/vol-9': newest(30),
    });
    const entry = { backupId: 'b', kind: 'ebs' as const, takenAt: hoursAgo(1), queuedAt: hoursAgo(1) };
    west.waiting = EntryMap.fromRecord({ 'blog/vol-1': { ...entry, site: 'blog', sourceId: 'vol-1' } });
    const east = emptyCopyQueue('us-east-2', now);
    east.inFlight = EntryMap.fromRecord({
      'cafe/vol-5': { ...entry, site: 'cafe', sourceId: 'vol-5', claimedAt: hoursAgo(0) },
    });

    const { fleet, bySite } = drFreshness([west, east], now);

    expect(fleet).toEqual({ volumes: 4, neverCopied: 1, maxSeconds: 30 * 3600, p95Seconds: 30 * 3600 });
    expect(bySite.get('blog')).toEqual({
      volumes: 2,
      neverCopied: 0,
      maxSeconds: 36_000,
      p95Seconds: 36_000,
    });
    expect(bySite.get('shop')).toEqual({
      volumes: 1,
      neverCopied: 0,
      maxSeconds: 108_000,
      p95Seconds: 108_000,
    });
    expect(bySite.get('cafe')).toEqual({
      volumes: 1,
      neverCopied: 1,
      maxSeconds: undefined,
      p95Seconds: undefined,
    });
  });
});
