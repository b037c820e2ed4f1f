/** A token bucket as AWS describes its API throttling: a burst capacity refilled at a steady rate. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    startMs: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = startMs;
  }

  /** Takes one token at `nowMs`; false when the bucket is empty (the request is throttled). */
  take(nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Tokens available at `nowMs`. */
  available(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  private refill(nowMs: number): void {
    if (nowMs <= this.updatedAt) return;
    this.tokens = Math.min(
      this.capacity,
      this.tokens + ((nowMs - this.updatedAt) / 1000) * this.refillPerSecond,
    );
    this.updatedAt = nowMs;
  }
}
