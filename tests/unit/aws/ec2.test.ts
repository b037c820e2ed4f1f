import {
  CopySnapshotCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  EC2ServiceException,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { Ec2Adapter } from '../../../lib/aws/ec2';
import { ThrottledError } from '../../../lib/errors';

const ec2Mock = mockClient(EC2Client);

const awsError = (name: string) =>
  new EC2ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message: name });

describe('Ec2Adapter (backup additions)', () => {
  const dr = new Ec2Adapter(new EC2Client({ region: 'us-west-2' }), 'us-west-2');

  beforeEach(() => ec2Mock.reset());

  it('counts pending lifeboat copies across every page', async () => {
    ec2Mock
      .on(DescribeSnapshotsCommand)
      .resolvesOnce({ Snapshots: [{ SnapshotId: 'snap-1' }, { SnapshotId: 'snap-2' }], NextToken: 't' })
      .resolvesOnce({ Snapshots: [{ SnapshotId: 'snap-3' }] });

    expect(await dr.countPendingCopies()).toBe(3);
    expect(ec2Mock).toHaveReceivedNthCommandWith(1, DescribeSnapshotsCommand, {
      OwnerIds: ['self'],
      Filters: [
        { Name: 'status', Values: ['pending'] },
        { Name: 'tag-key', Values: ['lifeboat:source-snapshot'] },
      ],
    });
    expect(ec2Mock).toHaveReceivedNthCommandWith(2, DescribeSnapshotsCommand, { NextToken: 't' });
  });

  it('treats the concurrent-copy quota (ResourceLimitExceeded) as a wait, not a failure', async () => {
    ec2Mock.on(CopySnapshotCommand).rejects(awsError('ResourceLimitExceeded'));

    await expect(
      dr.copySnapshotFrom({
        sourceRegion: 'us-east-1',
        sourceSnapshotId: 'snap-1',
        description: 'd',
        tags: {},
      }),
    ).rejects.toBeInstanceOf(ThrottledError);
  });

  it('copies with the DR key, encrypted, and tagged at creation', async () => {
    ec2Mock.on(CopySnapshotCommand).resolves({ SnapshotId: 'snap-copy' });

    const id = await dr.copySnapshotFrom({
      sourceRegion: 'us-east-1',
      sourceSnapshotId: 'snap-1',
      description: 'd',
      tags: { 'lifeboat:managed': 'true' },
      kmsKeyId: 'alias/lifeboat-dr',
    });

    expect(id).toBe('snap-copy');
    expect(ec2Mock).toHaveReceivedCommandWith(CopySnapshotCommand, {
      SourceRegion: 'us-east-1',
      Encrypted: true,
      KmsKeyId: 'alias/lifeboat-dr',
      TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: 'lifeboat:managed', Value: 'true' }] }],
    });
  });
});
