import { AWS_LIMITS, type AwsLimits, type Ec2Bucket, ec2BucketFor } from './aws-limits';
import { type AwsErrorShape, throttlingError } from './error-responses';
import type { SimulatedClock } from './simulated-clock';
import type { SnapshotLifecycle } from './snapshot-lifecycle';
import { TokenBucket } from './token-bucket';

/** A refusal, or a release callback to call once the admitted attempt has finished. */
export type Admission = { refused: AwsErrorShape } | { release: () => void };

/**
 * Enforces AWS's API limits on simulated time: EC2's token buckets per region, the per-volume
 * snapshot rate, and concurrent snapshot copies per destination region (EBS 20, RDS 5).
 */
export class AwsRateLimiter {
  readonly limits: AwsLimits;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly lastSnapshotOfVolume = new Map<string, number>();
  /** Copy requests admitted but not yet answered, so two racing attempts cannot both take the last slot. */
  private readonly copiesInRequest = new Map<string, number>();

  constructor(
    private readonly clock: SimulatedClock,
    private readonly lifecycle: SnapshotLifecycle,
    limits: Partial<AwsLimits> = {},
  ) {
    this.limits = { ...AWS_LIMITS, ...limits };
  }

  /** Decides whether one attempt of `operation` goes through now. */
  admit(service: string, region: string, operation: string, input: Record<string, unknown>): Admission {
    const now = this.clock.nowMs();
    if (service === 'ec2') {
      const bucket = this.bucket(region, ec2BucketFor(operation));
      if (!bucket.take(now)) return { refused: throttlingError('ec2') };
      if (operation === 'CreateSnapshot') return this.admitVolumeSnapshot(region, input, now);
      if (operation === 'CopySnapshot')
        return this.admitCopy(`ebs:${region}`, this.lifecycle.pendingCopies('ebs-copy', region), {
          limit: this.limits.ebsCopiesPerDestination,
          error: {
            code: 'ResourceLimitExceeded',
            message: `You have reached the limit of ${this.limits.ebsCopiesPerDestination} concurrent snapshot copies to this Region.`,
            status: 400,
          },
        });
    }
    if (service === 'rds' && (operation === 'CopyDBSnapshot' || operation === 'CopyDBClusterSnapshot')) {
      const source = String(
        input.SourceDBSnapshotIdentifier ?? input.SourceDBClusterSnapshotIdentifier ?? '',
      );
      const crossRegion =
        input.SourceRegion !== undefined || (source.startsWith('arn:') && !source.includes(`:${region}:`));
      if (crossRegion)
        return this.admitCopy(`rds:${region}`, this.lifecycle.pendingCopies('rds-copy', region, true), {
          limit: this.limits.rdsCrossRegionCopies,
          error: {
            code: 'SnapshotQuotaExceeded',
            message: `Cannot start more than ${this.limits.rdsCrossRegionCopies} cross-Region snapshot copies into this Region.`,
            status: 400,
          },
        });
    }
    return { release: () => undefined };
  }

  private admitVolumeSnapshot(region: string, input: Record<string, unknown>, now: number): Admission {
    const key = `${region}:${String(input.VolumeId)}`;
    const last = this.lastSnapshotOfVolume.get(key);
    if (last !== undefined && now - last < this.limits.perVolumeSnapshotIntervalMs) {
      return {
        refused: {
          code: 'SnapshotCreationPerVolumeRateExceeded',
          message:
            'The maximum per volume CreateSnapshot request rate has been exceeded. Use an increasing or variable sleep interval between requests.',
          status: 400,
        },
      };
    }
    this.lastSnapshotOfVolume.set(key, now);
    return { release: () => undefined };
  }

  private admitCopy(key: string, pending: number, rule: { limit: number; error: AwsErrorShape }): Admission {
    const inRequest = this.copiesInRequest.get(key) ?? 0;
    if (pending + inRequest >= rule.limit) return { refused: rule.error };
    this.copiesInRequest.set(key, inRequest + 1);
    return {
      release: () => this.copiesInRequest.set(key, (this.copiesInRequest.get(key) ?? 1) - 1),
    };
  }

  private bucket(region: string, name: Ec2Bucket): TokenBucket {
    const key = `${region}:${name}`;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      const { capacity, refillPerSecond } = this.limits[name];
      bucket = new TokenBucket(capacity, refillPerSecond, this.clock.nowMs());
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}
