import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import type { DatabaseKind, DatabaseWrites } from './model';
import type {
  DatabaseRestorePort,
  DatabaseWritesPort,
  MetricDatapoint,
  MetricQuery,
  RdsMetricsPort,
  WatchedDatabase,
} from './ports';

/**
 * What a promote drops of a database is measured from its AWS/RDS CloudWatch metrics, so no
 * database credentials are needed: MySQL and MariaDB write every change to the binary log
 * (BinLogDiskUsage, bytes, only while automated backups are on), PostgreSQL to its WAL
 * (TransactionLogsGeneration, bytes per second), Aurora MySQL counts its inserts, updates and
 * deletes (DMLThroughput, per second). Metrics lag by about a minute, so the last minute's writes
 * may not be counted yet.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html
 */

/** How one engine's writes are read: which metric, and whether it is a level that grows or a rate. */
export interface WriteMetric {
  metric: string;
  statistic: MetricQuery['statistic'];
  dimension: MetricQuery['dimension'];
  /** `growth`: a level (bytes on disk), its increases summed; `rate`: per second, times the period. */
  measure: 'growth' | 'rate';
  unit: string;
}

/** The period of the datapoints read: RDS publishes its metrics every minute. */
export const WRITE_METRIC_PERIOD_SECONDS = 60;

/** The metric that counts writes of a database of `kind` running `engine`, or why there is none. */
export function writeMetricFor(kind: DatabaseKind, engine: string): WriteMetric | { none: string } {
  if (kind === 'rds-instance' && (engine === 'mysql' || engine === 'mariadb')) {
    return {
      metric: 'BinLogDiskUsage',
      statistic: 'Maximum',
      dimension: 'DBInstanceIdentifier',
      measure: 'growth',
      unit: 'bytes of binlog',
    };
  }
  if (kind === 'rds-instance' && engine === 'postgres') {
    return {
      metric: 'TransactionLogsGeneration',
      statistic: 'Average',
      dimension: 'DBInstanceIdentifier',
      measure: 'rate',
      unit: 'bytes of WAL',
    };
  }
  if (kind === 'rds-cluster' && (engine === 'aurora-mysql' || engine === 'aurora')) {
    return {
      metric: 'DMLThroughput',
      statistic: 'Average',
      dimension: 'DBClusterIdentifier',
      measure: 'rate',
      unit: 'inserts, updates and deletes',
    };
  }
  return { none: `lifeboat reads no write metric for ${engine} (${kind})` };
}

/**
 * The writes a series shows: a level's increases (a MySQL binary log is purged as RDS uploads it,
 * so only growth counts, a lower bound), or a rate's datapoints times their period.
 */
export function writesIn(points: MetricDatapoint[], metric: WriteMetric, periodSeconds: number): number {
  if (metric.measure === 'rate') {
    return Math.round(points.reduce((sum, p) => sum + Math.max(0, p.value) * periodSeconds, 0));
  }
  let grown = 0;
  for (let i = 1; i < points.length; i++) {
    const step = (points[i]?.value ?? 0) - (points[i - 1]?.value ?? 0);
    if (step > 0) grown += step;
  }
  return Math.round(grown);
}

const hhmm = (iso: string) => `${new Date(iso).toISOString().slice(11, 16)} UTC`;

/**
 * The database writes port on CloudWatch: reads the database's engine (and whether MySQL writes a
 * binary log at all) from RDS, then the engine's write metric since `since`. No datapoints, an
 * engine without a metric or a MySQL without binary log: `unmeasured`, saying so.
 */
export function metricDatabaseWrites(
  metrics: (region: string) => RdsMetricsPort,
  databases: (region: string) => DatabaseRestorePort,
  clock: Clock,
): DatabaseWritesPort {
  return {
    async writesSince(_site: Site, database: WatchedDatabase): Promise<DatabaseWrites> {
      const base = { restored: true, database: database.identifier, since: database.since };
      const state = await databases(database.region).describeRestored(
        database.kind,
        database.identifier,
        database.instanceIdentifier,
      );
      if (state === undefined) return { ...base, unmeasured: `${database.identifier} is gone` };
      if (state.engine === undefined) {
        return { ...base, unmeasured: `RDS did not say the engine of ${database.identifier}` };
      }
      const metric = writeMetricFor(database.kind, state.engine);
      if ('none' in metric) return { ...base, unmeasured: metric.none };
      if (metric.metric === 'BinLogDiskUsage' && state.backupRetentionDays === 0) {
        return {
          ...base,
          metric: metric.metric,
          unmeasured: `automated backups of ${database.identifier} are off, so it writes no binary log to measure`,
        };
      }
      const points = await metrics(database.region).datapoints({
        metric: metric.metric,
        statistic: metric.statistic,
        dimension: metric.dimension,
        identifier: database.identifier,
        since: new Date(database.since),
        until: clock.now(),
        periodSeconds: WRITE_METRIC_PERIOD_SECONDS,
      });
      if (points.length === 0) {
        return {
          ...base,
          metric: metric.metric,
          unmeasured: `CloudWatch has no ${metric.metric} datapoints of ${database.identifier} since ${hhmm(database.since)}`,
        };
      }
      return {
        ...base,
        metric: metric.metric,
        unit: metric.unit,
        writes: writesIn(points, metric, WRITE_METRIC_PERIOD_SECONDS),
      };
    },
  };
}
