/**
 * AWS's published API limits that the rate-limit simulation enforces, per account and region.
 * https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html
 * https://docs.aws.amazon.com/ebs/latest/userguide/ebs-copy-snapshot.html (20 concurrent copies per destination Region)
 */
export interface AwsLimits {
  /** EC2 CreateSnapshot/CreateSnapshots resource rate limit. */
  createSnapshot: { capacity: number; refillPerSecond: number };
  /** Other mutating EC2 actions (CopySnapshot, DeleteSnapshot, CreateTags, ...). */
  ec2Mutating: { capacity: number; refillPerSecond: number };
  /** Non-mutating EC2 actions (Describe*). */
  ec2Describe: { capacity: number; refillPerSecond: number };
  /** Concurrent EBS snapshot copies into one destination region. */
  ebsCopiesPerDestination: number;
  /** Concurrent cross-region RDS snapshot copies into one destination region (planning figure). */
  rdsCrossRegionCopies: number;
  /**
   * Minimum interval between two CreateSnapshot calls on one volume; faster gives
   * SnapshotCreationPerVolumeRateExceeded (the EBS CSI driver waits 15 s for the same reason).
   */
  perVolumeSnapshotIntervalMs: number;
}

export const AWS_LIMITS: AwsLimits = {
  createSnapshot: { capacity: 100, refillPerSecond: 5 },
  ec2Mutating: { capacity: 50, refillPerSecond: 5 },
  ec2Describe: { capacity: 50, refillPerSecond: 10 },
  ebsCopiesPerDestination: 20,
  rdsCrossRegionCopies: 5,
  perVolumeSnapshotIntervalMs: 15_000,
};

export type Ec2Bucket = 'createSnapshot' | 'ec2Mutating' | 'ec2Describe';

/** Which EC2 token bucket an operation draws from. */
export function ec2BucketFor(operation: string): Ec2Bucket {
  if (operation === 'CreateSnapshot' || operation === 'CreateSnapshots') return 'createSnapshot';
  if (/^(Describe|Get|List|Search)/.test(operation)) return 'ec2Describe';
  return 'ec2Mutating';
}
