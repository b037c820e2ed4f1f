import { EBSClient, paginateListChangedBlocks } from '@aws-sdk/client-ebs';
import type { AwsClients } from './clients';
import { translateAwsError } from './errors';
import { required } from './required';

/** The EBSClient (EBS direct APIs) for a region, built once per process. */
export function ebsClient(clients: AwsClients, region: string): EBSClient {
  return clients.client('ebs', EBSClient, region);
}

/** How two snapshots of one volume lineage differ: the blocks that changed and their size. */
export interface BlockChanges {
  changedBlocks: number;
  /** Bytes per block, as EBS answers it (512 KiB on AWS). */
  blockSize: number;
  changedBytes: number;
  /** The size of the volume of the second snapshot. */
  volumeSizeGiB?: number;
}

// The largest page ListChangedBlocks gives: a 16 TiB volume has 32 Mi blocks, so pages matter.
// https://docs.aws.amazon.com/ebs/latest/APIReference/API_ListChangedBlocks.html
const PAGE_SIZE = 10_000;

/** The EBS direct APIs of one region: read-only comparison of snapshots, no data read. */
export class EbsDirectAdapter {
  constructor(
    private readonly ebs: EBSClient,
    readonly region: string,
  ) {}

  /**
   * The blocks that differ between `firstSnapshotId` and `secondSnapshotId` (both completed, of the
   * same volume lineage), counted over every page of ListChangedBlocks.
   */
  async changedBlocks(firstSnapshotId: string, secondSnapshotId: string): Promise<BlockChanges> {
    const operation = 'EBS ListChangedBlocks';
    const context = { region: this.region, firstSnapshotId, secondSnapshotId };
    let changedBlocks = 0;
    let blockSize: number | undefined;
    let volumeSizeGiB: number | undefined;
    try {
      const pages = paginateListChangedBlocks(
        { client: this.ebs },
        { FirstSnapshotId: firstSnapshotId, SecondSnapshotId: secondSnapshotId, MaxResults: PAGE_SIZE },
      );
      for await (const page of pages) {
        changedBlocks += page.ChangedBlocks?.length ?? 0;
        blockSize ??= page.BlockSize;
        volumeSizeGiB ??= page.VolumeSize;
      }
    } catch (error) {
      throw translateAwsError(error, operation, context);
    }
    const size = required(blockSize, `${operation}.BlockSize`, context);
    return { changedBlocks, blockSize: size, changedBytes: changedBlocks * size, volumeSizeGiB };
  }
}
