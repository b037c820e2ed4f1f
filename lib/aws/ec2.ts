import {
  CopySnapshotCommand,
  CreateSnapshotCommand,
  DeleteSnapshotCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  type Filter,
  paginateDescribeSnapshots,
  paginateDescribeVolumes,
  type Snapshot,
} from '@aws-sdk/client-ec2';
import { ThrottledError } from '../errors';
import { fromTagList, TAG, type Tags, toTagList } from '../tags/vocabulary';
import type { AwsClients } from './clients';
import { awsErrorCode, translateAwsError } from './errors';
import { required } from './required';

/** The EC2Client for a region, built once per process. */
export function ec2Client(clients: AwsClients, region: string): EC2Client {
  return clients.client('ec2', EC2Client, region);
}

export interface VolumeInfo {
  volumeId: string;
  availabilityZone: string;
  sizeGiB: number;
  encrypted: boolean;
  tags: Tags;
}

export interface SnapshotInfo {
  snapshotId: string;
  volumeId: string;
  state: 'pending' | 'completed' | 'error' | 'recoverable' | 'recovering';
  stateMessage?: string;
  progress?: string;
  startTime?: string;
  encrypted: boolean;
  /** The account that owns it (DescribeSnapshots' OwnerId). */
  ownerId?: string;
  tags: Tags;
}

function fromSnapshot(s: Snapshot, operation: string): SnapshotInfo {
  const snapshotId = required(s.SnapshotId, `${operation}.SnapshotId`);
  const where = (field: string) => `${operation}.${field}`;
  return {
    snapshotId,
    volumeId: required(s.VolumeId, where('VolumeId'), { snapshotId }),
    state: required(s.State, where('State'), { snapshotId }),
    stateMessage: s.StateMessage,
    progress: s.Progress,
    startTime: s.StartTime?.toISOString(),
    encrypted: required(s.Encrypted, where('Encrypted'), { snapshotId }),
    ownerId: s.OwnerId,
    tags: fromTagList(s.Tags),
  };
}

function tagSpecification(tags: Tags) {
  return Object.keys(tags).length === 0
    ? undefined
    : [{ ResourceType: 'snapshot' as const, Tags: toTagList(tags) }];
}

function tagFilters(tags: Tags): Filter[] {
  return Object.entries(tags).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] }));
}

/** Snapshot ids per DescribeSnapshots filter (EC2 allows 200 values per filter). */
const DESCRIBE_IDS_PER_CALL = 200;

/** EBS volumes and snapshots in one region. Every call pages through all results. */
export class Ec2Adapter {
  constructor(
    private readonly ec2: EC2Client,
    readonly region: string,
  ) {}

  /** The volumes with these ids and/or all these tags. */
  async findVolumes(selector: { ids?: string[]; tags?: Tags }): Promise<VolumeInfo[]> {
    const filters = tagFilters(selector.tags ?? {});
    const volumes: VolumeInfo[] = [];
    try {
      const pages = paginateDescribeVolumes(
        { client: this.ec2, pageSize: selector.ids === undefined ? 500 : undefined },
        { VolumeIds: selector.ids, Filters: filters.length > 0 ? filters : undefined },
      );
      for await (const page of pages) {
        for (const v of page.Volumes ?? []) {
          const volumeId = required(v.VolumeId, 'EC2 DescribeVolumes.VolumeId');
          const where = (field: string) => `EC2 DescribeVolumes.${field}`;
          volumes.push({
            volumeId,
            availabilityZone: required(v.AvailabilityZone, where('AvailabilityZone'), { volumeId }),
            sizeGiB: required(v.Size, where('Size'), { volumeId }),
            encrypted: required(v.Encrypted, where('Encrypted'), { volumeId }),
            tags: fromTagList(v.Tags),
          });
        }
      }
    } catch (error) {
      throw translateAwsError(error, 'EC2 DescribeVolumes', { region: this.region });
    }
    return volumes;
  }

  /** Starts a snapshot of one volume, tagged at creation (no window where it exists untagged). */
  async createSnapshot(volumeId: string, description: string, tags: Tags): Promise<SnapshotInfo> {
    try {
      const out = await this.ec2.send(
        new CreateSnapshotCommand({
          VolumeId: volumeId,
          Description: description,
          TagSpecifications: tagSpecification(tags),
        }),
      );
      // The answer carries the tags only when some were asked for.
      return fromSnapshot({ ...out, Tags: out.Tags ?? toTagList(tags) }, 'EC2 CreateSnapshot');
    } catch (error) {
      // Too many pending snapshots of the volume is a wait, not a failed part (the next call retries).
      if (awsErrorCode(error) === 'ConcurrentSnapshotLimitExceeded') {
        throw new ThrottledError(
          'EC2 CreateSnapshot: the volume has too many pending snapshots',
          { region: this.region, volumeId },
          { cause: error },
        );
      }
      throw translateAwsError(error, 'EC2 CreateSnapshot', { region: this.region, volumeId });
    }
  }

  /** Snapshots we own with these ids and/or all these tags. */
  async findSnapshots(selector: { ids?: string[]; tags?: Tags }): Promise<SnapshotInfo[]> {
    const filters = tagFilters(selector.tags ?? {});
    const snapshots: SnapshotInfo[] = [];
    try {
      const pages = paginateDescribeSnapshots(
        { client: this.ec2, pageSize: selector.ids === undefined ? 1000 : undefined },
        { OwnerIds: ['self'], SnapshotIds: selector.ids, Filters: filters.length > 0 ? filters : undefined },
      );
      for await (const page of pages) {
        for (const s of page.Snapshots ?? []) snapshots.push(fromSnapshot(s, 'EC2 DescribeSnapshots'));
      }
    } catch (error) {
      throw translateAwsError(error, 'EC2 DescribeSnapshots', { region: this.region });
    }
    return snapshots;
  }

