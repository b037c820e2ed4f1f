/**
 * The number of copies in flight into one region, read from AWS at most once per `ttlMs` and
 * counting the copies this process started since. Every advance that has a copy to start needs
 * the count; thousands of advances in a sweep would otherwise spend EC2's Describe budget on it.
 * A stale count can only overshoot the quota by a little, and AWS then refuses the copy with a
 * quota error, which the use case treats as "wait", so correctness does not depend on it.
 */
export class CopyCountCache {
  private value: number | undefined;
  private readAt = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** The cached count, or a fresh one from `read` once the cache is older than the TTL. */
  async count(read: () => Promise<number>): Promise<number> {
    if (this.value === undefined || this.now() - this.readAt >= this.ttlMs) {
      this.value = await read();
      this.readAt = this.now();
    }
    return this.value;
  }

  /** Counts a copy this process just started. */
  started(): void {
    if (this.value !== undefined) this.value += 1;
  }
}

/** The two methods of an EBS or RDS port that the copies-in-flight count concerns. */
interface CopyingPort {
  copySnapshotFrom(input: never): Promise<unknown>;
  countPendingCopies(): Promise<number>;
}

/**
 * `port` with its copies-in-flight count read through `cache`, and each copy it starts counted;
 * every other method is the port's own. It overrides the two methods on `port` itself, so pass
 * an adapter built for this purpose.
 */
export function withCopyCountCache<P extends CopyingPort>(port: P, cache: CopyCountCache): P {
  const copy = port.copySnapshotFrom.bind(port) as (input: unknown) => Promise<unknown>;
  const count = port.countPendingCopies.bind(port);
  return Object.assign(port, {
    async copySnapshotFrom(input: unknown) {
      const started = await copy(input);
      cache.started();
      return started;
    },
    countPendingCopies: () => cache.count(count),
  });
}
