import { EBSClient, EBSServiceException, ListChangedBlocksCommand } from '@aws-sdk/client-ebs';
import { mockClient } from 'aws-sdk-client-mock';
import { EbsDirectAdapter } from '../../../lib/aws/ebs-direct';
import { AwsCallError, ThrottledError } from '../../../lib/errors';

const ebsMock = mockClient(EBSClient);

const awsError = (name: string, status = 400) =>
  new EBSServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });

const block = (i: number) => ({ BlockIndex: i, FirstBlockToken: `a${i}`, SecondBlockToken: `b${i}` });

describe('EbsDirectAdapter.changedBlocks', () => {
  const ebs = new EbsDirectAdapter(new EBSClient({ region: 'us-east-1', maxAttempts: 1 }), 'us-east-1');

  beforeEach(() => ebsMock.reset());

  it('counts the changed blocks of every page and sizes them with the BlockSize EBS answers', async () => {
    // The SDK's paginator sends one input object, changed page by page: copy it as it is sent.
    const sent: Record<string, unknown>[] = [];
    const pages = [
      { ChangedBlocks: [block(0), block(1)], BlockSize: 524_288, VolumeSize: 8, NextToken: 'p2' },
      { ChangedBlocks: [block(7)], BlockSize: 524_288, VolumeSize: 8 },
    ];
    ebsMock.on(ListChangedBlocksCommand).callsFake((input: Record<string, unknown>) => {
      sent.push({ ...input });
      return pages[sent.length - 1];
    });

    const changes = await ebs.changedBlocks('snap-from', 'snap-now');

    expect(changes).toEqual({
      changedBlocks: 3,
      blockSize: 524_288,
      changedBytes: 3 * 524_288,
      volumeSizeGiB: 8,
    });
    expect(sent).toEqual([
      {
        FirstSnapshotId: 'snap-from',
        SecondSnapshotId: 'snap-now',
        MaxResults: 10_000,
        NextToken: undefined,
      },
      { FirstSnapshotId: 'snap-from', SecondSnapshotId: 'snap-now', MaxResults: 10_000, NextToken: 'p2' },
    ]);
  });

  it('answers zero for identical snapshots (no ChangedBlocks in the answer)', async () => {
    ebsMock.on(ListChangedBlocksCommand).resolves({ BlockSize: 524_288, VolumeSize: 8 });

    expect(await ebs.changedBlocks('snap-from', 'snap-now')).toMatchObject({
      changedBlocks: 0,
      changedBytes: 0,
    });
  });

  it('fails naming the call when EBS answers without BlockSize', async () => {
    ebsMock.on(ListChangedBlocksCommand).resolves({ ChangedBlocks: [block(0)] });

    await expect(ebs.changedBlocks('snap-from', 'snap-now')).rejects.toThrow(
      'EBS ListChangedBlocks answered without BlockSize',
    );
  });

  it('turns throttling into ThrottledError (the state machine retries it)', async () => {
    ebsMock.on(ListChangedBlocksCommand).rejects(awsError('RequestThrottledException', 429));

    await expect(ebs.changedBlocks('snap-from', 'snap-now')).rejects.toBeInstanceOf(ThrottledError);
  });

  it('turns other refusals into AwsCallError naming the code and both snapshots', async () => {
    ebsMock.on(ListChangedBlocksCommand).rejects(awsError('ValidationException'));

    const refused = ebs.changedBlocks('snap-from', 'snap-other-lineage');

    await expect(refused).rejects.toBeInstanceOf(AwsCallError);
    await expect(refused).rejects.toMatchObject({
      context: {
        code: 'ValidationException',
        firstSnapshotId: 'snap-from',
        secondSnapshotId: 'snap-other-lineage',
      },
    });
  });
});
