import type { DatabaseInAws, ManagedDatabasesPort } from '../../../lib/cost-guard/ports';
import { costClassOf, hourlyPrice } from '../../../lib/cost-guard/pricing';
import {
  describeRestoredDatabase,
  findRestoredDatabases,
  restoredDatabaseOf,
} from '../../../lib/cost-guard/restored-databases';
import { ThrottledError } from '../../../lib/errors';
import { FakeClock } from '../../support/fake-clock';

const NOW = '2026-11-23T12:00:00Z';
const clock = new FakeClock(NOW);
const hoursAgo = (h: number) => new Date(new Date(NOW).getTime() - h * 3_600_000).toISOString();

/** A database a `dev` recovery of blog restored `ageHours` ago, as RDS shows it. */
function restored(overrides: Partial<DatabaseInAws> = {}, ageHours = 3.2): DatabaseInAws {
  return {
    region: 'us-east-1',
    kind: 'rds-instance',
    identifier: 'lifeboat-blog-replacement-1a2b3c',
    status: 'available',
    engine: 'mysql',
    instanceClasses: ['db.t3.micro'],
    createdAt: hoursAgo(ageHours),
    ...overrides,
    tags: {
      'lifeboat:managed': 'true',
      'lifeboat:stage': 'dev',
      'lifeboat:site': 'blog',
      'lifeboat:role': 'replacement',
      'lifeboat:recovery-id': '20261123t093900z-5f2c81a0',
      'lifeboat:backup-id': '20261122t020000z-scheduled',
      ...overrides.tags,
    },
  };
}

const portOf = (byRegion: Record<string, DatabaseInAws[] | Error>): ManagedDatabasesPort => ({
  async managedDatabases(region) {
    const found = byRegion[region] ?? [];
    if (found instanceof Error) throw found;
    return found;
  },
});

describe('costClassOf', () => {
  it.each([
    [['db.t3.micro'], 'low', '< $0.05/h'],
    [['db.t4g.small'], 'low', '< $0.05/h'],
    [['db.t3.medium'], 'medium', '$0.05–0.50/h'],
    [['db.r6g.xlarge'], 'medium', '$0.05–0.50/h'],
    [['db.m5.2xlarge'], 'high', '> $0.50/h'],
    // An Aurora cluster's compute is the sum of its instances: 0.48 + 0.48.
    [['db.r5.xlarge', 'db.r5.xlarge'], 'high', '> $0.50/h'],
    [['db.x2g.16xlarge'], 'unknown', 'price unknown'],
    // Aurora Serverless is priced by capacity unit, not by class.
    [['db.serverless', 'db.t3.micro'], 'unknown', 'price unknown'],
    [[], 'none', 'no DB instance'],
  ])('%j is %s (%s)', (classes, costClass, label) => {
    expect(costClassOf(classes)).toMatchObject({ costClass, label });
  });

  it('gives the published price it classed by, and none for a class not in the table', () => {
    expect(costClassOf(['db.t3.micro']).hourlyUsd).toBeCloseTo(0.017);
    expect(hourlyPrice('db.t3.2xlarge')).toBeGreaterThan(0.5);
    expect(costClassOf(['db.z9.huge']).hourlyUsd).toBeUndefined();
  });
});

describe('restoredDatabaseOf', () => {
  const now = new Date(NOW);

  it('reads age, bill, role, site and runs from the tags', () => {
    expect(restoredDatabaseOf(restored(), 'dev', now, 24)).toMatchObject({
      identifier: 'lifeboat-blog-replacement-1a2b3c',
      site: 'blog',
      role: 'replacement',
      recoveryId: '20261123t093900z-5f2c81a0',
      backupId: '20261122t020000z-scheduled',
      ageMs: 3.2 * 3_600_000,
      billing: true,
      overAge: false,
      cost: { costClass: 'low' },
    });
  });

  it.each([
    ['another stage', { tags: { 'lifeboat:stage': 'prod' } }],
    ['no stage', { tags: { 'lifeboat:stage': '' } }],
    ['not managed', { tags: { 'lifeboat:managed': 'false' } }],
    ['no role (a protected database)', { tags: { 'lifeboat:role': '' } }],
    ['a role lifeboat does not give', { tags: { 'lifeboat:role': 'primary' } }],
    ['no site', { tags: { 'lifeboat:site': '' } }],
  ])('is not one of this stage’s restored databases with %s', (_name, overrides) => {
    expect(restoredDatabaseOf(restored(overrides), 'dev', now, 24)).toBeUndefined();
  });

  it('is over age once it has billed longer than the maximum, not at it', () => {
    expect(restoredDatabaseOf(restored({}, 24), 'dev', now, 24)?.overAge).toBe(false);
    expect(restoredDatabaseOf(restored({}, 24.01), 'dev', now, 24)?.overAge).toBe(true);
    expect(restoredDatabaseOf(restored({}, 7), 'dev', now, 6)?.overAge).toBe(true);
  });

  it.each(['stopped', 'stopping', 'deleting', 'creating'])(
    'does not count a %s database however old (no instance hours billed)',
    (status) => {
      const db = restoredDatabaseOf(restored({ status }, 200), 'dev', now, 24);

      expect(db).toMatchObject({ status, billing: false, overAge: false });
    },
  );

  it.each(['available', 'backing-up', 'modifying', 'storage-full'])(
    'counts a %s database past the age (RDS bills its hours)',
    (status) => {
      expect(restoredDatabaseOf(restored({ status }, 30), 'dev', now, 24)?.overAge).toBe(true);
    },
  );

  it('does not count one RDS gives no creation time yet', () => {
    const { createdAt: _none, ...creating } = restored();

    expect(restoredDatabaseOf(creating, 'dev', now, 24)).toMatchObject({ overAge: false });
    expect(restoredDatabaseOf(creating, 'dev', now, 24)?.ageMs).toBeUndefined();
  });
});

