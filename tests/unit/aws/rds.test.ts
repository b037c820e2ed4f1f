import {
  CopyDBSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
  RDSServiceException,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { RdsAdapter } from '../../../lib/aws/rds';
import { AwsCallError, ThrottledError } from '../../../lib/errors';

const rdsMock = mockClient(RDSClient);

function awsError(name: string, status = 400): RDSServiceException {
  return new RDSServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
    message: name,
  });
}

describe('RdsAdapter', () => {
  const rds = new RdsAdapter(new RDSClient({ region: 'us-east-1' }), 'us-east-1');

  beforeEach(() => rdsMock.reset());

  it('pages through every manual snapshot and keeps lifeboat ones, instances and clusters', async () => {
    rdsMock
      .on(DescribeDBSnapshotsCommand)
      .resolvesOnce({
        DBSnapshots: [
          { DBSnapshotIdentifier: 'lifeboat-blog-20261121t020000z-scheduled', Status: 'available' },
          { DBSnapshotIdentifier: 'someone-elses', Status: 'available' },
        ],
        Marker: 'page-2',
      })
      .resolvesOnce({
        DBSnapshots: [
          { DBSnapshotIdentifier: 'lifeboat-blog-20261122t020000z-scheduled', Status: 'copying' },
        ],
      });
    rdsMock.on(DescribeDBClusterSnapshotsCommand).resolves({
      DBClusterSnapshots: [
        { DBClusterSnapshotIdentifier: 'lifeboat-shop-20261122t020000z-scheduled', Status: 'creating' },
      ],
    });

    const found = await rds.listSnapshots('lifeboat-');

    expect(found.map((s) => [s.kind, s.identifier, s.state])).toEqual([
      ['rds-instance', 'lifeboat-blog-20261121t020000z-scheduled', 'completed'],
      ['rds-instance', 'lifeboat-blog-20261122t020000z-scheduled', 'pending'],
      ['rds-cluster', 'lifeboat-shop-20261122t020000z-scheduled', 'pending'],
    ]);
    expect(rdsMock).toHaveReceivedCommandTimes(DescribeDBSnapshotsCommand, 2);
    expect(rdsMock).toHaveReceivedNthCommandWith(2, DescribeDBSnapshotsCommand, { Marker: 'page-2' });
  });

  it('counts the lifeboat copies still in progress, not snapshots being created or other snapshots', async () => {
    const copy = [{ Key: 'lifeboat:source-snapshot', Value: 'x' }];
    rdsMock.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [
        { DBSnapshotIdentifier: 'lifeboat-a-20261122t020000z-scheduled', Status: 'copying', TagList: copy },
        { DBSnapshotIdentifier: 'lifeboat-b-20261122t020000z-scheduled', Status: 'available', TagList: copy },
        { DBSnapshotIdentifier: 'lifeboat-c-20261122t020000z-scheduled', Status: 'creating', TagList: [] },
        { DBSnapshotIdentifier: 'other', Status: 'copying', TagList: copy },
      ],
    });
    rdsMock.on(DescribeDBClusterSnapshotsCommand).resolves({
      DBClusterSnapshots: [
        {
          DBClusterSnapshotIdentifier: 'lifeboat-d-20261122t020000z-scheduled',
          Status: 'pending',
          TagList: copy,
        },
      ],
    });

    expect(await rds.countPendingCopies()).toBe(2);
  });

  it('creates a snapshot tagged at creation, and returns the existing one when the identifier is taken', async () => {
    rdsMock.on(CreateDBSnapshotCommand).rejects(awsError('DBSnapshotAlreadyExists'));
    rdsMock.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [
        {
          DBSnapshotIdentifier: 'lifeboat-blog-x',
          DBSnapshotArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:lifeboat-blog-x',
          DBInstanceIdentifier: 'blog-db',
          Status: 'available',
          TagList: [{ Key: 'lifeboat:managed', Value: 'true' }],
        },
      ],
    });

    const snapshot = await rds.createSnapshot('rds-instance', 'blog-db', 'lifeboat-blog-x', {
      'lifeboat:managed': 'true',
    });

    expect(rdsMock).toHaveReceivedCommandWith(CreateDBSnapshotCommand, {
      DBInstanceIdentifier: 'blog-db',
      DBSnapshotIdentifier: 'lifeboat-blog-x',
      Tags: [{ Key: 'lifeboat:managed', Value: 'true' }],
    });
    expect(snapshot).toMatchObject({
      identifier: 'lifeboat-blog-x',
      state: 'completed',
      tags: { 'lifeboat:managed': 'true' },
    });
  });

  it('snapshots an Aurora cluster with CreateDBClusterSnapshot', async () => {
    rdsMock.on(CreateDBClusterSnapshotCommand).resolves({
      DBClusterSnapshot: {
        DBClusterSnapshotIdentifier: 'lifeboat-blog-x',
        Status: 'creating',
        DBClusterIdentifier: 'c',
      },
    });

    const snapshot = await rds.createSnapshot('rds-cluster', 'c', 'lifeboat-blog-x', {});

    expect(snapshot).toMatchObject({ kind: 'rds-cluster', sourceId: 'c', state: 'pending' });
  });

  it('turns a copy beyond the quota into ThrottledError and other refusals into AwsCallError', async () => {
    rdsMock
      .on(CopyDBSnapshotCommand)
      .rejectsOnce(awsError('SnapshotQuotaExceeded'))
      .rejectsOnce(awsError('KMSKeyNotAccessibleFault'));
    const copy = () =>
      rds.copySnapshotFrom({
        kind: 'rds-instance',
        sourceRegion: 'us-east-1',
        sourceArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:lifeboat-blog-x',
        targetIdentifier: 'lifeboat-blog-x',
        tags: {},
        kmsKeyId: 'alias/dr',
      });

    await expect(copy()).rejects.toBeInstanceOf(ThrottledError);
    await expect(copy()).rejects.toMatchObject({
      name: 'AwsCallError',
      context: expect.objectContaining({ code: 'KMSKeyNotAccessibleFault' }),
    });
  });

  it('translates RDS throttling into ThrottledError', async () => {
    rdsMock.on(DescribeDBSnapshotsCommand).rejects(awsError('ThrottlingException'));

    await expect(rds.findSnapshot('rds-instance', 'lifeboat-blog-x')).rejects.toBeInstanceOf(ThrottledError);
  });

  it('answers undefined for a snapshot or database that does not exist, and deletes idempotently', async () => {
    rdsMock.on(DescribeDBSnapshotsCommand).rejects(awsError('DBSnapshotNotFound', 404));
    rdsMock.on(DescribeDBInstancesCommand).rejects(awsError('DBInstanceNotFound', 404));
    rdsMock.on(DeleteDBSnapshotCommand).rejects(awsError('DBSnapshotNotFound', 404));

    expect(await rds.findSnapshot('rds-instance', 'gone')).toBeUndefined();
    expect(await rds.describeDatabase('rds-instance', 'gone')).toBeUndefined();
    await expect(rds.deleteSnapshot('rds-instance', 'gone')).resolves.toBeUndefined();
  });

  it('reports an unexpected refusal with the operation and AWS code', async () => {
    rdsMock.on(DescribeDBInstancesCommand).rejects(awsError('AccessDenied', 403));

    await expect(rds.describeDatabase('rds-instance', 'blog-db')).rejects.toBeInstanceOf(AwsCallError);
  });
});
