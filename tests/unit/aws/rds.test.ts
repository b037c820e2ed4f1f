import {
  CopyDBSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  type DBClusterSnapshot,
  type DBSnapshot,
  DeleteDBClusterSnapshotCommand,
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

/** A DB snapshot as DescribeDBSnapshots answers it: every field AWS always sends. */
function instanceSnapshot(identifier: string, Status: string, more: Partial<DBSnapshot> = {}): DBSnapshot {
  return {
    DBSnapshotIdentifier: identifier,
    DBSnapshotArn: `arn:aws:rds:us-east-1:123456789012:snapshot:${identifier}`,
    DBInstanceIdentifier: 'blog-db',
    Status,
    Encrypted: false,
    ...more,
  };
}

/** A DB cluster snapshot as DescribeDBClusterSnapshots answers it. */
function clusterSnapshot(
  identifier: string,
  Status: string,
  more: Partial<DBClusterSnapshot> = {},
): DBClusterSnapshot {
  return {
    DBClusterSnapshotIdentifier: identifier,
    DBClusterSnapshotArn: `arn:aws:rds:us-east-1:123456789012:cluster-snapshot:${identifier}`,
    DBClusterIdentifier: 'shop-cluster',
    Status,
    StorageEncrypted: false,
    ...more,
  };
}

describe('RdsAdapter', () => {
  const rds = new RdsAdapter(new RDSClient({ region: 'us-east-1' }), 'us-east-1');

  beforeEach(() => rdsMock.reset());

  it('pages through every manual snapshot and keeps lifeboat ones, instances and clusters', async () => {
    rdsMock
      .on(DescribeDBSnapshotsCommand)
      .resolvesOnce({
        DBSnapshots: [
          instanceSnapshot('lifeboat-blog-20261121t020000z-scheduled', 'available'),
          instanceSnapshot('someone-elses', 'available'),
        ],
        Marker: 'page-2',
      })
      .resolvesOnce({
        DBSnapshots: [instanceSnapshot('lifeboat-blog-20261122t020000z-scheduled', 'copying')],
      });
    rdsMock.on(DescribeDBClusterSnapshotsCommand).resolves({
      DBClusterSnapshots: [clusterSnapshot('lifeboat-shop-20261122t020000z-scheduled', 'creating')],
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
        instanceSnapshot('lifeboat-a-20261122t020000z-scheduled', 'copying', { TagList: copy }),
        instanceSnapshot('lifeboat-b-20261122t020000z-scheduled', 'available', { TagList: copy }),
        instanceSnapshot('lifeboat-c-20261122t020000z-scheduled', 'creating', { TagList: [] }),
        instanceSnapshot('other', 'copying', { TagList: copy }),
      ],
    });
    rdsMock.on(DescribeDBClusterSnapshotsCommand).resolves({
      DBClusterSnapshots: [
        clusterSnapshot('lifeboat-d-20261122t020000z-scheduled', 'pending', { TagList: copy }),
      ],
    });

    expect(await rds.countPendingCopies()).toBe(2);
  });

  it('counts only the kinds asked for: a fleet of DB instances never pages through cluster snapshots', async () => {
    const copy = [{ Key: 'lifeboat:source-snapshot', Value: 'x' }];
    rdsMock.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [instanceSnapshot('lifeboat-a-20261122t020000z-scheduled', 'copying', { TagList: copy })],
    });

    expect(await rds.countPendingCopies(['rds-instance'])).toBe(1);
    expect(rdsMock).toHaveReceivedCommandTimes(DescribeDBClusterSnapshotsCommand, 0);
  });

  it('creates a snapshot tagged at creation, and returns the existing one when the identifier is taken', async () => {
    rdsMock.on(CreateDBSnapshotCommand).rejects(awsError('DBSnapshotAlreadyExists'));
    rdsMock.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [
        instanceSnapshot('lifeboat-blog-x', 'available', {
          TagList: [{ Key: 'lifeboat:managed', Value: 'true' }],
        }),
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
      DBClusterSnapshot: clusterSnapshot('lifeboat-blog-x', 'creating', { DBClusterIdentifier: 'c' }),
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

  describe('an answer without a field AWS always sends is an error naming the call and the field', () => {
    it.each([
      {
        call: 'RDS DescribeDBSnapshots',
        field: 'DBSnapshotArn',
        arrange: () =>
          rdsMock.on(DescribeDBSnapshotsCommand).resolves({
            DBSnapshots: [instanceSnapshot('lifeboat-blog-x', 'available', { DBSnapshotArn: undefined })],
          }),
        act: () => rds.findSnapshot('rds-instance', 'lifeboat-blog-x'),
      },
      {
        call: 'RDS DescribeDBClusterSnapshots',
        field: 'Status',
        arrange: () => {
          rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
          rdsMock.on(DescribeDBClusterSnapshotsCommand).resolves({
            DBClusterSnapshots: [clusterSnapshot('lifeboat-shop-x', 'available', { Status: undefined })],
          });
        },
        act: () => rds.listSnapshots('lifeboat-'),
      },
      {
        call: 'RDS CreateDBSnapshot',
        field: 'DBSnapshot',
        arrange: () => rdsMock.on(CreateDBSnapshotCommand).resolves({}),
        act: () => rds.createSnapshot('rds-instance', 'blog-db', 'lifeboat-blog-x', {}),
      },
      {
        call: 'RDS CreateDBClusterSnapshot',
        field: 'DBClusterIdentifier',
        arrange: () =>
          rdsMock.on(CreateDBClusterSnapshotCommand).resolves({
            DBClusterSnapshot: clusterSnapshot('lifeboat-shop-x', 'creating', {
              DBClusterIdentifier: undefined,
            }),
          }),
        act: () => rds.createSnapshot('rds-cluster', 'shop-cluster', 'lifeboat-shop-x', {}),
      },
      {
        call: 'RDS DescribeDBInstances',
        field: 'StorageEncrypted',
        arrange: () =>
          rdsMock.on(DescribeDBInstancesCommand).resolves({
            DBInstances: [
              { DBInstanceIdentifier: 'blog-db', DBInstanceArn: 'arn:aws:rds:us-east-1:1:db:blog-db' },
            ],
          }),
        act: () => rds.describeDatabase('rds-instance', 'blog-db'),
      },
      {
        call: 'RDS CopyDBSnapshot',
        field: 'DBSnapshot',
        arrange: () => rdsMock.on(CopyDBSnapshotCommand).resolves({}),
        act: () =>
          rds.copySnapshotFrom({
            kind: 'rds-instance',
            sourceRegion: 'us-east-1',
            sourceArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:lifeboat-blog-x',
            targetIdentifier: 'lifeboat-blog-x',
            tags: {},
          }),
      },
    ])('$call without $field', async ({ call, field, arrange, act }) => {
      arrange();

      const error = await act().catch((e: unknown) => e);

      expect(error).toBeInstanceOf(AwsCallError);
      expect(error).toMatchObject({
        message: `${call} answered without ${field}`,
        context: expect.objectContaining({ operation: call, field }),
      });
    });
  });

  it('sends an Aurora cluster through the cluster calls only', async () => {
    rdsMock.on(DescribeDBClusterSnapshotsCommand).resolves({
      DBClusterSnapshots: [clusterSnapshot('lifeboat-shop-x', 'available')],
    });
    rdsMock.on(DeleteDBClusterSnapshotCommand).resolves({});

    const found = await rds.findSnapshot('rds-cluster', 'lifeboat-shop-x');
    await rds.deleteSnapshot('rds-cluster', 'lifeboat-shop-x');

    expect(found).toMatchObject({ kind: 'rds-cluster', sourceId: 'shop-cluster', state: 'completed' });
    expect(rdsMock).toHaveReceivedCommandWith(DeleteDBClusterSnapshotCommand, {
      DBClusterSnapshotIdentifier: 'lifeboat-shop-x',
    });
    expect(rdsMock).not.toHaveReceivedCommand(DescribeDBSnapshotsCommand);
    expect(rdsMock).not.toHaveReceivedCommand(DeleteDBSnapshotCommand);
  });
});

// What RDS refuses in states moto never shows (lib/aws/REQUIREMENTS.md).
describe('RdsAdapter while a database or snapshot is not available', () => {
  const adapter = new RdsAdapter(new RDSClient({ region: 'us-east-1' }), 'us-east-1');

  beforeEach(() => rdsMock.reset());

  it('waits (ThrottledError) while the database is not available', async () => {
    rdsMock.on(CreateDBSnapshotCommand).rejects(awsError('InvalidDBInstanceState'));
    rdsMock.on(CreateDBClusterSnapshotCommand).rejects(awsError('InvalidDBClusterStateFault'));

    await expect(adapter.createSnapshot('rds-instance', 'blog-db', 'lifeboat-blog-x', {})).rejects.toThrow(
      ThrottledError,
    );
    await expect(adapter.createSnapshot('rds-cluster', 'blog-aurora', 'lifeboat-blog-x', {})).rejects.toThrow(
      ThrottledError,
    );
  });

  it('leaves a snapshot that is still being created or copied for the next retention run', async () => {
    rdsMock.on(DeleteDBSnapshotCommand).rejects(awsError('InvalidDBSnapshotState'));
    rdsMock.on(DeleteDBClusterSnapshotCommand).rejects(awsError('InvalidDBClusterSnapshotStateFault'));

    await expect(adapter.deleteSnapshot('rds-instance', 'lifeboat-blog-x')).rejects.toThrow(ThrottledError);
    await expect(adapter.deleteSnapshot('rds-cluster', 'lifeboat-blog-x')).rejects.toThrow(ThrottledError);
  });
});
