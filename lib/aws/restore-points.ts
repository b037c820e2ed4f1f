import { type EC2Client, paginateDescribeSnapshots } from '@aws-sdk/client-ec2';
import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  type RDSClient,
  type Tag,
} from '@aws-sdk/client-rds';
import type { DatabaseRestoreInfo, RestorePoint, Tags } from '../readiness/ports';
import { awsErrorCode, translateAwsError } from './errors';

function tagsOf(tags: Tag[] | undefined): Tags {
  const out: Tags = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

const NOT_FOUND = new Set([
  'DBSnapshotNotFound',
  'DBSnapshotNotFoundFault',
  'DBClusterSnapshotNotFoundFault',
  'DBInstanceNotFound',
  'DBInstanceNotFoundFault',
  'DBClusterNotFoundFault',
]);

type DbKind = 'rds-instance' | 'rds-cluster';

/** What a recovery could restore from in one region: EBS snapshots, DB snapshots, PITR windows. */
export class RestorePointReader {
  constructor(
    private readonly ec2: EC2Client,
    private readonly rds: RDSClient,
    readonly region: string,
  ) {}

  /**
   * The snapshots among `ids` this account owns in this region. A `snapshot-id` filter, not
   * `SnapshotIds`, which fails the whole call (InvalidSnapshot.NotFound) when one is missing.
   */
  async ebsSnapshots(ids: string[]): Promise<RestorePoint[]> {
    if (ids.length === 0) return [];
    const found: RestorePoint[] = [];
    try {
      for await (const page of paginateDescribeSnapshots(
        { client: this.ec2 },
        { OwnerIds: ['self'], Filters: [{ Name: 'snapshot-id', Values: ids }] },
      )) {
        for (const s of page.Snapshots ?? []) {
          if (s.SnapshotId === undefined) continue;
          const state = s.State ?? 'pending';
          found.push({ id: s.SnapshotId, usable: state === 'completed', state, tags: tagsOf(s.Tags) });
        }
      }
    } catch (error) {
      throw translateAwsError(error, 'EC2 DescribeSnapshots', { region: this.region, ids });
    }
    return found;
  }

  /** A manual DB (cluster) snapshot by identifier, or undefined. */
  async dbSnapshot(kind: DbKind, identifier: string): Promise<RestorePoint | undefined> {
    try {
      if (kind === 'rds-instance') {
        const out = await this.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier }));
        const s = out.DBSnapshots?.[0];
        if (s === undefined) return undefined;
        const state = s.Status ?? 'creating';
        return { id: identifier, usable: state === 'available', state, tags: tagsOf(s.TagList) };
      }
      const out = await this.rds.send(
        new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: identifier }),
      );
      const s = out.DBClusterSnapshots?.[0];
      if (s === undefined) return undefined;
      const state = s.Status ?? 'creating';
      return { id: identifier, usable: state === 'available', state, tags: tagsOf(s.TagList) };
    } catch (error) {
      if (NOT_FOUND.has(awsErrorCode(error) ?? '')) return undefined;
      throw translateAwsError(error, 'RDS DescribeDBSnapshots', { region: this.region, identifier });
    }
  }

  /**
   * The database's status and point-in-time window, or undefined if it does not exist.
   * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIT.html
   */
  async database(kind: DbKind, id: string): Promise<DatabaseRestoreInfo | undefined> {
    try {
      if (kind === 'rds-instance') {
        const out = await this.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
        const db = out.DBInstances?.[0];
        if (db === undefined) return undefined;
        return {
          status: db.DBInstanceStatus ?? 'unknown',
          backupRetentionDays: db.BackupRetentionPeriod ?? 0,
          latestRestorableTime: db.LatestRestorableTime?.toISOString(),
        };
      }
      const out = await this.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
      const db = out.DBClusters?.[0];
      if (db === undefined) return undefined;
      return {
        status: db.Status ?? 'unknown',
        backupRetentionDays: db.BackupRetentionPeriod ?? 0,
        latestRestorableTime: db.LatestRestorableTime?.toISOString(),
        earliestRestorableTime: db.EarliestRestorableTime?.toISOString(),
      };
    } catch (error) {
      if (NOT_FOUND.has(awsErrorCode(error) ?? '')) return undefined;
      throw translateAwsError(error, 'RDS DescribeDB', { region: this.region, id });
    }
  }
}