describe('findRestoredDatabases', () => {
  it('keeps this stage’s restored databases of every region read, oldest first', async () => {
    const port = portOf({
      'us-east-1': [
        restored({ identifier: 'lifeboat-blog-replacement-new' }, 1),
        restored({ identifier: 'lifeboat-blog-prod', tags: { 'lifeboat:stage': 'prod' } }, 50),
        restored({ identifier: 'lifeboat-shop-sandbox-aaaaaa', tags: { 'lifeboat:site': 'shop' } }, 30),
      ],
      'us-west-2': [restored({ region: 'us-west-2', identifier: 'lifeboat-blog-drill-bbbbbb' }, 10)],
    });

    const found = await findRestoredDatabases(port, clock, {
      regions: ['us-east-1', 'us-west-2', 'us-east-1'],
      stage: 'dev',
      maxAgeHours: 24,
    });

    expect(found.unreadable).toEqual([]);
    expect(found.databases.map((d) => [d.identifier, d.overAge])).toEqual([
      ['lifeboat-shop-sandbox-aaaaaa', true],
      ['lifeboat-blog-drill-bbbbbb', false],
      ['lifeboat-blog-replacement-new', false],
    ]);
  });

  it('keeps one site’s when asked', async () => {
    const port = portOf({
      'us-east-1': [restored(), restored({ identifier: 'x', tags: { 'lifeboat:site': 'shop' } })],
    });

    const found = await findRestoredDatabases(port, clock, {
      regions: ['us-east-1'],
      stage: 'dev',
      maxAgeHours: 24,
      site: 'blog',
    });

    expect(found.databases.map((d) => d.site)).toEqual(['blog']);
  });

  it('reports a region it could not read and still reads the others', async () => {
    const throttled = new ThrottledError('RDS DescribeDBInstances throttled by AWS (Throttling)');
    const port = portOf({ 'us-east-1': throttled, 'us-west-2': [restored({ region: 'us-west-2' }, 30)] });

    const found = await findRestoredDatabases(port, clock, {
      regions: ['us-east-1', 'us-west-2'],
      stage: 'dev',
      maxAgeHours: 24,
    });

    expect(found.unreadable).toEqual([{ region: 'us-east-1', error: throttled }]);
    expect(found.databases.filter((d) => d.overAge)).toHaveLength(1);
  });
});

describe('describeRestoredDatabase', () => {
  const now = new Date(NOW);

  it('says what it is, where, for how long, what it costs and which run made it', () => {
    const db = restoredDatabaseOf(restored({}, 26.5), 'dev', now, 24);

    expect(db && describeRestoredDatabase(db)).toBe(
      'lifeboat-blog-replacement-1a2b3c (us-east-1) available for 26 h 30 min, db.t3.micro (< $0.05/h), replacement of 20261123t093900z-5f2c81a0',
    );
  });

  it('says plainly when a stopped one bills no instance hours and when a price is unknown', () => {
    const db = restoredDatabaseOf(
      restored({ kind: 'rds-cluster', status: 'stopped', instanceClasses: ['db.serverless'] }, 50),
      'dev',
      now,
      24,
    );

    expect(db && describeRestoredDatabase(db)).toBe(
      'lifeboat-blog-replacement-1a2b3c (us-east-1) stopped (no instance hours billed) for 2 days 2 h, cluster of db.serverless (price unknown), replacement of 20261123t093900z-5f2c81a0',
    );
  });
});
