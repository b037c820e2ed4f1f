import { AllAwsClients } from '../../lib/aws/all-clients';
import type { AwsLimits } from './aws-limits';
import { awsErrorResponse } from './error-responses';
import { type FaultInjector, timeoutError } from './fault-injector';
import { AwsRateLimiter } from './rate-limiter';
import { type Random, seededRandom } from './seeded-random';
import type { SimulatedClock } from './simulated-clock';
import { SimulatedRetryStrategy } from './simulated-retry';
import { DEFAULT_SNAPSHOT_DURATIONS, type SnapshotDurations, SnapshotLifecycle } from './snapshot-lifecycle';

// Structural views of the SDK's middleware stack (@smithy/types), so this module needs no SDK import.
type Args = { input: Record<string, unknown>; request?: unknown };
type Result = { output: Record<string, unknown>; response: unknown };
type Handler = (args: Args) => Promise<Result>;
type Middleware = (next: Handler, context: { commandName?: string }) => Handler;
interface MiddlewareStack {
  add(
    middleware: Middleware,
    options: { step: string; priority?: string; name: string; override?: boolean },
  ): void;
}
interface ClientConfig {
  retryStrategy?: () => Promise<unknown>;
  maxAttempts?: () => Promise<number>;
}

const increment = (map: Map<string, number>, key: string, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

/** What the simulated AWS saw: calls and attempts per `service:Operation`, throttles and faults sent, errors that escaped the SDK. */
export class CallStats {
  readonly calls = new Map<string, number>();
  readonly attempts = new Map<string, number>();
  /** Throttling responses sent, by AWS error code (limits and injected faults). */
  readonly throttlesSent = new Map<string, number>();
  /** Other injected faults, by kind. */
  readonly faultsInjected = new Map<string, number>();
  /** Errors thrown out of `send()` after the SDK's retries, by `service:Operation:ErrorName`. */
  readonly escaped = new Map<string, number>();

  total(map: Map<string, number>, filter: (key: string) => boolean = () => true): number {
    let sum = 0;
    for (const [key, value] of map) if (filter(key)) sum += value;
    return sum;
  }

  reset(): void {
    for (const map of [this.calls, this.attempts, this.throttlesSent, this.faultsInjected, this.escaped])
      map.clear();
  }
}

export interface AwsSimulationOptions {
  clock: SimulatedClock;
  /** AWS limits to enforce (defaults: the published ones); false turns the rate limiter off. */
  limits?: Partial<AwsLimits> | false;
  durations?: Partial<SnapshotDurations>;
  faults?: FaultInjector;
  /** Modelled AWS latency per attempt, in simulated ms. */
  callLatencyMs?: number;
  /** Seed of the retry back-off jitter. */
  seed?: number;
}

const operationOf = (context: { commandName?: string }) =>
  (context.commandName ?? 'Unknown').replace(/Command$/, '');

/**
 * AWS as the benchmarks and fault tests see it: moto underneath, with AWS's rate limits, snapshot
 * timings, injected faults and the SDK's retry back-off all on one simulated clock. Pass
 * `decorate` to AllAwsClients (or use `clients(endpoint)`).
 */
export class AwsSimulation {
  readonly clock: SimulatedClock;
  readonly stats = new CallStats();
  readonly lifecycle: SnapshotLifecycle;
  readonly limiter: AwsRateLimiter | undefined;
  readonly faults: FaultInjector | undefined;
  private readonly callLatencyMs: number;
  private readonly random: Random;

  constructor(options: AwsSimulationOptions) {
    this.clock = options.clock;
    this.lifecycle = new SnapshotLifecycle(this.clock, {
      ...DEFAULT_SNAPSHOT_DURATIONS,
      ...options.durations,
    });
    this.limiter =
      options.limits === false
        ? undefined
        : new AwsRateLimiter(this.clock, this.lifecycle, options.limits ?? {});
    this.faults = options.faults;
    this.callLatencyMs = options.callLatencyMs ?? 0;
    this.random = seededRandom(options.seed ?? 1);
  }

  /** SDK clients against `endpoint` with this simulation installed (attempts as in production). */
  clients(endpoint: string, maxAttempts = 8): AllAwsClients {
    return new AllAwsClients({
      endpoint,
      defaultRegion: 'us-east-1',
      maxAttempts,
      retryMode: 'standard',
      decorate: this.decorate,
    });
  }

  /** The AllAwsClients `decorate` hook: adds the middleware and moves retry back-off onto simulated time. */
  readonly decorate = (client: { middlewareStack: unknown }, service: string, region: string): void => {
    const stack = client.middlewareStack as MiddlewareStack;
    const config = (client as { config?: ClientConfig }).config;
    if (config !== undefined) {
      const maxAttempts = config.maxAttempts ?? (async () => 3);
      const strategy = new SimulatedRetryStrategy(this.clock, maxAttempts, this.random);
      config.retryStrategy = async () => strategy;
    }
    stack.add(this.callMiddleware(service, region), {
      step: 'initialize',
      priority: 'high',
      name: 'lifeboatSimCall',
      override: true,
    });
    stack.add(this.attemptMiddleware(service, region), {
      step: 'deserialize',
      priority: 'low',
      name: 'lifeboatSimAttempt',
      override: true,
    });
  };

  /** Outermost: one logical call (all its retries) — busy tracking, counts, snapshot lifecycle. */
  private callMiddleware(service: string, region: string): Middleware {
    return (next, context) => (args) =>
      this.clock.track(async () => {
        const operation = operationOf(context);
        increment(this.stats.calls, `${service}:${operation}`);
        try {
          const prepared = this.lifecycle.prepare(service, region, operation, args.input);
          const result = await next({ ...args, input: prepared.input });
          this.lifecycle.observe(service, region, operation, args.input, result.output);
          this.lifecycle.filter(result.output, prepared.statuses);
          return result;
        } catch (error) {
          increment(this.stats.escaped, `${service}:${operation}:${(error as Error).name}`);
          throw error;
        }
      });
  }

  /** Innermost, once per attempt: latency, injected faults, AWS limits; refusals go back as HTTP error responses. */
  private attemptMiddleware(service: string, region: string): Middleware {
    return (next, context) => async (args) => {
      const operation = operationOf(context);
      increment(this.stats.attempts, `${service}:${operation}`);
      const faults = this.faults?.applies(service, operation) ? this.faults : undefined;
      const latency = this.callLatencyMs + (faults?.latency() ?? 0);
      if (latency > 0) await this.clock.sleepInCall(latency);
      const fault = faults?.next(service) ?? { kind: 'none' };
      if (fault.kind === 'error') {
        this.recordRefusal(fault.error.code, fault.label);
        return { response: awsErrorResponse(service, fault.error), output: {} };
      }
      if (fault.kind === 'timeout' && !fault.afterSend) {
        increment(this.stats.faultsInjected, 'timeout-before-send');
        throw timeoutError(30_000);
      }
      const admission = this.limiter?.admit(service, region, operation, args.input) ?? {
        release: () => undefined,
      };
      if ('refused' in admission) {
        this.recordRefusal(admission.refused.code, 'limit');
        return { response: awsErrorResponse(service, admission.refused), output: {} };
      }
      try {
        const result = await next(args);
        if (fault.kind === 'timeout') {
          increment(this.stats.faultsInjected, 'timeout-after-send');
          throw timeoutError(30_000);
        }
        return result;
      } finally {
        admission.release();
      }
    };
  }

  private recordRefusal(code: string, label: string): void {
    if (label === 'server-error') increment(this.stats.faultsInjected, 'server-error');
    else increment(this.stats.throttlesSent, code);
    if (label === 'throttle') increment(this.stats.faultsInjected, 'throttle');
  }
}
