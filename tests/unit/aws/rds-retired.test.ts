import {
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
  RDSServiceException,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { RdsRetiredAdapter } from '../../../lib/aws/rds-retired';
import { AwsCallError } from '../../../lib/errors';

const rdsMock = mockClient(RDSClient);

function awsError(name: string): RDSServiceException {
  return new RDSServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: name,
  });
}

const SELECTOR = { 'lifeboat:managed': 'true', 'lifeboat:stage': 'prod', 'lifeboat:site': 'blog' };
const tagList = (extra: Record<string, string> = {}) =>
  Object.entries({ ...SELECTOR, 'lifeboat:retain-until': '2026-11-29T11:00:00.000Z', ...extra }).map(
    ([Key, Value]) => ({ Key, Value }),
  );

describe('RdsRetiredAdapter', () => {
  const adapter = new RdsRetiredAdapter(new RDSClient({ region: 'us-east-1' }), 'us-east-1');

  beforeEach(() => rdsMock.reset());

  it('lists every page and keeps only lifeboat-* databases carrying the selector and a retain-until', async () => {
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({
        DBInstances: [
          {
            DBInstanceIdentifier: 'lifeboat-blog-replacement-aaaaaa',
            DBInstanceStatus: 'stopped',
            TagList: tagList(),
          },
          { DBInstanceIdentifier: 'blog-db', DBInstanceStatus: 'available', TagList: tagList() },
        ],
        Marker: 'm2',
      })
      .resolvesOnce({
        DBInstances: [
          {
            DBInstanceIdentifier: 'lifeboat-blog-sandbox-bbbbbb',
            DBInstanceStatus: 'available',
            TagList: tagList(),
          },
          {
            DBInstanceIdentifier: 'lifeboat-blog-sandbox-cccccc',
            DBInstanceStatus: 'available',
            TagList: tagList({ 'lifeboat:stage': 'dev' }),
          },
          {
            DBInstanceIdentifier: 'lifeboat-blog-replacement-dddddd-w',
            DBClusterIdentifier: 'lifeboat-blog-replacement-dddddd',
            TagList: tagList(),
          },
        ],
      });
    rdsMock.on(DescribeDBClustersCommand).resolves({
      DBClusters: [
        {
          DBClusterIdentifier: 'lifeboat-blog-replacement-dddddd',
          Status: 'stopped',
          DBClusterMembers: [{ DBInstanceIdentifier: 'lifeboat-blog-replacement-dddddd-w' }],
          TagList: tagList(),
        },
      ],
    });

    const found = await adapter.databases(SELECTOR);

    expect(found.map((d) => [d.kind, d.identifier, d.status])).toEqual([
      ['rds-instance', 'lifeboat-blog-replacement-aaaaaa', 'stopped'],
      ['rds-instance', 'lifeboat-blog-sandbox-bbbbbb', 'available'],
      ['rds-cluster', 'lifeboat-blog-replacement-dddddd', 'stopped'],
    ]);
    expect(rdsMock).toHaveReceivedNthCommandWith(2, DescribeDBInstancesCommand, { Marker: 'm2' });
  });

  it('stops an instance with its final snapshot, or without one when it already exists (RDS restarted it)', async () => {
    rdsMock
      .on(StopDBInstanceCommand, { DBSnapshotIdentifier: 'lifeboat-blog-sandbox-bbbbbb-final' })
      .rejects(awsError('DBSnapshotAlreadyExists'));

    expect(await adapter.stop('rds-instance', 'lifeboat-blog-sandbox-bbbbbb')).toBe('stopping');
    expect(rdsMock).toHaveReceivedNthCommandWith(2, StopDBInstanceCommand, {
      DBInstanceIdentifier: 'lifeboat-blog-sandbox-bbbbbb',
    });
  });

  it('deletes without another snapshot, an Aurora cluster after its members; busy and gone are answers, other refusals fail', async () => {
    rdsMock.on(DeleteDBClusterCommand).resolvesOnce({}).rejectsOnce(awsError('InvalidDBClusterStateFault'));
    rdsMock
      .on(DeleteDBInstanceCommand, { DBInstanceIdentifier: 'lifeboat-blog-replacement-aaaaaa' })
      .rejectsOnce(awsError('DBInstanceNotFound'))
      .rejectsOnce(awsError('AccessDenied'));
    const cluster = {
      kind: 'rds-cluster' as const,
      identifier: 'lifeboat-blog-replacement-dddddd',
      status: 'stopped',
      members: ['lifeboat-blog-replacement-dddddd-w'],
      tags: {},
    };
    const instance = {
      kind: 'rds-instance' as const,
      identifier: 'lifeboat-blog-replacement-aaaaaa',
      status: 'stopped',
      tags: {},
    };

    expect(await adapter.delete(cluster)).toBe('deleting');
    expect(rdsMock).toHaveReceivedCommandWith(DeleteDBClusterCommand, {
      DBClusterIdentifier: 'lifeboat-blog-replacement-dddddd',
      SkipFinalSnapshot: true,
    });
    const order = rdsMock.calls().map((c) => c.args[0].constructor.name);
    expect(order.indexOf('DeleteDBInstanceCommand')).toBeLessThan(order.indexOf('DeleteDBClusterCommand'));
    expect(await adapter.delete(cluster)).toBe('busy');
    expect(await adapter.delete(instance)).toBe('gone');
    await expect(adapter.delete(instance)).rejects.toBeInstanceOf(AwsCallError);
  });
});
