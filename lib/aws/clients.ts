import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
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

/** SDK clients, one per service and region, built on first use and reused for the process's life. */
export class AwsClients {
  readonly settings: ClientSettings;
  private readonly cache = new Map<string, unknown>();

  constructor(settings: ClientSettings) {
    this.settings = settings;
  }

  ec2(region: string): EC2Client {
    return this.client('ec2', EC2Client, region);
  }

  ecs(region: string): ECSClient {
    return this.client('ecs', ECSClient, region);
  }

  rds(region: string): RDSClient {
    return this.client('rds', RDSClient, region);
  }

  cloudwatch(region: string): CloudWatchClient {
    return this.client('cloudwatch', CloudWatchClient, region);
  }

  route53(): Route53Client {
    // Route 53 is a global service; its API lives in us-east-1.
    return this.client('route53', Route53Client, 'us-east-1');
  }

  s3(region = this.settings.defaultRegion): S3Client {
    return this.client('s3', S3Client, region, { forcePathStyle: this.settings.endpoint !== undefined });
  }

  sfn(region = this.settings.defaultRegion): SFNClient {
    return this.client('sfn', SFNClient, region);
  }

  sns(region = this.settings.defaultRegion): SNSClient {
    return this.client('sns', SNSClient, region);
  }

  sqs(region = this.settings.defaultRegion): SQSClient {
    return this.client('sqs', SQSClient, region);
  }

  ssm(region = this.settings.defaultRegion): SSMClient {
    return this.client('ssm', SSMClient, region);
  }

  private client<T>(service: string, ctor: Ctor<T>, region: string, extra: Record<string, unknown> = {}): T {
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
