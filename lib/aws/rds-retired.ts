import {
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  paginateDescribeDBClusterSnapshots,
  paginateDescribeDBClusters,
  paginateDescribeDBInstances,
  paginateDescribeDBSnapshots,
  type RDSClient,
  StopDBClusterCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import type { DatabaseKind } from '../recovery/model';
import type { RetiredDatabase, RetiredDatabasesPort, RetiredSnapshot } from '../retention/ports';
import {
  finalSnapshotIdentifier,
  fromTagList,
  RDS_SNAPSHOT_PREFIX,
  TAG,
  type Tags,
} from '../tags/vocabulary';
import { awsErrorCode, translateAwsError } from './errors';

const NOT_FOUND = new Set(['DBInstanceNotFound', 'DBInstanceNotFoundFault', 'DBClusterNotFoundFault']);
const SNAPSHOT_EXISTS = new Set(['DBSnapshotAlreadyExists', 'DBSnapshotAlreadyExistsFault']);
/** Already stopping, starting or being deleted: the next run looks again. */
const BUSY = new Set(['InvalidDBInstanceState', 'InvalidDBInstanceStateFault', 'InvalidDBClusterStateFault']);

const carries = (tags: Tags, selector: Tags) =>
  tags[TAG.retainUntil] !== undefined && Object.entries(selector).every(([k, v]) => tags[k] === v);

/**
 * The restored databases a promote stopped (tagged lifeboat:retain-until) and their final
 * snapshots, in one region, for retention. DescribeDB* take no tag filters (and moto rejects
 * them): the lifeboat-* names are listed and their tags compared here.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_StopInstance.html
 */
export class RdsRetiredAdapter implements RetiredDatabasesPort {
  constructor(
    private readonly rds: RDSClient,
    readonly region: string,
  ) {}

  async databases(selector: Tags): Promise<RetiredDatabase[]> {
    const out: RetiredDatabase[] = [];
    try {
      for await (const page of paginateDescribeDBInstances({ client: this.rds }, {})) {
        for (const db of page.DBInstances ?? []) {
          const tags = fromTagList(db.TagList);
          // An Aurora member is retired with its cluster.
          if (db.DBClusterIdentifier !== undefined || !carries(tags, selector)) continue;
          if (!(db.DBInstanceIdentifier ?? '').startsWith(RDS_SNAPSHOT_PREFIX)) continue;
          out.push({
            kind: 'rds-instance',
            identifier: db.DBInstanceIdentifier ?? '',
            status: db.DBInstanceStatus ?? 'unknown',
            tags,
          });
        }
      }
      for await (const page of paginateDescribeDBClusters({ client: this.rds }, {})) {
        for (const cluster of page.DBClusters ?? []) {
          const tags = fromTagList(cluster.TagList);
          if (!carries(tags, selector)) continue;
          if (!(cluster.DBClusterIdentifier ?? '').startsWith(RDS_SNAPSHOT_PREFIX)) continue;
          out.push({
            kind: 'rds-cluster',
            identifier: cluster.DBClusterIdentifier ?? '',
            status: cluster.Status ?? 'unknown',
            members: (cluster.DBClusterMembers ?? []).flatMap((m) =>
              m.DBInstanceIdentifier === undefined ? [] : [m.DBInstanceIdentifier],
            ),
            tags,
          });
        }
      }
    } catch (error) {
      throw translateAwsError(error, 'RDS DescribeDBInstances/DescribeDBClusters', { region: this.region });
    }
    return out;
  }

  async snapshots(selector: Tags): Promise<RetiredSnapshot[]> {
    const out: RetiredSnapshot[] = [];
    try {
      for await (const page of paginateDescribeDBSnapshots(
        { client: this.rds },
        { SnapshotType: 'manual' },
      )) {
        for (const s of page.DBSnapshots ?? []) {
          const tags = fromTagList(s.TagList);
          if (carries(tags, selector))
            out.push({ kind: 'rds-instance', identifier: s.DBSnapshotIdentifier ?? '', tags });
        }
      }
      for await (const page of paginateDescribeDBClusterSnapshots(
        { client: this.rds },
        { SnapshotType: 'manual' },
      )) {
        for (const s of page.DBClusterSnapshots ?? []) {
          const tags = fromTagList(s.TagList);
          if (carries(tags, selector))
            out.push({ kind: 'rds-cluster', identifier: s.DBClusterSnapshotIdentifier ?? '', tags });
        }
      }
    } catch (error) {
      throw translateAwsError(error, 'RDS DescribeDBSnapshots', { region: this.region });
    }
    return out.filter((s) => s.identifier !== '');
  }

  /**
   * Stops it again; an instance the promote could not stop (it was busy then) gets its final
   * snapshot now (a snapshot already there: RDS restarted a stopped one, stop without).
   */
  async stop(kind: DatabaseKind, identifier: string): Promise<'stopping' | 'busy' | 'gone'> {
    try {
      if (kind === 'rds-instance') {
        try {
          await this.rds.send(
            new StopDBInstanceCommand({
              DBInstanceIdentifier: identifier,
              DBSnapshotIdentifier: finalSnapshotIdentifier(identifier),
            }),
          );
        } catch (error) {
          if (!SNAPSHOT_EXISTS.has(awsErrorCode(error) ?? '')) throw error;
          await this.rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: identifier }));
        }
      } else {
        await this.rds.send(new StopDBClusterCommand({ DBClusterIdentifier: identifier }));
      }
      return 'stopping';
    } catch (error) {
      return this.outcome(
        error,
        kind === 'rds-instance' ? 'RDS StopDBInstance' : 'RDS StopDBCluster',
        identifier,
      );
    }
  }

  /** Deletes it without another snapshot: the one taken as it was stopped holds its data. */
  async delete(database: RetiredDatabase): Promise<'deleting' | 'busy' | 'gone'> {
    try {
      if (database.kind === 'rds-instance') {
        await this.rds.send(
          new DeleteDBInstanceCommand({
            DBInstanceIdentifier: database.identifier,
            SkipFinalSnapshot: true,
            DeleteAutomatedBackups: true,
          }),
        );
      } else {
        for (const member of database.members ?? []) {
          try {
            await this.rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: member }));
          } catch (error) {
            if (!NOT_FOUND.has(awsErrorCode(error) ?? '') && !BUSY.has(awsErrorCode(error) ?? ''))
              throw error;
          }
        }
        await this.rds.send(
          new DeleteDBClusterCommand({ DBClusterIdentifier: database.identifier, SkipFinalSnapshot: true }),
        );
      }
      return 'deleting';
    } catch (error) {
      return this.outcome(
        error,
        database.kind === 'rds-instance' ? 'RDS DeleteDBInstance' : 'RDS DeleteDBCluster',
        database.identifier,
      );
    }
  }

  private outcome(error: unknown, operation: string, identifier: string): 'busy' | 'gone' {
    const code = awsErrorCode(error) ?? '';
    if (NOT_FOUND.has(code)) return 'gone';
    if (BUSY.has(code)) return 'busy';
    throw translateAwsError(error, operation, { region: this.region, identifier });
  }
}
