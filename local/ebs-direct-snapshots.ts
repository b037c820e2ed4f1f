// Emulator fixture: moto answers ListChangedBlocks only for snapshots written with the EBS direct
// APIs (StartSnapshot, PutSnapshotBlock, CompleteSnapshot), never for CreateSnapshot ones, so tests
// and tools build the snapshots a promote compares this way. It calls the SDK directly.
import { createHash } from 'node:crypto';
import {
  CompleteSnapshotCommand,
  type EBSClient,
  PutSnapshotBlockCommand,
  StartSnapshotCommand,
} from '@aws-sdk/client-ebs';
import type { AllAwsClients } from '../lib/aws/all-clients';
import { ebsClient } from '../lib/aws/ebs-direct';
import { toTagList } from '../lib/tags/vocabulary';

/** Block index → the byte every byte of the block is filled with (e.g. `{ 0: 'a', 1: 'a' }`). */
export type BlockContents = Record<number, string>;

// moto neither checks the data length nor the checksum against its BlockSize (512): any length works.
const BLOCK_BYTES = 512;

async function putBlock(ebs: EBSClient, snapshotId: string, index: number, fill: string): Promise<void> {
  const data = Buffer.alloc(BLOCK_BYTES, fill);
  await ebs.send(
    new PutSnapshotBlockCommand({
      SnapshotId: snapshotId,
      BlockIndex: index,
      BlockData: data,
      DataLength: data.length,
      Checksum: createHash('sha256').update(data).digest('base64'),
      ChecksumAlgorithm: 'SHA256',
    }),
  );
}

/** A completed snapshot holding `blocks`, tagged `tags` (moto also lists it in EC2 DescribeSnapshots). */
export async function directSnapshot(
  clients: AllAwsClients,
  region: string,
  options: { blocks: BlockContents; tags?: Record<string, string>; description?: string; sizeGiB?: number },
): Promise<string> {
  const ebs = ebsClient(clients, region);
  const started = await ebs.send(
    new StartSnapshotCommand({
      VolumeSize: options.sizeGiB ?? 8,
      Tags: options.tags === undefined ? undefined : toTagList(options.tags),
      Description: options.description ?? 'lifeboat test snapshot (EBS direct APIs)',
    }),
  );
  const snapshotId = started.SnapshotId;
  if (snapshotId === undefined) throw new Error('the emulator returned no snapshot id');
  for (const [index, fill] of Object.entries(options.blocks)) {
    await putBlock(ebs, snapshotId, Number(index), fill);
  }
  await ebs.send(
    new CompleteSnapshotCommand({
      SnapshotId: snapshotId,
      ChangedBlocksCount: Object.keys(options.blocks).length,
    }),
  );
  return snapshotId;
}

/** `count` blocks filled with `fill`, from index 0. */
export function uniformBlocks(count: number, fill = 'a'): BlockContents {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [i, fill]));
}

/**
 * A snapshot of a volume "now", `changed` of the `from` blocks rewritten. moto compares only the
 * indexes the first snapshot holds and reports a block the second lacks as changed, so the second
 * repeats every unchanged block (an incremental snapshot on AWS inherits them from its parent).
 */
export function laterBlocks(from: BlockContents, changed: number, fill = 'z'): BlockContents {
  const later: BlockContents = { ...from };
  for (const index of Object.keys(from).map(Number).slice(0, changed)) later[index] = fill;
  return later;
}
