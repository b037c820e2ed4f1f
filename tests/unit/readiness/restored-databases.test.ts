import { ThrottledError } from '../../../lib/errors';
import { checkReadiness } from '../../../lib/readiness/check-readiness';
import { checkSites } from '../../../lib/readiness/check-sites';
import { catalogReadinessStore } from '../../../lib/readiness/store';
import { buildConfig, buildSite, rawSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { MemoryObjectStore } from '../../support/memory-object-store';
import { type FakeAccount, fakePorts, readyAccount, restoredInAws } from './fake-ports';

const NOW = '2026-11-22T12:00:00Z';
const clock = new FakeClock(NOW);

async function restoredCheck(account: FakeAccount, options: Record<string, unknown> = {}) {
  const readiness = await checkReadiness(fakePorts(account), clock, buildSite(), options);
  const check = readiness.checks.find((c) => c.id === 'restored-databases');
  return { readiness, check };
}

describe('readiness: restored databases left running', () => {
  it('is ok with none', async () => {
    const { check } = await restoredCheck(readyAccount(NOW));

    expect(check).toMatchObject({
      title: 'Restored databases left running',
      verdict: 'ok',
      reason: 'none in us-east-1 or us-west-2',
    });
  });

  it('lists one still young, ok', async () => {
    const account = readyAccount(NOW);
    account.managedDatabases = [restoredInAws(NOW, 3.2)];

    const { check } = await restoredCheck(account);

    expect(check).toMatchObject({ verdict: 'ok' });
    expect(check?.reason).toBe(
      'lifeboat-blog-replacement-1a2b3c (us-east-1) available for 3 h 12 min, db.t3.micro (< $0.05/h), replacement of 20261122t093900z-5f2c81a0 (none running over 24 h, costGuard.restoredDatabaseMaxAgeHours)',
    );
  });

  it('warns on one running past 24 h, and the site stays ready', async () => {
    const account = readyAccount(NOW);
    account.managedDatabases = [
      restoredInAws(NOW, 30, { role: 'sandbox', instanceClasses: ['db.m5.2xlarge'] }),
      restoredInAws(NOW, 2, { region: 'us-west-2', role: 'drill' }),
    ];

    const { check, readiness } = await restoredCheck(account);

    expect(check?.verdict).toBe('warn');
    expect(check?.reason).toMatch(
      /^1 database running over 24 h and billing until retired: lifeboat-blog-sandbox-1a2b3c \(us-east-1\) available for 30 h 00 min, db\.m5\.2xlarge \(> \$0\.50\/h\), sandbox of \S+; lifeboat-blog-drill-1a2b3c \(us-west-2\) available for 2 h 00 min/,
    );
    expect(readiness.verdict).toBe('warn');
  });

  it('lists a stopped one however old, without warning (it bills no instance hours)', async () => {
    const account = readyAccount(NOW);
    account.managedDatabases = [restoredInAws(NOW, 100, { status: 'stopped' })];

    const { check } = await restoredCheck(account);

    expect(check?.verdict).toBe('ok');
    expect(check?.reason).toMatch(/stopped \(no instance hours billed\) for 4 days 4 h/);
  });

  it('honours the configured age', async () => {
    const account = readyAccount(NOW);
    account.managedDatabases = [restoredInAws(NOW, 3)];

    const { check } = await restoredCheck(account, { restoredDatabaseMaxAgeHours: 2 });

    expect(check?.verdict).toBe('warn');
    expect(check?.reason).toMatch(/^1 database running over 2 h/);
  });

  it('sees only this stage’s and this site’s', async () => {
    const account = readyAccount(NOW);
    account.managedDatabases = [
      restoredInAws(NOW, 30, { stage: 'prod' }),
      restoredInAws(NOW, 30, { site: 'shop' }),
    ];

    const dev = await restoredCheck(account);
    const prod = await restoredCheck(account, { stage: 'prod' });

    expect(dev.check).toMatchObject({ verdict: 'ok', reason: 'none in us-east-1 or us-west-2' });
    expect(prod.check?.verdict).toBe('warn');
    expect(prod.check?.reason).not.toMatch(/shop/);
  });

  it('warns, not fails, when RDS throttles the listing', async () => {
    const account = readyAccount(NOW);
    const ports = fakePorts(account);
    ports.managedDatabases = async () => {
      throw new ThrottledError('RDS DescribeDBInstances throttled by AWS (Throttling)');
    };

    const readiness = await checkReadiness(ports, clock, buildSite());

    expect(readiness.checks.find((c) => c.id === 'restored-databases')).toMatchObject({
      verdict: 'warn',
      reason: 'could not check: RDS DescribeDBInstances throttled by AWS (Throttling)',
    });
  });
});

describe('checkSites: the fleet count of restored databases over age', () => {
  const shop = rawSite({
    name: 'shop',
    regions: { primary: 'eu-west-1', dr: 'eu-central-1' },
    dns: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', recordName: 'shop.example.com' },
    sandbox: {
      recordName: 'sandbox-shop.example.com',
      allowedCidr: '203.0.113.0/24',
      securityGroups: ['sg-0fedcba9876543210'],
    },
    triggers: { cloudwatchAlarms: ['shop-5xx'] },
  });

  function fleetAccount(): FakeAccount {
    const account = readyAccount(NOW);
    account.managedDatabases = [
      restoredInAws(NOW, 30),
      restoredInAws(NOW, 40, { site: 'shop', region: 'eu-west-1' }),
      // A site no longer in the config still bills.
      restoredInAws(NOW, 50, { site: 'gone', region: 'us-west-2' }),
      restoredInAws(NOW, 60, { site: 'shop', region: 'eu-west-1', status: 'stopped' }),
      restoredInAws(NOW, 70, { stage: 'prod' }),
      restoredInAws(NOW, 1, { role: 'drill' }),
    ];
    return account;
  }

  it('counts every site’s running past the age in the fleet’s regions', async () => {
    const account = fleetAccount();
    const config = buildConfig(rawSite(), shop);

    const result = await checkSites(
      fakePorts(account),
      clock,
      config.sites,
      catalogReadinessStore(new MemoryObjectStore()),
    );

    expect(result.restoredDatabasesOverAge.map((d) => [d.site, d.region])).toEqual([
      ['gone', 'us-west-2'],
      ['shop', 'eu-west-1'],
      ['blog', 'us-east-1'],
    ]);
    expect(result.restoredDatabasesUnreadable).toEqual([]);
  });

  it('counts the whole fleet when one site is checked (fleetRegions)', async () => {
    const config = buildConfig(rawSite(), shop);
    const regions = config.sites.flatMap((s) => [s.regions.primary, s.regions.dr]);

    const one = await checkSites(
      fakePorts(fleetAccount()),
      clock,
      config.sites.slice(0, 1),
      catalogReadinessStore(new MemoryObjectStore()),
      { fleetRegions: regions },
    );

    expect(one.sites.map((s) => s.site)).toEqual(['blog']);
    expect(one.restoredDatabasesOverAge).toHaveLength(3);
  });

  it('honours the configured age and stage', async () => {
    const config = buildConfig(rawSite(), shop);

    const result = await checkSites(
      fakePorts(fleetAccount()),
      clock,
      config.sites,
      catalogReadinessStore(new MemoryObjectStore()),
      { restoredDatabaseMaxAgeHours: 45, stage: 'dev' },
    );
    const prod = await checkSites(
      fakePorts(fleetAccount()),
      clock,
      config.sites,
      catalogReadinessStore(new MemoryObjectStore()),
      { stage: 'prod' },
    );

    expect(result.restoredDatabasesOverAge.map((d) => d.site)).toEqual(['gone']);
    expect(prod.restoredDatabasesOverAge.map((d) => d.site)).toEqual(['blog']);
  });

  it('names a region it could not read and counts the others', async () => {
    const account = fleetAccount();
    const ports = fakePorts(account);
    const read = ports.managedDatabases;
    ports.managedDatabases = async (region) => {
      if (region === 'eu-west-1') throw new ThrottledError('RDS DescribeDBInstances throttled');
      return read(region);
    };
    const config = buildConfig(rawSite(), shop);

    const result = await checkSites(
      ports,
      clock,
      config.sites,
      catalogReadinessStore(new MemoryObjectStore()),
    );

    expect(result.restoredDatabasesUnreadable).toEqual([
      { region: 'eu-west-1', error: 'RDS DescribeDBInstances throttled' },
    ]);
    expect(result.restoredDatabasesOverAge.map((d) => d.site)).toEqual(['gone', 'blog']);
  });
});
