import { inlineDispatch, topicDispatch } from '../../../lib/backup/dispatch';
import { startBackup } from '../../../lib/backup/start-backup';
import { sweepBackups } from '../../../lib/backup/sweep-backups';
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

  it('publishes one work message per open backup and reports each site newest completed backup', async () => {
    const { clock, config, ports } = await setup();
    const [blog, shop] = config.sites;
    if (blog === undefined || shop === undefined) throw new Error('no site');
    await startBackup(ports, clock, { site: blog, kind: 'scheduled', at: clock.now() });
    await startBackup(ports, clock, { site: shop, kind: 'scheduled', at: clock.now() });
    const sent: unknown[] = [];
    const ages: [string, number | undefined][] = [];

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
      { newestCompletedBackup: (site, age) => void ages.push([site, age]) },
    );

    expect(sent).toEqual([
      { site: 'blog', backupId: '20261122t020000z-scheduled' },
      { site: 'shop', backupId: '20261122t020000z-scheduled' },
    ]);
    expect(result.dispatched).toHaveLength(2);
    expect(ages).toEqual([
      ['blog', undefined],
      ['shop', undefined],
    ]);
  });

  it('reports the age of the newest completed backup', async () => {
    const { world, clock, config, ports } = await setup();
    const shop = config.sites[1];
    if (shop === undefined) throw new Error('no site');
    await startBackup(ports, clock, { site: shop, kind: 'broken-state', at: clock.now() });
    world.ebs('us-east-1').complete();
    await sweepBackups(ports, clock, config.sites, inlineDispatch(ports, clock, config));
    clock.advance(3_600_000);
    const ages: [string, number | undefined][] = [];

    await sweepBackups(ports, clock, [shop], inlineDispatch(ports, clock, config), {
      newestCompletedBackup: (site, age) => void ages.push([site, age]),
    });

    expect(ages).toEqual([['shop', 3600]]);
  });
});
