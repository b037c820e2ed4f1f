import { z } from 'zod';
import type { Catalog } from '../catalog/catalog';
import type { Clock } from '../clock';
import { ConcurrentUpdateError } from '../errors';

/**
 * EC2's request token buckets per account and region, as published: CreateSnapshot(s) has its own
 * resource bucket, the other mutating actions share one.
 * https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html
 */
export interface BucketSpec {
  capacity: number;
  refillPerSecond: number;
}

export type PacedBucket = 'createSnapshot' | 'mutating';

export const EC2_REQUEST_BUDGETS: Record<PacedBucket, BucketSpec> = {
  createSnapshot: { capacity: 100, refillPerSecond: 5 },
  mutating: { capacity: 50, refillPerSecond: 5 },
};

const bucketStateSchema = z.object({ tokens: z.number(), at: z.string() });
type BucketState = z.infer<typeof bucketStateSchema>;

const budgetSchema = z.object({
  apiVersion: z.literal('lifeboat/v1'),
  kind: z.literal('Ec2Budget'),
  region: z.string().min(1),
  buckets: z.record(z.string(), bucketStateSchema),
});
export type Ec2Budget = z.infer<typeof budgetSchema>;

/** A grant: `granted` calls may be made from `startAt` on (all at once: they fit the bucket then). */
export interface Reservation {
  granted: number;
  startAt: number;
}

/**
 * Reserves up to `want` requests from a token bucket whose balance may go negative: a debt is
 * the requests already promised to earlier callers, repaid by the refill. A caller gets the most
 * requests it can make within `maxWaitMs` (never more than the bucket holds, so firing them
 * together at `startAt` is what AWS's bucket would admit then) and the time to make them.
 * Pure: the caller stores the new state by compare-and-swap.
 */
export function reserve(
  spec: BucketSpec,
  state: BucketState | undefined,
  want: number,
  nowMs: number,
  maxWaitMs: number,
): { reservation: Reservation; state: BucketState } {
  const at = new Date(nowMs).toISOString();
  const last = state === undefined ? nowMs : new Date(state.at).getTime();
  const held = state === undefined ? spec.capacity : state.tokens;
  const tokens = Math.min(spec.capacity, held + (Math.max(0, nowMs - last) / 1000) * spec.refillPerSecond);
  const affordable = Math.floor(tokens + (maxWaitMs / 1000) * spec.refillPerSecond + 1e-9);
  const granted = Math.max(0, Math.min(want, spec.capacity, affordable));
  const waitMs = granted === 0 ? 0 : Math.max(0, ((granted - tokens) / spec.refillPerSecond) * 1000);
  return {
    reservation: { granted, startAt: nowMs + Math.ceil(waitMs) },
    state: { tokens: tokens - granted, at },
  };
}

/** The pacer port: how many requests of a bucket this caller may make, waiting for them if need be. */
export interface RequestPacer {
  /**
   * Waits until up to `want` requests of `bucket` may be sent in `region`, for at most
   * `maxWaitMs`, and returns how many (0: none within the wait; leave the work for later).
   */
  acquire(region: string, bucket: PacedBucket, want: number, maxWaitMs: number): Promise<number>;
}

export interface CatalogPacerOptions {
  budgets: Record<PacedBucket, BucketSpec>;
  /**
   * Compare-and-swap attempts before a caller gives up for this time (contention is not an error).
   * 16: with 25 invocations starting snapshots at once, 4 lost often enough that the last volumes
   * of a 10,000-volume night waited for the 5-minute sweeper (the bench's rate fell to 46 % of 5/s).
   */
  attempts: number;
}

/**
 * One EC2 request budget per region for every lifeboat invocation at once: the bucket's state is a
 * catalog document changed by compare-and-swap, so however many invocations start snapshots, the
 * region sees at most the published rate. Why in the catalog: starts come from schedules, events
 * and the sweeper's workers, in any number of Lambda instances; a shared budget paces them all,
 * and a caller knows at once when its requests may go, so it neither polls nor gets throttled.
 */
export class CatalogPacer implements RequestPacer {
  private readonly options: CatalogPacerOptions;

  constructor(
    private readonly catalog: Catalog,
    private readonly clock: Clock,
    private readonly sleep: (ms: number) => Promise<void>,
    options: Partial<CatalogPacerOptions> = {},
  ) {
    this.options = { budgets: EC2_REQUEST_BUDGETS, attempts: 16, ...options };
  }

  async acquire(region: string, bucket: PacedBucket, want: number, maxWaitMs: number): Promise<number> {
    if (want <= 0) return 0;
    const spec = this.options.budgets[bucket];
    let reservation: Reservation = { granted: 0, startAt: 0 };
    try {
      await this.catalog.updateEc2Budget(
        region,
        (value) => budgetSchema.parse(value),
        (): Ec2Budget => ({ apiVersion: 'lifeboat/v1', kind: 'Ec2Budget', region, buckets: {} }),
        (budget) => {
          const result = reserve(spec, budget.buckets[bucket], want, this.clock.now().getTime(), maxWaitMs);
          reservation = result.reservation;
          if (reservation.granted === 0) return undefined;
          budget.buckets[bucket] = result.state;
          return budget;
        },
        this.options.attempts,
      );
    } catch (error) {
      // Lost the race every time: others are spending the budget; this caller leaves its work.
      if (error instanceof ConcurrentUpdateError) return 0;
      throw error;
    }
    const wait = reservation.startAt - this.clock.now().getTime();
    if (reservation.granted > 0 && wait > 0) await this.sleep(wait);
    return reservation.granted;
  }
}

/** A pacer that never waits (tests, and installs small enough never to meet EC2's rates). */
export const unpaced: RequestPacer = {
  acquire: async (_region, _bucket, want) => Math.max(0, want),
};
