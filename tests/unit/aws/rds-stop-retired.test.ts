import {
  AddTagsToResourceCommand,
  CreateDBClusterSnapshotCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
  RDSServiceException,
  StopDBClusterCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { RdsRestoreAdapter } from '../../../lib/aws/rds-restore';
import { NotReadyError, SnapshotMismatchError } from '../../../lib/errors';

const rdsMock = mockClient(RDSClient);

function awsError(name: string): RDSServiceException {
  return new RDSServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: name,
  });
}

const ID = 'lifeboat-blog-replacement-0a1b2c';
const EXPECT = {
  'lifeboat:managed': 'true',
  'lifeboat:stage': 'prod',
  'lifeboat:recovery-id': '20261122t093900z-1a2b3c4d',
  'lifeboat:role': 'replacement',
};
const TAG_LIST = Object.entries(EXPECT).map(([Key, Value]) => ({ Key, Value }));
const RETAIN = { 'lifeboat:retain-until': '2026-11-29T11:02:00.000Z' };
const stopInput = (kind: 'rds-instance' | 'rds-cluster' = 'rds-instance') => ({
  kind,
  identifier: ID,
  finalSnapshotId: `${ID}-final`,
  expect: EXPECT,
  tags: RETAIN,
});

describe('RdsRestoreAdapter.stopRetired (a database a promote no longer serves from)', () => {
  const adapter = new RdsRestoreAdapter(new RDSClient({ region: 'us-east-1' }), 'us-east-1');

  beforeEach(() => rdsMock.reset());

  it('tags it with its retain-until, stops it with a final snapshot, and tags that snapshot too', async () => {
    rdsMock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: ID,
          DBInstanceArn: `arn:aws:rds:us-east-1:1:db:${ID}`,
          DBInstanceStatus: 'available',
          TagList: TAG_LIST,
        },
      ],
    });
    rdsMock.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [
        {
          DBSnapshotIdentifier: `${ID}-final`,
          DBSnapshotArn: `arn:aws:rds:us-east-1:1:snapshot:${ID}-final`,
        },
      ],
    });

    expect(await adapter.stopRetired(stopInput())).toEqual({
      status: 'stopping',
      finalSnapshotId: `${ID}-final`,
    });
    expect(rdsMock).toHaveReceivedCommandWith(StopDBInstanceCommand, {
      DBInstanceIdentifier: ID,
      DBSnapshotIdentifier: `${ID}-final`,
    });
    const tagged = rdsMock.commandCalls(AddTagsToResourceCommand).map((c) => c.args[0].input);
    expect(tagged.map((t) => t.ResourceName)).toEqual([
      `arn:aws:rds:us-east-1:1:db:${ID}`,
      `arn:aws:rds:us-east-1:1:snapshot:${ID}-final`,
    ]);
    // IAM allows AddTagsToResource only with lifeboat:managed=true in the request.
    for (const t of tagged)
      expect(t.Tags).toEqual(
        expect.arrayContaining([
          { Key: 'lifeboat:managed', Value: 'true' },
          { Key: 'lifeboat:retain-until', Value: RETAIN['lifeboat:retain-until'] },
        ]),
      );
  });

  it("refuses a database without lifeboat's tags for that recovery and role, touching nothing (never the site's own)", async () => {
    rdsMock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        { DBInstanceIdentifier: ID, DBInstanceArn: 'arn', DBInstanceStatus: 'available', TagList: [] },
      ],
    });

    await expect(adapter.stopRetired(stopInput())).rejects.toThrow(SnapshotMismatchError);
    await expect(adapter.stopRetired(stopInput())).rejects.toThrow(
      /tag lifeboat:role is missing, expected "replacement"/,
    );
    expect(rdsMock).not.toHaveReceivedCommand(StopDBInstanceCommand);
    expect(rdsMock).not.toHaveReceivedCommand(AddTagsToResourceCommand);
  });

  it('a retried call: a final snapshot already there stops without one; a stopped database is done', async () => {
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({
        DBInstances: [
          {
            DBInstanceIdentifier: ID,
            DBInstanceArn: 'arn',
            DBInstanceStatus: 'available',
            TagList: TAG_LIST,
          },
        ],
      })
      .resolvesOnce({
        DBInstances: [
          { DBInstanceIdentifier: ID, DBInstanceArn: 'arn', DBInstanceStatus: 'stopped', TagList: TAG_LIST },
        ],
      });
    rdsMock
      .on(StopDBInstanceCommand, { DBSnapshotIdentifier: `${ID}-final` })
      .rejects(awsError('DBSnapshotAlreadyExists'));
    rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });

    expect(await adapter.stopRetired(stopInput())).toMatchObject({ status: 'stopping' });
    expect(rdsMock).toHaveReceivedCommandTimes(StopDBInstanceCommand, 2);
    expect(await adapter.stopRetired(stopInput())).toEqual({
      status: 'stopped',
      finalSnapshotId: `${ID}-final`,
    });
    expect(rdsMock).toHaveReceivedCommandTimes(StopDBInstanceCommand, 2);
  });

  it('waits (NotReadyError) while RDS cannot stop it yet, and a database already gone is done', async () => {
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({
        DBInstances: [
          {
            DBInstanceIdentifier: ID,
            DBInstanceArn: 'arn',
            DBInstanceStatus: 'backing-up',
            TagList: TAG_LIST,
          },
        ],
      })
      .rejectsOnce(awsError('DBInstanceNotFound'));

    await expect(adapter.stopRetired(stopInput())).rejects.toBeInstanceOf(NotReadyError);
    expect(await adapter.stopRetired(stopInput())).toEqual({ status: 'deleted' });
  });

  it('Aurora: takes the cluster snapshot first (StopDBCluster takes none), then stops the cluster', async () => {
    rdsMock.on(DescribeDBClustersCommand).resolves({
      DBClusters: [
        {
          DBClusterIdentifier: ID,
          DBClusterArn: `arn:aws:rds:us-east-1:1:cluster:${ID}`,
          Status: 'available',
          TagList: TAG_LIST,
        },
      ],
    });

    expect(await adapter.stopRetired(stopInput('rds-cluster'))).toEqual({
      status: 'stopping',
      finalSnapshotId: `${ID}-final`,
    });
    expect(rdsMock).toHaveReceivedCommandWith(CreateDBClusterSnapshotCommand, {
      DBClusterIdentifier: ID,
      DBClusterSnapshotIdentifier: `${ID}-final`,
    });
    expect(rdsMock).toHaveReceivedCommandWith(StopDBClusterCommand, { DBClusterIdentifier: ID });
    const order = rdsMock.calls().map((c) => c.args[0].constructor.name);
    expect(order.indexOf('CreateDBClusterSnapshotCommand')).toBeLessThan(
      order.indexOf('StopDBClusterCommand'),
    );
  });
});
