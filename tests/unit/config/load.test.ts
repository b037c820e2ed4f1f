import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSite, loadConfigFile, parseConfig, parseConfigText } from '../../../lib/config/load';
import { ConfigError, UnknownSiteError } from '../../../lib/errors';
import { rawSite } from '../../support/builders';

function issuesOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('site config', () => {
  it('accepts the shipped example and fills the defaults', () => {
    const config = loadConfigFile(join(__dirname, '../../../config/sites.yml'));
    const site = findSite(config, 'blog');
    expect(site.dns.ttl).toBe(60);
    expect(site.health.deadlineSeconds).toBeGreaterThan(0);
    expect(site.retention).toEqual({ daily: 7, weekly: 4, monthly: 6 });
  });

  it.each([
    [
      'a bad region',
      { regions: { primary: 'us-east-1', dr: 'mars-1' } },
      'sites[0](blog).regions.dr: an AWS region',
    ],
    [
      'the same region twice',
      { regions: { primary: 'us-east-1', dr: 'us-east-1' } },
      'regions.dr: the DR region must differ',
    ],
    [
      'a missing cluster',
      { run: { ...(rawSite().run as object), cluster: undefined } },
      'sites[0](blog).run.cluster',
    ],
    [
      'a bad subnet',
      { run: { ...(rawSite().run as object), subnets: ['net-1'] } },
      'run.subnets[0]: a subnet id',
    ],
    [
      'a bad CIDR',
      { sandbox: { ...(rawSite().sandbox as object), allowedCidr: 'everyone' } },
      'sandbox.allowedCidr: an IPv4 CIDR',
    ],
    [
      'a TTL of a week',
      { dns: { hostedZoneId: 'Z1', recordName: 'www.example.com', ttl: 604800 } },
      'dns.ttl',
    ],
    [
      'no volume selector',
      { protect: { volumes: {} } },
      'protect.volumes: give volume ids or at least one tag',
    ],
    ['an unknown field', { colour: 'blue' }, 'colour'],
    [
      'a bad schedule',
      { schedule: { backup: 'nightly' } },
      'schedule.backup: an EventBridge schedule expression',
    ],
  ])('rejects %s, naming the field', (_case, overrides, expected) => {
    const issues = issuesOf(() => parseConfig({ sites: [rawSite(overrides)] }));
    expect(issues.join('\n')).toContain(expected);
  });

  const without = (section: 'run' | 'health', field: string) => {
    const { [field]: _dropped, ...rest } = rawSite()[section] as Record<string, unknown>;
    return { [section]: rest };
  };

  it.each([
    [
      'a region name with an unknown number',
      { regions: { primary: 'us-east-9', dr: 'us-west-2' } },
      'sites[0](blog).regions.primary: an AWS region such as us-east-1 ("us-east-9" is not one)',
    ],
    [
      'a region name in no partition',
      { regions: { primary: 'us-east-1', dr: 'moon-west-1' } },
      'sites[0](blog).regions.dr: an AWS region such as us-east-1',
    ],
    [
      'a DR region in another partition',
      { regions: { primary: 'us-east-1', dr: 'cn-north-1' } },
      'sites[0](blog).regions.dr: the DR region must be in the partition of the primary region (cn-north-1 is in aws-cn, us-east-1 in aws)',
    ],
    [
      'no container port',
      without('run', 'containerPort'),
      'sites[0](blog).run.containerPort: required (expected number)',
    ],
    [
      'no assignPublicIp',
      without('run', 'assignPublicIp'),
      'sites[0](blog).run.assignPublicIp: required (expected boolean)',
    ],
    ['no health section', { health: undefined }, 'sites[0](blog).health: required (expected object)'],
    [
      'no health path',
      { health: { expectedStatus: 200 } },
      'sites[0](blog).health.path: required (expected string)',
    ],
    [
      'the old restoreDatabase key',
      { recovery: { restoreDatabase: true } },
      'sites[0](blog).recovery.restoreDatabase: replaced by recovery.database: keep | snapshot | point-in-time (restoreDatabase: true is database: snapshot)',
    ],
    [
      'an unknown database mode',
      { recovery: { database: 'yesterday' } },
      'sites[0](blog).recovery.database: keep, snapshot or point-in-time',
    ],
    [
      'a database restore without a database',
      { protect: { volumes: { tags: { 'lifeboat:site': 'blog' } } }, recovery: { database: 'snapshot' } },
      'sites[0](blog).recovery.database: a database restore needs protect.database (the database the backups snapshot)',
    ],
  ])('rejects %s, naming the field alone', (_case, overrides, expected) => {
    expect(issuesOf(() => parseConfig({ sites: [rawSite(overrides)] }))).toEqual([expected]);
  });

  it('keeps the live database by default and takes a database mode with its settings', () => {
    const [plain, pitr] = parseConfig({
      sites: [
        rawSite(),
        rawSite({
          name: 'shop',
          dns: { hostedZoneId: 'Z1', recordName: 'shop.example.com' },
          sandbox: { ...(rawSite().sandbox as object), recordName: 'sb.shop.example.com' },
          protect: { volumes: { tags: { 'lifeboat:site': 'shop' } }, database: { cluster: 'shop-aurora' } },
          triggers: {},
          recovery: {
            database: 'point-in-time',
            pointInTimeMarginSeconds: 120,
            databaseInstanceClass: 'db.r6g.large',
          },
        }),
      ],
    }).sites;

    expect(plain?.recovery).toEqual({
      maxWalkBack: 2,
      database: 'keep',
      pointInTimeMarginSeconds: 300,
      databaseHostVariable: 'WORDPRESS_DB_HOST',
    });
    expect(pitr?.recovery).toMatchObject({
      database: 'point-in-time',
      pointInTimeMarginSeconds: 120,
      databaseInstanceClass: 'db.r6g.large',
    });
  });

  it('accepts regions of the other partitions', () => {
    const site = (primary: string, dr: string) => rawSite({ regions: { primary, dr } });
    expect(() => parseConfig({ sites: [site('us-gov-west-1', 'us-gov-east-1')] })).not.toThrow();
    expect(() => parseConfig({ sites: [site('cn-north-1', 'cn-northwest-1')] })).not.toThrow();
    expect(() => parseConfig({ sites: [site('eu-central-2', 'eu-south-2')] })).not.toThrow();
  });

  it('reports every bad field at once', () => {
    const issues = issuesOf(() =>
      parseConfig({ sites: [rawSite({ name: 'Bad Name', regions: { primary: 'x', dr: 'y' } })] }),
    );
    expect(issues.length).toBeGreaterThanOrEqual(3);
  });

  it('rejects two sites claiming the same record', () => {
    const other = rawSite({
      name: 'shop',
      sandbox: { ...(rawSite().sandbox as object), recordName: 'sb.shop.com' },
    });
    const issues = issuesOf(() => parseConfig({ sites: [rawSite(), other] }));
    expect(issues).toContain(
      'sites[1](shop).dns.recordName: DNS record "www.example.com" is already claimed by site "blog"',
    );
  });

  it('rejects two sites claiming the same volume or Pingdom check', () => {
    const volumes = { tags: undefined, ids: ['vol-0abc'] };
    const a = rawSite({ protect: { volumes } });
    const b = rawSite({
      name: 'shop',
      protect: { volumes },
      dns: { hostedZoneId: 'Z1', recordName: 'shop.example.com' },
      sandbox: { ...(rawSite().sandbox as object), recordName: 'sb.shop.example.com' },
      triggers: { pingdom: { checkIds: [12345] } },
    });
    const issues = issuesOf(() => parseConfig({ sites: [a, b] })).join('\n');
    expect(issues).toContain('volume "vol-0abc" is already claimed by site "blog"');
    expect(issues).toContain('Pingdom check "12345" is already claimed by site "blog"');
  });

  it('rejects duplicate site names', () => {
    const issues = issuesOf(() => parseConfig({ sites: [rawSite(), rawSite()] }));
    expect(issues.join('\n')).toContain('site name "blog" is used twice');
  });

  it('reports YAML syntax errors and duplicate keys', () => {
    expect(issuesOf(() => parseConfigText('sites:\n  - name: a\n    name: b\n')).join()).toMatch(/unique/i);
    expect(() => parseConfigText('sites: [')).toThrow(ConfigError);
  });

  it('names the file it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifeboat-'));
    expect(() => loadConfigFile(join(dir, 'missing.yml'))).toThrow(/cannot read site config .*missing\.yml/);
    const empty = join(dir, 'empty.yml');
    writeFileSync(empty, 'sites: []\n');
    expect(issuesOf(() => loadConfigFile(empty))).toEqual(['sites: at least one site is required']);
  });

  it('finds a site by name or says it is unknown', () => {
    const config = parseConfig({ sites: [rawSite()] });
    expect(findSite(config, 'blog').name).toBe('blog');
    expect(() => findSite(config, 'nope')).toThrow(UnknownSiteError);
  });
});
