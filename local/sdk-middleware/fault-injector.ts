import { type AwsErrorShape, serverError, throttlingError } from './error-responses';
import type { Random } from './seeded-random';

/** Per-attempt fault rates (0..1) and which calls they apply to. */
export interface FaultRates {
  throttle: number;
  serverError: number;
  timeout: number;
  /** Of the timeouts, the share that strike after AWS acted on the request (the response is lost). */
  timeoutAfterSend: number;
  /** Extra latency per attempt, uniform in [min, max] ms of simulated time. */
  latencyMs?: { min: number; max: number };
  /** Services the faults apply to (default: all). */
  services?: readonly string[];
  /** Operations the faults apply to, e.g. /^(Create|Copy)/ (default: all). */
  operations?: RegExp;
}

export const NO_FAULTS: FaultRates = { throttle: 0, serverError: 0, timeout: 0, timeoutAfterSend: 0 };

export type Fault =
  | { kind: 'none' }
  | { kind: 'error'; error: AwsErrorShape; label: 'throttle' | 'server-error' }
  | { kind: 'timeout'; afterSend: boolean };

/** Decides, per attempt and from a seeded random source, which fault (if any) to inject. */
export class FaultInjector {
  readonly rates: FaultRates;

  constructor(
    rates: Partial<FaultRates>,
    private readonly random: Random,
  ) {
    this.rates = { ...NO_FAULTS, ...rates };
  }

  applies(service: string, operation: string): boolean {
    const { services, operations } = this.rates;
    return (services === undefined || services.includes(service)) && (operations?.test(operation) ?? true);
  }

  /** The extra latency of this attempt in ms (0 when none is configured). */
  latency(): number {
    const range = this.rates.latencyMs;
    return range === undefined ? 0 : range.min + this.random() * (range.max - range.min);
  }

  /** The fault for one attempt. */
  next(service: string): Fault {
    const { throttle, serverError: fiveXx, timeout, timeoutAfterSend } = this.rates;
    const r = this.random();
    if (r < throttle) return { kind: 'error', error: throttlingError(service), label: 'throttle' };
    if (r < throttle + fiveXx) return { kind: 'error', error: serverError(service), label: 'server-error' };
    if (r < throttle + fiveXx + timeout)
      return { kind: 'timeout', afterSend: this.random() < timeoutAfterSend };
    return { kind: 'none' };
  }
}

/** The error Node's HTTP handler throws when a request times out (the SDK retries it as transient). */
export function timeoutError(ms: number): Error {
  const error = new Error(`Connection timed out after ${ms} ms`);
  error.name = 'TimeoutError';
  return error;
}
