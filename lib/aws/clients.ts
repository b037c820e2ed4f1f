import { getIntFromEnv, getOptionalStringFromEnv } from '../env';

/** How every SDK client is built: the emulator endpoint (if any), default region and retry policy. */
export interface ClientSettings {
  /** Endpoint override (moto_server in tests and the local run); real AWS when absent. */
  endpoint?: string;
  /** Region for services that are not per-call regional (S3 catalog, Step Functions, SNS, SSM). */
  defaultRegion: string;
  /** Total attempts including the first; adaptive retry backs off on throttling. */
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
  /**
   * Called once for every client built, e.g. to add SDK middleware (rate-limit simulation and
   * fault injection in benchmarks and tests). Not used in production.
   */
  decorate?: (client: { middlewareStack: unknown }, service: string, region: string) => void;
}

/**
 * Reads client settings from the environment once: LIFEBOAT_AWS_ENDPOINT, AWS_REGION,
 * LIFEBOAT_AWS_MAX_ATTEMPTS. Adaptive retry is deliberate: EC2 and RDS throttle per account
 * with token buckets, and client-side rate limiting keeps a fan-out under them.
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 */
export function clientSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ClientSettings {
  return {
    endpoint: getOptionalStringFromEnv('LIFEBOAT_AWS_ENDPOINT', env),
    defaultRegion: getOptionalStringFromEnv('AWS_REGION', env) ?? 'us-east-1',
    maxAttempts: getIntFromEnv('LIFEBOAT_AWS_MAX_ATTEMPTS', 8, env),
    retryMode: 'adaptive',
  };
}

type Ctor<T> = new (config: Record<string, unknown>) => T;

/**
 * SDK clients, one per service and region, built on first use and reused for the process's life.
 * It imports no SDK client itself: each adapter module (lib/aws/<service>.ts) exports an accessor
 * such as `ec2Client(clients, region)`, so a Lambda bundle carries only the clients its code uses.
 */
export class AwsClients {
  readonly settings: ClientSettings;
  private readonly cache = new Map<string, unknown>();

  constructor(settings: ClientSettings) {
    this.settings = settings;
  }

  /** The client built by `ctor` for `region` (cached; `extra` applies only when it is first built). */
  client<T>(service: string, ctor: Ctor<T>, region: string, extra: Record<string, unknown> = {}): T {
    const key = `${service}:${region}`;
    let client = this.cache.get(key) as T | undefined;
    if (client === undefined) {
      client = new ctor({
        region,
        endpoint: this.settings.endpoint,
        maxAttempts: this.settings.maxAttempts,
        retryMode: this.settings.retryMode,
        ...extra,
      });
      this.settings.decorate?.(client as { middlewareStack: unknown }, service, region);
      this.cache.set(key, client);
    }
    return client;
  }
}

let processClients: AwsClients | undefined;

/** The process-wide clients, built from the environment on first call (once per Lambda container). */
export function defaultClients(): AwsClients {
  processClients ??= new AwsClients(clientSettingsFromEnv());
  return processClients;
}
