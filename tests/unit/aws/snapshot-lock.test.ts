import {
  DescribeLockedSnapshotsCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  EC2ServiceException,
  LockSnapshotCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { EbsSnapshotEvidence } from '../../../lib/aws/snapshot-evidence';
import { SnapshotLockAdapter } from '../../../lib/aws/snapshot-lock';
import { AwsCallError, ThrottledError } from '../../../lib/errors';

const ec2Mock = mockClient(EC2Client);
const awsError = (name: string) =>
  new EC2ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message: name });

describe('SnapshotLockAdapter', () => {
  const locks = new SnapshotLockAdapter(new EC2Client({ region: 'us-west-2' }), 'us-west-2');

  beforeEach(() => ec2Mock.reset());

  it('locks in compliance mode for the days asked, with the cooling-off period', async () => {
    ec2Mock.on(LockSnapshotCommand).resolves({});

    await locks.lockSnapshot('snap-1', { mode: 'compliance', days: 30, coolOffHours: 24 });

    expect(ec2Mock).toHaveReceivedCommandWith(LockSnapshotCommand, {
      SnapshotId: 'snap-1',
      LockMode: 'compliance',
      LockDuration: 30,
      CoolOffPeriod: 24,
    });
  });

  it('sends no cooling-off period in governance mode (AWS refuses one)', async () => {
    ec2Mock.on(LockSnapshotCommand).resolves({});

    await locks.lockSnapshot('snap-1', { mode: 'governance', days: 7, coolOffHours: 12 });

    const input = ec2Mock.commandCalls(LockSnapshotCommand)[0]?.args[0].input;
    expect(input).toEqual({ SnapshotId: 'snap-1', LockMode: 'governance', LockDuration: 7 });
  });

  it('turns a refusal into AwsCallError and throttling into ThrottledError', async () => {
    ec2Mock
      .on(LockSnapshotCommand)
      .rejectsOnce(awsError('IncorrectState'))
      .rejectsOnce(awsError('RequestLimitExceeded'));

    await expect(locks.lockSnapshot('snap-1', { mode: 'governance', days: 7 })).rejects.toThrow(AwsCallError);
    await expect(locks.lockSnapshot('snap-1', { mode: 'governance', days: 7 })).rejects.toThrow(
      ThrottledError,
    );
  });

  it('reads the locks of the snapshots asked, page by page and in chunks of 100 ids', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `snap-${i}`);
    ec2Mock
      .on(DescribeLockedSnapshotsCommand)
      .resolvesOnce({
        Snapshots: [
          { SnapshotId: 'snap-0', LockState: 'compliance', LockExpiresOn: new Date('2026-12-22T00:00:00Z') },
        ],
        NextToken: 't',
      })
      .resolvesOnce({ Snapshots: [{ SnapshotId: 'snap-1', LockState: 'expired' }] })
      .resolvesOnce({ Snapshots: [{ SnapshotId: 'snap-120', LockState: 'governance' }] });

    const found = await locks.lockedSnapshots(ids);

    expect(found).toEqual([
      { snapshotId: 'snap-0', state: 'compliance', expiresAt: '2026-12-22T00:00:00.000Z' },
      { snapshotId: 'snap-1', state: 'expired', expiresAt: undefined },
      { snapshotId: 'snap-120', state: 'governance', expiresAt: undefined },
    ]);
    const calls = ec2Mock.commandCalls(DescribeLockedSnapshotsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.SnapshotIds?.length, c.NextToken])).toEqual([
      [100, undefined],
      [100, 't'],
      [50, undefined],
    ]);
  });
});

describe('EbsSnapshotEvidence', () => {
  const evidence = new EbsSnapshotEvidence(new EC2Client({ region: 'us-east-1' }), 'us-east-1');

  beforeEach(() => ec2Mock.reset());

  it('reports the owner, state and tags AWS gives, not what a record says', async () => {
    ec2Mock.on(DescribeSnapshotsCommand).resolves({
      Snapshots: [
        {
          SnapshotId: 'snap-1',
          OwnerId: '999999999999',
          State: 'error',
          Tags: [{ Key: 'lifeboat:site', Value: 'x' }],
        },
      ],
    });

    expect(await evidence.byId('snap-1')).toEqual({
      service: 'ebs',
      region: 'us-east-1',
      id: 'snap-1',
      ownerAccountId: '999999999999',
      state: 'failed',
      tags: { 'lifeboat:site': 'x' },
    });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeSnapshotsCommand, { SnapshotIds: ['snap-1'] });
  });

  it('answers undefined for a snapshot that no longer exists', async () => {
    ec2Mock.on(DescribeSnapshotsCommand).rejects(awsError('InvalidSnapshot.NotFound'));

    expect(await evidence.byId('snap-gone')).toBeUndefined();
  });

  it("lists this account's snapshots with all the tags, every page", async () => {
    ec2Mock
      .on(DescribeSnapshotsCommand)
      .resolvesOnce({
        Snapshots: [{ SnapshotId: 'snap-1', OwnerId: '1', State: 'completed' }],
        NextToken: 'n',
      })
      .resolvesOnce({ Snapshots: [{ SnapshotId: 'snap-2', OwnerId: '1', State: 'pending' }] });

    const found = await evidence.withTags({ 'lifeboat:site': 'blog', 'lifeboat:stage': 'prod' });

    expect(found.map((s) => [s.id, s.state])).toEqual([
      ['snap-1', 'completed'],
      ['snap-2', 'pending'],
    ]);
    expect(ec2Mock).toHaveReceivedNthCommandWith(1, DescribeSnapshotsCommand, {
      OwnerIds: ['self'],
      Filters: [
        { Name: 'tag:lifeboat:site', Values: ['blog'] },
        { Name: 'tag:lifeboat:stage', Values: ['prod'] },
      ],
      MaxResults: 1000,
    });
  });
});
