import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AwsClients } from '../aws/clients';
import { defaultClients } from '../aws/clients';
import { Ec2Adapter, ec2Client } from '../aws/ec2';
import { type DbSnapshotInfo, RdsAdapter, rdsClient } from '../aws/rds';
import { RdsRetiredAdapter } from '../aws/rds-retired';
import { EbsSnapshotEvidence } from '../aws/snapshot-evidence';
import { SnapshotLockAdapter } from '../aws/snapshot-lock';
import { SqsAdapter, sqsClient } from '../aws/sqs';
import type { Catalog } from '../catalog/catalog';
import { defaultCatalog } from '../catalog/default';
import { getStringFromEnv } from '../env';
import { defaultMetrics, METRIC } from '../telemetry/metrics';
import { accountOfArn, type ObservedSnapshot } from '../trust/verify-snapshot';
import type { RetentionEbsPort, RetentionPorts, RetentionRdsPort, RetentionTelemetry } from './ports';
import type { RetentionContinuationPort } from './retention-queue';

/** Snapshots retention refused to delete (AWS did not confirm the record): an alarm-worthy count. */
export const REFUSED_METRIC = 'SnapshotDeletionsRefused';

/** Retention's counts as CloudWatch metrics with a `site` dimension. */
export function retentionMetrics(target = defaultMetrics()): RetentionTelemetry {
  const emit = (site: string, name: string, value: number) => {
    const single = target.singleMetric();
    single.addDimension('site', site);
    single.addMetric(name, MetricUnit.Count, value);
  };
  return {
    refused: (site, count) => emit(site, REFUSED_METRIC, count),
    deleted: (site, count) => emit(site, METRIC.retentionDeleted, count),
    unreadableRecords: (site, count) => emit(site, METRIC.unreadableRecords, count),
  };
}

function memo<T>(make: (region: string) => T): (region: string) => T {
  const made = new Map<string, T>();
  return (region) => {
    let port = made.get(region);
    if (port === undefined) {
      port = make(region);
      made.set(region, port);
    }
    return port;
  };
}

/** The retention ports on real AWS (or the emulator the clients point at); adapters built once per region. */
export function retentionPorts(
  clients: AwsClients,
  catalog: Catalog,
  telemetry?: RetentionTelemetry,
): RetentionPorts {
  return {
    catalog,
    telemetry,
    ebs: memo((region): RetentionEbsPort => {
      const evidence = new EbsSnapshotEvidence(ec2Client(clients, region), region);
      const ec2 = new Ec2Adapter(ec2Client(clients, region), region);
      return {
        snapshotsWithTags: (tags) => evidence.withTags(tags),
        snapshotById: (id) => evidence.byId(id),
        deleteSnapshot: (id) => ec2.deleteSnapshot(id),
      };
    }),
    rds: memo((region): RetentionRdsPort => {
      const rds = new RdsAdapter(rdsClient(clients, region), region);
      const observed = (s: DbSnapshotInfo): ObservedSnapshot => ({
        service: 'rds',
        region,
        id: s.identifier,
        ownerAccountId: accountOfArn(s.arn),
        state: s.state,
        tags: s.tags,
      });
      return {
        snapshot: async (kind, identifier) => {
          const s = await rds.findSnapshot(kind, identifier);
          return s === undefined ? undefined : observed(s);
        },
        snapshotsOf: async (kind, sourceId) => (await rds.snapshotsOf(kind, sourceId)).map(observed),
        deleteSnapshot: (kind, identifier) => rds.deleteSnapshot(kind, identifier),
      };
    }),
    locks: memo((region) => new SnapshotLockAdapter(ec2Client(clients, region), region)),
    retired: memo((region) => new RdsRetiredAdapter(rdsClient(clients, region), region)),
  };
}

let processPorts: RetentionPorts | undefined;

/** The process-wide retention ports: clients from the environment, the CATALOG_BUCKET catalog, metrics. */
export function defaultRetentionPorts(): RetentionPorts {
  processPorts ??= retentionPorts(defaultClients(), defaultCatalog(), retentionMetrics());
  return processPorts;
}

/** A run's continuations sent to the queue at `queueUrl` (RetentionRunQueue), as JSON. */
export function retentionContinuations(clients: AwsClients, queueUrl: string): RetentionContinuationPort {
  const queue = new SqsAdapter(sqsClient(clients), queueUrl);
  return {
    send: async (next) => {
      await queue.send(JSON.stringify(next));
    },
  };
}

let processContinuations: RetentionContinuationPort | undefined;

/** The process-wide continuation port: RETENTION_QUEUE_URL (the template's RetentionRunQueue). */
export function defaultRetentionContinuations(): RetentionContinuationPort {
  processContinuations ??= retentionContinuations(defaultClients(), getStringFromEnv('RETENTION_QUEUE_URL'));
  return processContinuations;
}
