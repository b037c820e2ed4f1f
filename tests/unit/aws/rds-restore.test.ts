import {
  CreateDBInstanceCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
  RDSServiceException,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBClusterToPointInTimeCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  RestoreDBInstanceToPointInTimeCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { RdsRestoreAdapter } from '../../../lib/aws/rds-restore';
import {
  AwsCallError,
  DatabaseRestoreFailedError,
  NotReadyError,
  SnapshotMismatchError,
} from '../../../lib/errors';
import type { DatabaseRestoreRequest } from '../../../lib/recovery/ports';

const rdsMock = mockClient(RDSClient);

function awsError(name: string, status = 400): RDSServiceException {
  return new RDSServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
    message: name,
  });
}

const TAGS = { 'lifeboat:managed': 'true', 'lifeboat:role': 'replacement', 'lifeboat:stage': 'prod' };
const TAG_LIST = Object.entries(TAGS).map(([Key, Value]) => ({ Key, Value }));

function request(overrides: Partial<DatabaseRestoreRequest> = {}): DatabaseRestoreRequest {
  return {
    kind: 'rds-instance',
    identifier: 'lifeboat-blog-replacement-0a1b2c',
    from: { snapshotId: 'lifeboat-blog-20261122t020000z-scheduled' },
    engine: 'mysql',
    instanceClass: 'db.t3.micro',
    subnetGroup: 'blog-db-subnets',
    securityGroups: ['sg-0db0000000000000a'],
    tags: TAGS,
    ...overrides,
  };
}

