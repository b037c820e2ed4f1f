import {
  CopySnapshotCommand,
  CreateSnapshotCommand,
  DeleteSnapshotCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
  EC2ServiceException,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { Ec2Adapter } from '../../../lib/aws/ec2';
import { AwsCallError, ThrottledError } from '../../../lib/errors';

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

  describe('an answer without a field AWS always sends is an error naming the call and the field', () => {
    const snapshot = {
      SnapshotId: 'snap-1',
      VolumeId: 'vol-1',
      State: 'completed' as const,
      Encrypted: false,
    };
    const volume = { VolumeId: 'vol-1', AvailabilityZone: 'us-west-2a', Size: 8, Encrypted: false };

    it.each([
      {
        call: 'EC2 DescribeVolumes',
        field: 'AvailabilityZone',
        arrange: () =>
          ec2Mock
            .on(DescribeVolumesCommand)
            .resolves({ Volumes: [{ ...volume, AvailabilityZone: undefined }] }),
        act: () => dr.findVolumes({ ids: ['vol-1'] }),
      },
      {
        call: 'EC2 DescribeSnapshots',
        field: 'VolumeId',
        arrange: () =>
          ec2Mock
            .on(DescribeSnapshotsCommand)
            .resolves({ Snapshots: [{ ...snapshot, VolumeId: undefined }] }),
        act: () => dr.findSnapshots({ ids: ['snap-1'] }),
      },
      {
        call: 'EC2 DescribeSnapshots',
        field: 'SnapshotId',
        arrange: () =>
          ec2Mock
            .on(DescribeSnapshotsCommand)
            .resolves({ Snapshots: [{ ...snapshot, SnapshotId: undefined }] }),
        act: () => dr.findSnapshots({ tags: { 'lifeboat:site': 'blog' } }),
      },
      {
        call: 'EC2 CreateSnapshot',
        field: 'State',
        arrange: () => ec2Mock.on(CreateSnapshotCommand).resolves({ ...snapshot, State: undefined }),
        act: () => dr.createSnapshot('vol-1', 'd', {}),
      },
      {
        call: 'EC2 CopySnapshot',
        field: 'SnapshotId',
        arrange: () => ec2Mock.on(CopySnapshotCommand).resolves({}),
        act: () =>
          dr.copySnapshotFrom({
            sourceRegion: 'us-east-1',
            sourceSnapshotId: 'snap-1',
            description: 'd',
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
});

describe('Ec2Adapter.describeSnapshot (the trust checks)', () => {
  const ec2 = new Ec2Adapter(new EC2Client({ region: 'us-east-1' }), 'us-east-1');

  beforeEach(() => ec2Mock.reset());

  it('describes one snapshot by id whoever owns it, with its owner', async () => {
    ec2Mock.on(DescribeSnapshotsCommand).resolves({
      Snapshots: [
        {
          SnapshotId: 'snap-1',
          VolumeId: 'vol-1',
          State: 'completed',
          Encrypted: false,
          OwnerId: '999999999999',
        },
      ],
    });

    await expect(ec2.describeSnapshot('snap-1')).resolves.toMatchObject({
      snapshotId: 'snap-1',
      ownerId: '999999999999',
    });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeSnapshotsCommand, { SnapshotIds: ['snap-1'] });
    expect(ec2Mock.commandCalls(DescribeSnapshotsCommand)[0]?.args[0].input.OwnerIds).toBeUndefined();
  });

  it('answers undefined for an id EC2 does not know (or will not show this account)', async () => {
    ec2Mock.on(DescribeSnapshotsCommand).rejects(awsError('InvalidSnapshot.NotFound'));

    await expect(ec2.describeSnapshot('snap-9')).resolves.toBeUndefined();
  });

  it('fails on any other error, naming the call', async () => {
    ec2Mock.on(DescribeSnapshotsCommand).rejects(awsError('UnauthorizedOperation'));

    await expect(ec2.describeSnapshot('snap-1')).rejects.toThrow(AwsCallError);
  });
});

// What EC2 answers that moto never does (lib/aws/REQUIREMENTS.md).
describe('Ec2Adapter under real EC2 answers', () => {
  const primary = new Ec2Adapter(new EC2Client({ region: 'us-east-1' }), 'us-east-1');

  beforeEach(() => ec2Mock.reset());

  it('treats ConcurrentSnapshotLimitExceeded (pending snapshots of the volume) as a wait', async () => {
    ec2Mock.on(CreateSnapshotCommand).rejects(awsError('ConcurrentSnapshotLimitExceeded'));

    await expect(primary.createSnapshot('vol-1', 'lifeboat', {})).rejects.toThrow(ThrottledError);
  });

  it('deletes idempotently (InvalidSnapshot.NotFound is done)', async () => {
    ec2Mock.on(DeleteSnapshotCommand).rejects(awsError('InvalidSnapshot.NotFound'));

    await expect(primary.deleteSnapshot('snap-gone')).resolves.toBeUndefined();
  });

  it('still reports any other refusal to delete', async () => {
    ec2Mock.on(DeleteSnapshotCommand).rejects(awsError('InvalidSnapshot.InUse'));

    await expect(primary.deleteSnapshot('snap-ami')).rejects.toThrow(AwsCallError);
  });
});
