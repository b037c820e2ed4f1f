import type { Random } from './seeded-random';
import type { SimulatedClock } from './simulated-clock';

/** The retry-token shape the SDK's retry middleware uses (RetryStrategyV2 from @smithy/types). */
interface SimRetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
  getRetryCost(): number | undefined;
}

// The SDK standard strategy's constants (@smithy/core retry, 2026): back-off base 50 ms, 1 s for
// throttling, capped at 20 s; a 500-token retry quota, 5 per throttling retry, 14 per other retry.
const BASE_DELAY_MS = 50;
const THROTTLING_BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 20_000;
const INITIAL_CAPACITY = 500;
const THROTTLING_COST = 5;
const OTHER_COST = 14;
const NO_RETRY_INCREMENT = 1;

const token = (count: number, cost: number | undefined): SimRetryToken => ({
  getRetryCount: () => count,
  // The back-off already happened on simulated time, so the middleware must not sleep again.
  getRetryDelay: () => 0,
  getRetryCost: () => cost,
});

/**
 * The SDK's standard retry strategy with its back-off on simulated time: the SDK still classifies
 * each error (throttling, transient, other) and runs its retry loop; only the sleep is virtual.
 * Client-side adaptive rate limiting is left out, so a run shows the worse case of the two modes.
 */
export class SimulatedRetryStrategy {
  readonly mode = 'standard';
  private capacity = INITIAL_CAPACITY;

  constructor(
    private readonly clock: SimulatedClock,
    private readonly maxAttempts: () => Promise<number>,
    private readonly random: Random,
  ) {}

  async acquireInitialRetryToken(_scope: string): Promise<SimRetryToken> {
    return token(0, undefined);
  }

  async refreshRetryTokenForRetry(
    previous: SimRetryToken,
    errorInfo: { errorType: string },
  ): Promise<SimRetryToken> {
    const throttling = errorInfo.errorType === 'THROTTLING';
    const retryable = throttling || errorInfo.errorType === 'TRANSIENT';
    const cost = throttling ? THROTTLING_COST : OTHER_COST;
    const attempts = previous.getRetryCount() + 1;
    if (!retryable || attempts >= (await this.maxAttempts()) || this.capacity < cost) {
      throw new Error('No retry token available');
    }
    this.capacity -= cost;
    const base = throttling ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
    const delay = Math.floor(this.random() * Math.min(base * 2 ** previous.getRetryCount(), MAX_DELAY_MS));
    await this.clock.sleepInCall(delay);
    return token(attempts, cost);
  }

  recordSuccess(used: SimRetryToken): void {
    this.capacity = Math.min(INITIAL_CAPACITY, this.capacity + (used.getRetryCost() ?? NO_RETRY_INCREMENT));
  }
}