describe('RdsRestoreAdapter (requests moto does not check)', () => {
  const rds = new RdsRestoreAdapter(new RDSClient({ region: 'us-east-1' }), 'us-east-1');

  beforeEach(() => {
    rdsMock.reset();
  });

  it('restores a DB snapshot private, in the site subnet group and security groups, tagged at creation', async () => {
    rdsMock.on(RestoreDBInstanceFromDBSnapshotCommand).resolves({});

    await rds.restore(request());

    expect(rdsMock).toHaveReceivedCommandWith(RestoreDBInstanceFromDBSnapshotCommand, {
      DBInstanceIdentifier: 'lifeboat-blog-replacement-0a1b2c',
      DBSnapshotIdentifier: 'lifeboat-blog-20261122t020000z-scheduled',
      DBInstanceClass: 'db.t3.micro',
      DBSubnetGroupName: 'blog-db-subnets',
      VpcSecurityGroupIds: ['sg-0db0000000000000a'],
      PubliclyAccessible: false,
      DeletionProtection: false,
      Tags: TAG_LIST,
    });
  });

  it('restores to a point in time with RestoreTime, or with UseLatestRestorableTime when no time is asked', async () => {
    rdsMock.on(RestoreDBInstanceToPointInTimeCommand).resolves({});

    await rds.restore(request({ from: { sourceId: 'blog-db', restoreTime: '2026-11-22T09:34:00.000Z' } }));
    await rds.restore(request({ from: { sourceId: 'blog-db' } }));

    const [timed, latest] = rdsMock
      .commandCalls(RestoreDBInstanceToPointInTimeCommand)
      .map((c) => c.args[0].input);
    expect(timed).toMatchObject({
      SourceDBInstanceIdentifier: 'blog-db',
      TargetDBInstanceIdentifier: 'lifeboat-blog-replacement-0a1b2c',
      RestoreTime: new Date('2026-11-22T09:34:00.000Z'),
      PubliclyAccessible: false,
      DBSubnetGroupName: 'blog-db-subnets',
      VpcSecurityGroupIds: ['sg-0db0000000000000a'],
      Tags: TAG_LIST,
    });
    expect(timed?.UseLatestRestorableTime).toBeUndefined();
    expect(latest).toMatchObject({ UseLatestRestorableTime: true });
    expect(latest?.RestoreTime).toBeUndefined();
  });

  it('Aurora: restores the cluster, then creates its private writer instance in it', async () => {
    rdsMock.on(RestoreDBClusterFromSnapshotCommand).resolves({}).on(CreateDBInstanceCommand).resolves({});
    rdsMock.on(RestoreDBClusterToPointInTimeCommand).resolves({});
    const cluster = request({
      kind: 'rds-cluster',
      identifier: 'lifeboat-shop-replacement-0a1b2c',
      instanceIdentifier: 'lifeboat-shop-replacement-0a1b2c-w',
      engine: 'aurora-mysql',
      instanceClass: 'db.r6g.large',
      from: { snapshotId: 'lifeboat-shop-20261122t020000z-scheduled' },
    });

    await rds.restore(cluster);
    await rds.restore({
      ...cluster,
      from: { sourceId: 'shop-aurora', restoreTime: '2026-11-22T09:34:00.000Z' },
    });

    expect(rdsMock).toHaveReceivedCommandWith(RestoreDBClusterFromSnapshotCommand, {
      DBClusterIdentifier: 'lifeboat-shop-replacement-0a1b2c',
      SnapshotIdentifier: 'lifeboat-shop-20261122t020000z-scheduled',
      Engine: 'aurora-mysql',
      DBSubnetGroupName: 'blog-db-subnets',
      VpcSecurityGroupIds: ['sg-0db0000000000000a'],
      Tags: TAG_LIST,
    });
    expect(rdsMock).toHaveReceivedCommandWith(RestoreDBClusterToPointInTimeCommand, {
      SourceDBClusterIdentifier: 'shop-aurora',
      RestoreToTime: new Date('2026-11-22T09:34:00.000Z'),
      RestoreType: 'full-copy',
    });
    expect(rdsMock).toHaveReceivedCommandWith(CreateDBInstanceCommand, {
      DBInstanceIdentifier: 'lifeboat-shop-replacement-0a1b2c-w',
      DBClusterIdentifier: 'lifeboat-shop-replacement-0a1b2c',
      Engine: 'aurora-mysql',
      DBInstanceClass: 'db.r6g.large',
      PubliclyAccessible: false,
      Tags: TAG_LIST,
    });
  });

  it.each([
    ['creating', NotReadyError],
    ['inaccessible-encryption-credentials', DatabaseRestoreFailedError],
  ])(
    'Aurora: while the restored cluster is %s AWS refuses its writer (created only once the cluster is available): %p, the restore not repeated',
    async (status, expected) => {
      rdsMock
        .on(RestoreDBClusterFromSnapshotCommand)
        .rejectsOnce(awsError('DBClusterAlreadyExistsFault'))
        .on(CreateDBInstanceCommand)
        .rejects(awsError('InvalidDBClusterStateFault'))
        .on(DescribeDBClustersCommand)
        .resolves({
          DBClusters: [{ DBClusterIdentifier: 'lifeboat-shop-replacement-0a1b2c', Status: status }],
        });
      const cluster = request({
        kind: 'rds-cluster',
        identifier: 'lifeboat-shop-replacement-0a1b2c',
        instanceIdentifier: 'lifeboat-shop-replacement-0a1b2c-w',
        engine: 'aurora-mysql',
        from: { snapshotId: 'lifeboat-shop-20261122t020000z-scheduled' },
      });

      await expect(rds.restore(cluster)).rejects.toBeInstanceOf(expected);
      expect(rdsMock).toHaveReceivedCommandTimes(RestoreDBClusterFromSnapshotCommand, 1);
    },
  );

  it('accepts a restore that already exists (a retried call) and starts no second one', async () => {
    rdsMock.on(RestoreDBInstanceFromDBSnapshotCommand).rejects(awsError('DBInstanceAlreadyExists'));

    await expect(rds.restore(request())).resolves.toBeUndefined();
  });

  it('turns a missing or unusable snapshot and a refused point in time into DatabaseRestoreFailedError (walk back)', async () => {
    rdsMock.on(RestoreDBInstanceFromDBSnapshotCommand).rejects(awsError('DBSnapshotNotFound', 404));
    rdsMock.on(RestoreDBInstanceToPointInTimeCommand).rejects(awsError('InvalidRestoreFault'));

    await expect(rds.restore(request())).rejects.toThrow(DatabaseRestoreFailedError);
    await expect(rds.restore(request({ from: { sourceId: 'blog-db' } }))).rejects.toThrow(
      DatabaseRestoreFailedError,
    );
  });

  it('leaves any other refusal (AccessDenied) an AwsCallError that fails the recovery', async () => {
    rdsMock.on(RestoreDBInstanceFromDBSnapshotCommand).rejects(awsError('AccessDenied', 403));

    await expect(rds.restore(request())).rejects.toThrow(AwsCallError);
  });

  it('reads the restore window of an instance from its retention and creation, none when automated backups are off', async () => {
    rdsMock
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'blog-db' })
      .resolves({
        DBInstances: [
          {
            DBInstanceIdentifier: 'blog-db',
            Engine: 'mysql',
            DBInstanceClass: 'db.t3.micro',
            BackupRetentionPeriod: 7,
            LatestRestorableTime: new Date('2026-11-22T09:35:00Z'),
            InstanceCreateTime: new Date('2026-11-20T00:00:00Z'),
            DBSubnetGroup: { DBSubnetGroupName: 'blog-db-subnets' },
            VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0db0000000000000a', Status: 'active' }],
          },
        ],
      })
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'old-db' })
      .resolves({
        DBInstances: [{ Engine: 'mysql', DBInstanceClass: 'db.t3.micro', BackupRetentionPeriod: 0 }],
      });

    expect(await rds.describeSource('rds-instance', 'blog-db')).toEqual({
      kind: 'rds-instance',
      id: 'blog-db',
      engine: 'mysql',
      instanceClass: 'db.t3.micro',
      subnetGroup: 'blog-db-subnets',
      securityGroups: ['sg-0db0000000000000a'],
      restoreWindow: { earliest: '2026-11-20T00:00:00.000Z', latest: '2026-11-22T09:35:00.000Z' },
    });
    expect((await rds.describeSource('rds-instance', 'old-db')).restoreWindow).toBeUndefined();
  });

  it('deletes an available restored database after a final snapshot, and one never available without', async () => {
    rdsMock
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'lifeboat-blog-replacement-0a1b2c' })
      .resolves({ DBInstances: [{ DBInstanceStatus: 'available' }] })
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'lifeboat-blog-replacement-ffffff' })
      .resolves({ DBInstances: [{ DBInstanceStatus: 'incompatible-restore' }] })
      .on(DeleteDBInstanceCommand)
      .resolves({});

    const kept = await rds.retire({
      kind: 'rds-instance',
      identifier: 'lifeboat-blog-replacement-0a1b2c',
      finalSnapshotId: 'lifeboat-blog-replacement-0a1b2c-final',
    });
    const failed = await rds.retire({
      kind: 'rds-instance',
      identifier: 'lifeboat-blog-replacement-ffffff',
      finalSnapshotId: 'lifeboat-blog-replacement-ffffff-final',
    });

    expect(kept).toEqual({ status: 'deleting', finalSnapshotId: 'lifeboat-blog-replacement-0a1b2c-final' });
    expect(failed).toEqual({ status: 'deleting' });
    expect(rdsMock.commandCalls(DeleteDBInstanceCommand).map((c) => c.args[0].input)).toEqual([
      {
        DBInstanceIdentifier: 'lifeboat-blog-replacement-0a1b2c',
        FinalDBSnapshotIdentifier: 'lifeboat-blog-replacement-0a1b2c-final',
      },
      { DBInstanceIdentifier: 'lifeboat-blog-replacement-ffffff', SkipFinalSnapshot: true },
    ]);
  });

  it('Aurora: deletes the writer, then the cluster with its final snapshot', async () => {
    rdsMock
      .on(DescribeDBClustersCommand)
      .resolves({
        DBClusters: [{ Status: 'available', Endpoint: 'x.cluster-c0ffee.rds.amazonaws.com', Port: 3306 }],
      })
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [{ DBInstanceStatus: 'available' }] })
      .on(DeleteDBInstanceCommand)
      .resolves({})
      .on(DeleteDBClusterCommand)
      .resolves({});

    await rds.retire({
      kind: 'rds-cluster',
      identifier: 'lifeboat-shop-replacement-0a1b2c',
      instanceIdentifier: 'lifeboat-shop-replacement-0a1b2c-w',
      finalSnapshotId: 'lifeboat-shop-replacement-0a1b2c-final',
    });

    expect(rdsMock).toHaveReceivedCommandWith(DeleteDBInstanceCommand, {
      DBInstanceIdentifier: 'lifeboat-shop-replacement-0a1b2c-w',
    });
    expect(rdsMock).toHaveReceivedCommandWith(DeleteDBClusterCommand, {
      DBClusterIdentifier: 'lifeboat-shop-replacement-0a1b2c',
      FinalDBSnapshotIdentifier: 'lifeboat-shop-replacement-0a1b2c-final',
    });
  });

  const DRILL = { 'lifeboat:managed': 'true', 'lifeboat:role': 'drill', 'lifeboat:stage': 'prod' };
  const DRILL_TAGS = Object.entries(DRILL).map(([Key, Value]) => ({ Key, Value }));

  it("discards a drill's database without a final snapshot once its tags are the drill's", async () => {
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [{ DBInstanceStatus: 'available', TagList: DRILL_TAGS }] })
      .on(DeleteDBInstanceCommand)
      .resolves({});

    const outcome = await rds.discard({
      kind: 'rds-instance',
      identifier: 'lifeboat-blog-drill-0a1b2c',
      expected: DRILL,
    });

    expect(outcome).toEqual({ status: 'deleting' });
    expect(rdsMock.commandCalls(DeleteDBInstanceCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: 'lifeboat-blog-drill-0a1b2c', SkipFinalSnapshot: true },
    ]);
  });

  it('refuses to discard a database whose tags are not the drill’s, naming each difference, and deletes nothing', async () => {
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [{ DBInstanceStatus: 'available', TagList: TAG_LIST }] });

    const discarding = rds.discard({
      kind: 'rds-instance',
      identifier: 'lifeboat-blog-replacement-0a1b2c',
      expected: DRILL,
    });

    await expect(discarding).rejects.toThrow(SnapshotMismatchError);
    await expect(discarding).rejects.toThrow(/lifeboat:role is "replacement", expected "drill"/);
    expect(rdsMock.commandCalls(DeleteDBInstanceCommand)).toEqual([]);
  });

  it("Aurora: discards the drill's writer, then its cluster without a final snapshot", async () => {
    rdsMock
      .on(DescribeDBClustersCommand)
      .resolves({ DBClusters: [{ Status: 'available', TagList: DRILL_TAGS }] })
      .on(DeleteDBInstanceCommand)
      .resolves({})
      .on(DeleteDBClusterCommand)
      .resolves({});

    await rds.discard({
      kind: 'rds-cluster',
      identifier: 'lifeboat-shop-drill-0a1b2c',
      instanceIdentifier: 'lifeboat-shop-drill-0a1b2c-w',
      expected: DRILL,
    });

    expect(rdsMock.commandCalls(DeleteDBInstanceCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: 'lifeboat-shop-drill-0a1b2c-w' },
    ]);
    expect(rdsMock.commandCalls(DeleteDBClusterCommand).map((c) => c.args[0].input)).toEqual([
      { DBClusterIdentifier: 'lifeboat-shop-drill-0a1b2c', SkipFinalSnapshot: true },
    ]);
  });

  it('answers deleted for a drill database already gone, and its status while RDS cannot delete it yet', async () => {
    rdsMock
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'gone' })
      .rejects(awsError('DBInstanceNotFound', 404))
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'busy' })
      .resolves({ DBInstances: [{ DBInstanceStatus: 'backing-up', TagList: DRILL_TAGS }] })
      .on(DeleteDBInstanceCommand)
      .rejects(awsError('InvalidDBInstanceState'));

    expect(await rds.discard({ kind: 'rds-instance', identifier: 'gone', expected: DRILL })).toEqual({
      status: 'deleted',
    });
    expect(await rds.discard({ kind: 'rds-instance', identifier: 'busy', expected: DRILL })).toEqual({
      status: 'backing-up',
    });
  });

  it('reports a restored cluster pending until its writer is available', async () => {
    rdsMock
      .on(DescribeDBClustersCommand)
      .resolves({
        DBClusters: [{ Status: 'available', Endpoint: 'x.cluster-c0ffee.rds.amazonaws.com', Port: 3306 }],
      })
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [{ DBInstanceStatus: 'creating' }] });

    expect(await rds.describeRestored('rds-cluster', 'x', 'x-w')).toMatchObject({
      state: 'pending',
      status: 'creating',
    });
  });
});
