import { metricDatabaseWrites, writeMetricFor, writesIn } from '../../../lib/recovery/database-writes';
import type { DatabaseKind } from '../../../lib/recovery/model';
import type { MetricQuery, RestoredDatabaseState, WatchedDatabase } from '../../../lib/recovery/ports';
import { buildSite } from '../../support/builders';
import { FakeDatabases } from './support/fake-ports';

const at = (minute: number) => `2026-11-22T09:${String(40 + minute).padStart(2, '0')}:00.000Z`;

describe('writeMetricFor (which AWS/RDS metric counts an engine writes)', () => {
  it.each([
    ['rds-instance', 'mysql', 'BinLogDiskUsage', 'growth'],
    ['rds-instance', 'mariadb', 'BinLogDiskUsage', 'growth'],
    ['rds-instance', 'postgres', 'TransactionLogsGeneration', 'rate'],
    ['rds-cluster', 'aurora-mysql', 'DMLThroughput', 'rate'],
  ] as const)('%s %s: %s (%s)', (kind, engine, metric, measure) => {
    expect(writeMetricFor(kind as DatabaseKind, engine)).toMatchObject({ metric, measure });
  });

  it('has none for an engine it cannot read (so promote refuses unless told to discard)', () => {
    expect(writeMetricFor('rds-cluster', 'aurora-postgresql')).toEqual({
      none: 'lifeboat reads no write metric for aurora-postgresql (rds-cluster)',
    });
  });
});

describe('writesIn', () => {
  const binlog = writeMetricFor('rds-instance', 'mysql');
  const wal = writeMetricFor('rds-instance', 'postgres');
  if ('none' in binlog || 'none' in wal) throw new Error('no metric');

  it('sums only the growth of a level (RDS purges binary logs, which is no write)', () => {
    const points = [100, 300, 250, 400].map((value, i) => ({ at: at(i), value }));

    expect(writesIn(points, binlog, 60)).toBe(200 + 150);
  });

  it('sums a rate over its periods', () => {
    const points = [10, 0, 5].map((value, i) => ({ at: at(i), value }));

    expect(writesIn(points, wal, 60)).toBe(15 * 60);
  });
});

describe('metricDatabaseWrites', () => {
  const site = buildSite();
  const db: WatchedDatabase = {
    kind: 'rds-instance',
    identifier: 'lifeboat-blog-replacement-0a1b2c',
    region: 'us-east-1',
    since: '2026-11-22T09:41:00.000Z',
  };
  const clock = { now: () => new Date('2026-11-22T11:00:00Z') };

  function measuring(state: Partial<RestoredDatabaseState> | undefined, values: number[]) {
    const databases = new FakeDatabases();
    if (state !== undefined)
      databases.states.set(db.identifier, { state: 'available', status: 'available', ...state });
    const queries: MetricQuery[] = [];
    const port = metricDatabaseWrites(
      () => ({
        datapoints: async (query) => {
          queries.push(query);
          return values.map((value, i) => ({ at: at(i), value }));
        },
      }),
      () => databases,
      clock,
    );
    return { port, queries };
  }

  it("reads the engine's metric from the restore's availability to now", async () => {
    const { port, queries } = measuring({ engine: 'mysql', backupRetentionDays: 1 }, [0, 1048576, 3355443]);

    expect(await port.writesSince(site, db)).toEqual({
      restored: true,
      database: db.identifier,
      since: db.since,
      metric: 'BinLogDiskUsage',
      unit: 'bytes of binlog',
      writes: 3355443,
    });
    expect(queries).toEqual([
      expect.objectContaining({
        metric: 'BinLogDiskUsage',
        identifier: db.identifier,
        since: new Date(db.since),
        until: clock.now(),
      }),
    ]);
  });

  it('says when there are no datapoints, instead of claiming no writes', async () => {
    const { port } = measuring({ engine: 'mysql', backupRetentionDays: 1 }, []);

    expect((await port.writesSince(site, db)).unmeasured).toBe(
      'CloudWatch has no BinLogDiskUsage datapoints of lifeboat-blog-replacement-0a1b2c since 09:41 UTC',
    );
  });

  it('says a MySQL without automated backups writes no binary log to measure', async () => {
    const { port, queries } = measuring({ engine: 'mysql', backupRetentionDays: 0 }, [0, 0]);

    expect((await port.writesSince(site, db)).unmeasured).toMatch(/automated backups .* are off/);
    expect(queries).toEqual([]);
  });

  it('says when the database is gone', async () => {
    const { port } = measuring(undefined, []);

    expect((await port.writesSince(site, db)).unmeasured).toBe(`${db.identifier} is gone`);
  });
});
