import { type EC2Client, type Filter, paginateDescribeSnapshots, type Snapshot } from '@aws-sdk/client-ec2';
import type { ObservedSnapshot, ObservedState } from '../trust/verify-snapshot';
import { awsErrorCode, translateAwsError } from './errors';

function stateOf(state: string | undefined): ObservedState {
  if (state === 'completed') return 'completed';
  if (state === 'error') return 'failed';
  return 'pending';
}

function observed(s: Snapshot, region: string): ObservedSnapshot | undefined {
  if (s.SnapshotId === undefined) return undefined;
  const tags: Record<string, string> = {};
  for (const t of s.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  return {
    service: 'ebs',
    region,
    id: s.SnapshotId,
    ownerAccountId: s.OwnerId,
    state: stateOf(s.State),
    tags,
  };
}

/**
 * EBS snapshots exactly as DescribeSnapshots reports them, owner included: what lifeboat checks
 * before it deletes (or launches from, or copies) a snapshot a record names.
 */
export class EbsSnapshotEvidence {
  constructor(
    private readonly ec2: EC2Client,
    readonly region: string,
  ) {}

  /** This account's snapshots carrying all these tags. */
  async withTags(tags: Record<string, string>): Promise<ObservedSnapshot[]> {
    const filters: Filter[] = Object.entries(tags).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] }));
    try {
      return await this.describe({ OwnerIds: ['self'], Filters: filters }, 1000);
    } catch (error) {
      throw translateAwsError(error, 'EC2 DescribeSnapshots', { region: this.region });
    }
  }

  /**
   * The snapshot with this id, whoever owns it (a record may name someone else's), or undefined
   * when it does not exist. One id per call: an unknown id fails the whole DescribeSnapshots call.
   */
  async byId(snapshotId: string): Promise<ObservedSnapshot | undefined> {
    try {
      const [found] = await this.describe({ SnapshotIds: [snapshotId] }, undefined);
      return found;
    } catch (error) {
      if (awsErrorCode(error) === 'InvalidSnapshot.NotFound') return undefined;
      throw translateAwsError(error, 'EC2 DescribeSnapshots', { region: this.region, snapshotId });
    }
  }

  private async describe(
    input: { OwnerIds?: string[]; SnapshotIds?: string[]; Filters?: Filter[] },
    pageSize: number | undefined,
  ): Promise<ObservedSnapshot[]> {
    const out: ObservedSnapshot[] = [];
    for await (const page of paginateDescribeSnapshots({ client: this.ec2, pageSize }, input)) {
      for (const s of page.Snapshots ?? []) {
        const o = observed(s, this.region);
        if (o !== undefined) out.push(o);
      }
    }
    return out;
  }
}