  /**
   * One snapshot by id, whoever owns it (OwnerId says who), or undefined when this account cannot
   * see it: the lookup lifeboat's trust checks compare with what the catalog says.
   */
  async describeSnapshot(snapshotId: string): Promise<SnapshotInfo | undefined> {
    try {
      const out = await this.ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }));
      const s = out.Snapshots?.find((x) => x.SnapshotId === snapshotId);
      return s === undefined ? undefined : fromSnapshot(s, 'EC2 DescribeSnapshots');
    } catch (error) {
      // An id that does not exist (or is another account's private snapshot) is an answer, not a failure.
      const code = awsErrorCode(error);
      if (code === 'InvalidSnapshot.NotFound' || code === 'InvalidSnapshotID.Malformed') return undefined;
      throw translateAwsError(error, 'EC2 DescribeSnapshots', { region: this.region, snapshotId });
    }
  }

  /**
   * The snapshots with these ids, whoever owns them, in one DescribeSnapshots per 200 ids; an id
   * that does not exist is left out of the answer. A `snapshot-id` filter rather than SnapshotIds:
   * EC2 fails the whole SnapshotIds call with InvalidSnapshot.NotFound when any one id is gone.
   */
  async describeSnapshots(snapshotIds: readonly string[]): Promise<SnapshotInfo[]> {
    const unique = [...new Set(snapshotIds)];
    const out: SnapshotInfo[] = [];
    try {
      for (let i = 0; i < unique.length; i += DESCRIBE_IDS_PER_CALL) {
        const ids = unique.slice(i, i + DESCRIBE_IDS_PER_CALL);
        const pages = paginateDescribeSnapshots(
          { client: this.ec2 },
          { Filters: [{ Name: 'snapshot-id', Values: ids }] },
        );
        for await (const page of pages) {
          for (const s of page.Snapshots ?? []) out.push(fromSnapshot(s, 'EC2 DescribeSnapshots'));
        }
      }
    } catch (error) {
      throw translateAwsError(error, 'EC2 DescribeSnapshots', { region: this.region, count: unique.length });
    }
    return out;
  }

  /**
   * Copies a snapshot from `sourceRegion` into this adapter's region (CopySnapshot is called in the
   * destination region). CopySnapshot takes no client token: callers find an earlier copy by tag
   * before starting another.
   * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CopySnapshot.html
   */
  async copySnapshotFrom(input: {
    sourceRegion: string;
    sourceSnapshotId: string;
    description: string;
    tags: Tags;
    kmsKeyId?: string;
  }): Promise<string> {
    try {
      const out = await this.ec2.send(
        new CopySnapshotCommand({
          SourceRegion: input.sourceRegion,
          SourceSnapshotId: input.sourceSnapshotId,
          Description: input.description,
          Encrypted: input.kmsKeyId !== undefined ? true : undefined,
          KmsKeyId: input.kmsKeyId,
          TagSpecifications: tagSpecification(input.tags),
        }),
      );
      return required(out.SnapshotId, 'EC2 CopySnapshot.SnapshotId', { source: input.sourceSnapshotId });
    } catch (error) {
      // Beyond the concurrent-copy quota EC2 answers ResourceLimitExceeded: wait, do not fail.
      // https://docs.aws.amazon.com/ebs/latest/userguide/ebs-copy-snapshot.html
      if (awsErrorCode(error) === 'ResourceLimitExceeded') {
        throw new ThrottledError(
          'EC2 CopySnapshot: concurrent copy limit reached',
          {
            region: this.region,
            source: input.sourceSnapshotId,
          },
          { cause: error },
        );
      }
      throw translateAwsError(error, 'EC2 CopySnapshot', {
        region: this.region,
        source: input.sourceSnapshotId,
      });
    }
  }

  /**
   * How many lifeboat copies into this region are still pending: the count that the
   * 20-concurrent-copies-per-destination-region quota applies to.
   * https://docs.aws.amazon.com/ebs/latest/userguide/ebs-resource-quotas.html
   */
  async countPendingCopies(): Promise<number> {
    let count = 0;
    try {
      const pages = paginateDescribeSnapshots(
        { client: this.ec2, pageSize: 1000 },
        {
          OwnerIds: ['self'],
          Filters: [
            { Name: 'status', Values: ['pending'] },
            { Name: 'tag-key', Values: [TAG.sourceSnapshot] },
          ],
        },
      );
      for await (const page of pages) count += page.Snapshots?.length ?? 0;
    } catch (error) {
      throw translateAwsError(error, 'EC2 DescribeSnapshots', { region: this.region });
    }
    return count;
  }

  /** Deletes a snapshot. IAM allows this only on snapshots tagged TAG.managed=true. */
  async deleteSnapshot(snapshotId: string): Promise<void> {
    try {
      await this.ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
    } catch (error) {
      // Already gone (a retried retention run): the delete is done.
      if (awsErrorCode(error) === 'InvalidSnapshot.NotFound') return;
      throw translateAwsError(error, 'EC2 DeleteSnapshot', { region: this.region, snapshotId });
    }
  }
}
