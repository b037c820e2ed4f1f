import {
  AddTagsToResourceCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  type DBCluster,
  type DBInstance,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  type RDSClient,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBClusterToPointInTimeCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  RestoreDBInstanceToPointInTimeCommand,
  StopDBClusterCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { DatabaseRestoreFailedError, NotFoundError, NotReadyError, SnapshotMismatchError } from '../errors';
import type { DatabaseKind } from '../recovery/model';
import type {
  DatabaseRestorePort,
  DatabaseRestoreRequest,
  RestoredDatabaseState,
  SourceDatabase,
  StoppedDatabase,
} from '../recovery/ports';
import { fromTagList, type Tags, toTagList } from '../tags/vocabulary';
import { awsErrorCode, translateAwsError } from './errors';
import { required } from './required';

/**
 * RDS statuses a restored database does not come back from: the restore itself failed.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/accessing-monitoring.html#Overview.DBInstance.Status
 */
const FAILED_STATUSES = new Set([
  'failed',
  'incompatible-restore',
  'incompatible-parameters',
  'incompatible-network',
  'incompatible-option-group',
  'inaccessible-encryption-credentials',
  'inaccessible-encryption-credentials-recoverable',
  'restore-error',
  'storage-full',
]);

/** Codes that say the backup (its snapshot, or the restore window) cannot give a database: walk back. */
const RESTORE_REFUSED = new Set([
  'DBSnapshotNotFound',
  'DBSnapshotNotFoundFault',
  'DBClusterSnapshotNotFoundFault',
  'InvalidDBSnapshotState',
  'InvalidDBSnapshotStateFault',
  'InvalidDBClusterSnapshotStateFault',
  'InvalidRestoreFault',
  'PointInTimeRestoreNotEnabled',
  'PointInTimeRestoreNotEnabledFault',
]);
const ALREADY_EXISTS = new Set([
  'DBInstanceAlreadyExists',
  'DBInstanceAlreadyExistsFault',
  'DBClusterAlreadyExistsFault',
]);
const NOT_FOUND = new Set(['DBInstanceNotFound', 'DBInstanceNotFoundFault', 'DBClusterNotFoundFault']);
const SNAPSHOT_EXISTS = new Set([
  'DBSnapshotAlreadyExists',
  'DBSnapshotAlreadyExistsFault',
  'DBClusterSnapshotAlreadyExistsFault',
]);
/** Already being deleted (a retried retire). */
const GOING = new Set([
  'InvalidDBInstanceState',
  'InvalidDBInstanceStateFault',
  'InvalidDBClusterStateFault',
]);

const DAY_MS = 24 * 60 * 60 * 1000;

function stateOf(status: string): RestoredDatabaseState['state'] {
  if (status === 'available') return 'available';
  return FAILED_STATUSES.has(status) ? 'failed' : 'pending';
}

/**
 * Restores of a site's DB instance or Aurora cluster in one region, and their retirement. Every
 * restore is private (PubliclyAccessible false), in the subnet group and security groups given,
 * tagged at creation, without deletion protection (lifeboat deletes what it restored).
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_RestoreFromSnapshot.html
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIT.html
 */
export class RdsRestoreAdapter implements DatabaseRestorePort {
  constructor(
    private readonly rds: RDSClient,
    readonly region: string,
  ) {}

  async describeSource(kind: DatabaseKind, id: string): Promise<SourceDatabase> {
    return kind === 'rds-instance' ? this.sourceInstance(id) : this.sourceCluster(id);
  }

  async restore(request: DatabaseRestoreRequest): Promise<void> {
    const { identifier } = request;
    try {
      await this.sendRestore(request);
    } catch (error) {
      if (!ALREADY_EXISTS.has(awsErrorCode(error) ?? '')) throw this.restoreError(error, request);
    }
    if (request.kind === 'rds-cluster') {
      const instance = required(request.instanceIdentifier, 'RDS CreateDBInstance.DBInstanceIdentifier', {
        identifier,
      });
      try {
        await this.rds.send(
          new CreateDBInstanceCommand({
            DBInstanceIdentifier: instance,
            DBClusterIdentifier: identifier,
            Engine: request.engine,
            DBInstanceClass: request.instanceClass,
            PubliclyAccessible: false,
            Tags: toTagList(request.tags),
          }),
        );
      } catch (error) {
        const code = awsErrorCode(error) ?? '';
        // AWS creates a restored cluster's instances only once the cluster is available (moto at
        // once): until then the step is called again, and the cluster's restore is not repeated.
        if (code === 'InvalidDBClusterStateFault') {
          const status = (await this.cluster(identifier))?.Status ?? 'gone';
          if (status === 'gone' || stateOf(status) === 'failed') {
            throw new DatabaseRestoreFailedError(
              `the restored cluster ${identifier} is ${status}: no writer can be added`,
              {
                region: this.region,
                identifier,
                status,
              },
            );
          }
          throw new NotReadyError(
            `cluster ${identifier} is ${status}: its writer ${instance} is added once it is available`,
            {
              region: this.region,
              identifier,
              instance,
            },
          );
        }
        if (!ALREADY_EXISTS.has(code)) throw this.restoreError(error, request);
      }
    }
  }

  async describeRestored(
    kind: DatabaseKind,
    identifier: string,
    instanceIdentifier?: string,
  ): Promise<RestoredDatabaseState | undefined> {
    if (kind === 'rds-instance') {
      const db = await this.instance(identifier);
      if (db === undefined) return undefined;
      const status = required(db.DBInstanceStatus, 'RDS DescribeDBInstances.DBInstanceStatus', {
        identifier,
      });
      return {
        state: stateOf(status),
        status,
        address: db.Endpoint?.Address,
        port: db.Endpoint?.Port,
        ...(db.Engine === undefined ? {} : { engine: db.Engine }),
        ...(db.BackupRetentionPeriod === undefined ? {} : { backupRetentionDays: db.BackupRetentionPeriod }),
        tags: fromTagList(db.TagList),
      };
    }
    const cluster = await this.cluster(identifier);
    if (cluster === undefined) return undefined;
    const clusterStatus = required(cluster.Status, 'RDS DescribeDBClusters.Status', { identifier });
    const writer = instanceIdentifier === undefined ? undefined : await this.instance(instanceIdentifier);
    const writerStatus = writer?.DBInstanceStatus ?? 'creating';
    // The cluster answers on its endpoint only once it has an available instance.
    const status = clusterStatus === 'available' ? writerStatus : clusterStatus;
    return {
      state: stateOf(status),
      status,
      address: cluster.Endpoint,
      port: cluster.Port,
      ...(cluster.Engine === undefined ? {} : { engine: cluster.Engine }),
      ...(cluster.BackupRetentionPeriod === undefined
        ? {}
        : { backupRetentionDays: cluster.BackupRetentionPeriod }),
      tags: fromTagList(cluster.TagList),
    };
  }

  async stopRetired(input: {
    kind: DatabaseKind;
    identifier: string;
    instanceIdentifier?: string;
    finalSnapshotId: string;
    expect: Tags;
    tags: Tags;
  }): Promise<StoppedDatabase> {
    const found =
      input.kind === 'rds-instance'
        ? await this.instance(input.identifier)
        : await this.cluster(input.identifier);
    if (found === undefined) return { status: 'deleted' };
    const arn = 'DBInstanceArn' in found ? found.DBInstanceArn : (found as DBCluster).DBClusterArn;
    const status =
      ('DBInstanceStatus' in found ? found.DBInstanceStatus : (found as DBCluster).Status) ?? 'unknown';
    const tags = fromTagList(found.TagList);
    const mismatches = Object.entries(input.expect)
      .filter(([key, value]) => tags[key] !== value)
      .map(([key, value]) => ({ field: `tag ${key}`, expected: value, actual: tags[key] }));
    if (mismatches.length > 0) {
      throw new SnapshotMismatchError(
        `refusing to stop database ${input.identifier} in ${this.region}: ${mismatches
          .map(
            (m) =>
              `${m.field} is ${m.actual === undefined ? 'missing' : `"${m.actual}"`}, expected "${m.expected}"`,
          )
          .join('; ')}`,
        { region: this.region, identifier: input.identifier, mismatches },
      );
    }
    // Re-stating the checked tags with the new one: IAM allows tagging only with lifeboat:managed in the request.
    const retired = { ...input.expect, ...input.tags };
    await this.tag(required(arn, 'RDS Describe.Arn', { identifier: input.identifier }), retired);
    if (status === 'stopped' || status === 'stopping') {
      await this.tagFinalSnapshot(input.kind, input.finalSnapshotId, retired);
      return { status, finalSnapshotId: input.finalSnapshotId };
    }
    if (status !== 'available') {
      // Being backed up, modified or snapshotted: RDS stops only an available database.
      throw new NotReadyError(`database ${input.identifier} is ${status}, not stoppable yet`, {
        identifier: input.identifier,
        status,
      });
    }
    try {
      if (input.kind === 'rds-instance') {
        await this.stopInstance(input.identifier, input.finalSnapshotId);
      } else {
        // StopDBCluster takes no snapshot: take it first (a retried call finds it there).
        try {
          await this.rds.send(
            new CreateDBClusterSnapshotCommand({
              DBClusterIdentifier: input.identifier,
              DBClusterSnapshotIdentifier: input.finalSnapshotId,
              Tags: toTagList(retired),
            }),
          );
        } catch (error) {
          if (!SNAPSHOT_EXISTS.has(awsErrorCode(error) ?? '')) throw error;
        }
        await this.rds.send(new StopDBClusterCommand({ DBClusterIdentifier: input.identifier }));
      }
    } catch (error) {
      const code = awsErrorCode(error) ?? '';
      if (NOT_FOUND.has(code)) return { status: 'deleted' };
      if (GOING.has(code)) {
        throw new NotReadyError(`database ${input.identifier} cannot be stopped yet (${code})`, {
          identifier: input.identifier,
          code,
        });
      }
      throw translateAwsError(
        error,
        input.kind === 'rds-instance' ? 'RDS StopDBInstance' : 'RDS StopDBCluster',
        {
          region: this.region,
          identifier: input.identifier,
        },
      );
    }
    if (input.kind === 'rds-instance')
      await this.tagFinalSnapshot(input.kind, input.finalSnapshotId, {
        ...input.expect,
        ...input.tags,
      });
    return { status: 'stopping', finalSnapshotId: input.finalSnapshotId };
  }

  /** StopDBInstance with its final snapshot; a snapshot already there (a retried call) stops without one. */
  private async stopInstance(identifier: string, snapshotId: string): Promise<void> {
    try {
      await this.rds.send(
        new StopDBInstanceCommand({ DBInstanceIdentifier: identifier, DBSnapshotIdentifier: snapshotId }),
      );
    } catch (error) {
      if (!SNAPSHOT_EXISTS.has(awsErrorCode(error) ?? '')) throw error;
      await this.rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: identifier }));
    }
  }

  private async tag(arn: string, tags: Tags): Promise<void> {
    try {
      await this.rds.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: toTagList(tags) }));
    } catch (error) {
      throw translateAwsError(error, 'RDS AddTagsToResource', { region: this.region, arn });
    }
  }

  /** The instance's final snapshot carries the retain-until too (StopDBInstance tags it with nothing). */
  private async tagFinalSnapshot(kind: DatabaseKind, snapshotId: string, tags: Tags): Promise<void> {
    if (kind !== 'rds-instance') return;
    let arn: string | undefined;
    try {
      const out = await this.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotId }));
      arn = out.DBSnapshots?.[0]?.DBSnapshotArn;
    } catch (error) {
      if (['DBSnapshotNotFound', 'DBSnapshotNotFoundFault'].includes(awsErrorCode(error) ?? '')) return;
      throw translateAwsError(error, 'RDS DescribeDBSnapshots', { region: this.region, snapshotId });
    }
    if (arn !== undefined) await this.tag(arn, tags);
  }

  async retire(input: {
    kind: DatabaseKind;
    identifier: string;
    instanceIdentifier?: string;
    finalSnapshotId: string;
  }): Promise<{ finalSnapshotId?: string; status: string }> {
    const current = await this.describeRestored(input.kind, input.identifier, input.instanceIdentifier);
    if (current === undefined) return { status: 'deleted' };
    // A database that never became available has had no writes: nothing to keep (and RDS can
    // snapshot only an available one).
    const keep = current.status === 'available' || current.status === 'stopped';
    const final = keep
      ? { FinalDBSnapshotIdentifier: input.finalSnapshotId }
      : { SkipFinalSnapshot: true as const };
    try {
      if (input.kind === 'rds-instance') {
        await this.rds.send(
          new DeleteDBInstanceCommand({
            DBInstanceIdentifier: input.identifier,
            ...final,
          }),
        );
      } else {
        // An Aurora cluster is deleted after its instances; its members take no final snapshot.
        if (input.instanceIdentifier !== undefined) await this.deleteMember(input.instanceIdentifier);
        await this.rds.send(
          new DeleteDBClusterCommand({
            DBClusterIdentifier: input.identifier,
            ...final,
          }),
        );
      }
    } catch (error) {
      const code = awsErrorCode(error) ?? '';
      if (NOT_FOUND.has(code)) return { status: 'deleted' };
      if (GOING.has(code)) return { status: current.status };
      throw translateAwsError(
        error,
        input.kind === 'rds-instance' ? 'RDS DeleteDBInstance' : 'RDS DeleteDBCluster',
        {
          region: this.region,
          identifier: input.identifier,
        },
      );
    }
    return { status: 'deleting', ...(keep ? { finalSnapshotId: input.finalSnapshotId } : {}) };
  }

  async discard(input: {
    kind: DatabaseKind;
    identifier: string;
    instanceIdentifier?: string;
    expected: Tags;
  }): Promise<{ status: string }> {
    const { kind, identifier } = input;
    const found =
      kind === 'rds-instance'
        ? await this.instance(identifier).then(
            (db) => db && { status: db.DBInstanceStatus, tags: db.TagList },
          )
        : await this.cluster(identifier).then((c) => c && { status: c.Status, tags: c.TagList });
    if (found === undefined) return { status: 'deleted' };
    // AWS is the truth: only a database tagged as this drill's own copy is thrown away unsnapshotted.
    const tags = fromTagList(found.tags);
    const mismatches = Object.entries(input.expected)
      .filter(([key, value]) => tags[key] !== value)
      .map(
        ([key, value]) =>
          `${key} is ${tags[key] === undefined ? 'missing' : `"${tags[key]}"`}, expected "${value}"`,
      );
    if (mismatches.length > 0) {
      const what = kind === 'rds-instance' ? 'DB instance' : 'DB cluster';
      throw new SnapshotMismatchError(
        `refusing to delete ${what} ${identifier} in ${this.region} without a final snapshot: ${mismatches.join('; ')}`,
        { region: this.region, identifier, action: 'discard', mismatches },
      );
    }
    try {
      if (kind === 'rds-instance') {
        await this.rds.send(
          new DeleteDBInstanceCommand({ DBInstanceIdentifier: identifier, SkipFinalSnapshot: true }),
        );
      } else {
        if (input.instanceIdentifier !== undefined) await this.deleteMember(input.instanceIdentifier);
        await this.rds.send(
          new DeleteDBClusterCommand({ DBClusterIdentifier: identifier, SkipFinalSnapshot: true }),
        );
      }
    } catch (error) {
      const code = awsErrorCode(error) ?? '';
      if (NOT_FOUND.has(code)) return { status: 'deleted' };
      if (GOING.has(code)) return { status: found.status ?? 'unknown' };
      throw translateAwsError(
        error,
        kind === 'rds-instance' ? 'RDS DeleteDBInstance' : 'RDS DeleteDBCluster',
        {
          region: this.region,
          identifier,
        },
      );
    }
    return { status: 'deleting' };
  }

  private async deleteMember(instance: string): Promise<void> {
    try {
      await this.rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: instance }));
    } catch (error) {
      const code = awsErrorCode(error) ?? '';
      if (NOT_FOUND.has(code) || GOING.has(code)) return;
      throw translateAwsError(error, 'RDS DeleteDBInstance', { region: this.region, identifier: instance });
    }
  }

  private async sendRestore(request: DatabaseRestoreRequest): Promise<void> {
    const common = {
      DBSubnetGroupName: request.subnetGroup,
      VpcSecurityGroupIds: request.securityGroups,
      Tags: toTagList(request.tags),
      DeletionProtection: false,
    };
    const { from } = request;
    const instance = {
      ...common,
      DBInstanceClass: request.instanceClass,
      PubliclyAccessible: false,
      MultiAZ: false,
    };
    if ('sourceId' in from) {
      // Without a time, the latest restorable one: the outage began after it.
      const latest = from.restoreTime === undefined;
      if (request.kind === 'rds-instance') {
        await this.rds.send(
          new RestoreDBInstanceToPointInTimeCommand({
            ...instance,
            SourceDBInstanceIdentifier: from.sourceId,
            TargetDBInstanceIdentifier: request.identifier,
            ...(latest
              ? { UseLatestRestorableTime: true }
              : { RestoreTime: new Date(from.restoreTime ?? '') }),
          }),
        );
      } else {
        await this.rds.send(
          new RestoreDBClusterToPointInTimeCommand({
            ...common,
            DBClusterIdentifier: request.identifier,
            SourceDBClusterIdentifier: from.sourceId,
            RestoreType: 'full-copy',
            ...(latest
              ? { UseLatestRestorableTime: true }
              : { RestoreToTime: new Date(from.restoreTime ?? '') }),
          }),
        );
      }
    } else if (request.kind === 'rds-instance') {
      await this.rds.send(
        new RestoreDBInstanceFromDBSnapshotCommand({
          ...instance,
          DBInstanceIdentifier: request.identifier,
          DBSnapshotIdentifier: from.snapshotId,
        }),
      );
    } else {
      await this.rds.send(
        new RestoreDBClusterFromSnapshotCommand({
          ...common,
          DBClusterIdentifier: request.identifier,
          SnapshotIdentifier: from.snapshotId,
          Engine: request.engine,
        }),
      );
    }
  }

  /** A refusal that names the backup's snapshot or the restore window walks back; others fail the run. */
  private restoreError(error: unknown, request: DatabaseRestoreRequest): Error {
    const code = awsErrorCode(error) ?? '';
    const operation =
      'sourceId' in request.from
        ? `RDS Restore${request.kind === 'rds-instance' ? 'DBInstance' : 'DBCluster'}ToPointInTime`
        : request.kind === 'rds-instance'
          ? 'RDS RestoreDBInstanceFromDBSnapshot'
          : 'RDS RestoreDBClusterFromSnapshot';
    const context = { region: this.region, identifier: request.identifier, operation, code };
    if (RESTORE_REFUSED.has(code)) {
      const message = error instanceof Error ? error.message : String(error);
      return new DatabaseRestoreFailedError(`${operation} refused: ${code}: ${message}`, context, {
        cause: error,
      });
    }
    return translateAwsError(error, operation, context);
  }

  private async instance(identifier: string): Promise<DBInstance | undefined> {
    try {
      const out = await this.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
      return out.DBInstances?.[0];
    } catch (error) {
      if (NOT_FOUND.has(awsErrorCode(error) ?? '')) return undefined;
      throw translateAwsError(error, 'RDS DescribeDBInstances', { region: this.region, identifier });
    }
  }

  private async cluster(identifier: string): Promise<DBCluster | undefined> {
    try {
      const out = await this.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }));
      return out.DBClusters?.[0];
    } catch (error) {
      if (NOT_FOUND.has(awsErrorCode(error) ?? '')) return undefined;
      throw translateAwsError(error, 'RDS DescribeDBClusters', { region: this.region, identifier });
    }
  }

  private missing(kind: DatabaseKind, id: string): NotFoundError {
    return new NotFoundError(`the site's database ${id} (${kind}) does not exist in ${this.region}`, {
      region: this.region,
      id,
    });
  }

  /**
   * The window of an instance: from its creation or its retention period back from the latest
   * restorable time, whichever is later; none when automated backups are off (retention 0).
   */
  private async sourceInstance(id: string): Promise<SourceDatabase> {
    const db = await this.instance(id);
    if (db === undefined) throw this.missing('rds-instance', id);
    const op = 'RDS DescribeDBInstances';
    const retentionDays = db.BackupRetentionPeriod ?? 0;
    const latest = db.LatestRestorableTime;
    const window =
      retentionDays > 0 && latest !== undefined
        ? {
            earliest: new Date(
              Math.max(latest.getTime() - retentionDays * DAY_MS, db.InstanceCreateTime?.getTime() ?? 0),
            ).toISOString(),
            latest: latest.toISOString(),
          }
        : undefined;
    return {
      kind: 'rds-instance',
      id,
      engine: required(db.Engine, `${op}.Engine`, { id }),
      instanceClass: required(db.DBInstanceClass, `${op}.DBInstanceClass`, { id }),
      subnetGroup: db.DBSubnetGroup?.DBSubnetGroupName,
      securityGroups: (db.VpcSecurityGroups ?? []).flatMap((g) =>
        g.VpcSecurityGroupId === undefined ? [] : [g.VpcSecurityGroupId],
      ),
      ...(window === undefined ? {} : { restoreWindow: window }),
    };
  }

  private async sourceCluster(id: string): Promise<SourceDatabase> {
    const cluster = await this.cluster(id);
    if (cluster === undefined) throw this.missing('rds-cluster', id);
    const op = 'RDS DescribeDBClusters';
    const writerId = cluster.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier;
    const writer = writerId === undefined ? undefined : await this.instance(writerId);
    const { EarliestRestorableTime: earliest, LatestRestorableTime: latest } = cluster;
    return {
      kind: 'rds-cluster',
      id,
      engine: required(cluster.Engine, `${op}.Engine`, { id }),
      instanceClass: required(writer?.DBInstanceClass, 'RDS DescribeDBInstances.DBInstanceClass', {
        id: writerId ?? id,
      }),
      subnetGroup: cluster.DBSubnetGroup,
      securityGroups: (cluster.VpcSecurityGroups ?? []).flatMap((g) =>
        g.VpcSecurityGroupId === undefined ? [] : [g.VpcSecurityGroupId],
      ),
      ...(earliest !== undefined && latest !== undefined
        ? { restoreWindow: { earliest: earliest.toISOString(), latest: latest.toISOString() } }
        : {}),
    };
  }
}
