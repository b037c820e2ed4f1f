import { AllAwsClients } from '../../lib/aws/all-clients';
import type { FakeHttpResponse } from '../sdk-middleware/error-responses';
import { MOTO_ACCOUNT } from '../seed';
import { Ec2Standin } from './ec2-standin';
import { PUBLISHED_QUOTAS, QuotasStandin, type StandinQuota } from './quotas-standin';
import { RdsStandin } from './rds-standin';
import {
  bodyText,
  errorResponse,
  jsonResponse,
  QueryParams,
  refuse,
  type WireRequest,
  xmlResponse,
} from './wire';

/** The endpoint the stand-in's clients are built with: never connected to, every request is answered in-process. */
export const STANDIN_ENDPOINT = 'http://aws-standin.invalid';

export interface AwsStandinOptions {
  /** The account that owns everything (default: moto's, so configs and trust checks are the same). */
  accountId?: string;
  /** Where creation times come from (a simulated clock's `nowMs`; default: the wall clock). */
  now?: () => number;
  /** Service Quotas' quotas, per region alike (default: the published EBS and RDS copy quotas). */
  quotas?: StandinQuota[];
}

/** The smithy HttpHandler shape the SDK's clients call (structurally @smithy/protocol-http's). */
export interface StandinHttpHandler {
  handle(request: WireRequest, options?: unknown): Promise<{ response: FakeHttpResponse }>;
  updateHttpClientConfig(key: never, value: never): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
}

/** The services the stand-in answers: EC2, RDS and Service Quotas. */
export const STANDIN_SERVICES = ['ec2', 'rds', 'service-quotas'] as const;

/**
 * An in-process EC2 (EBS), RDS and Service Quotas, answering the SDK's real requests in the real
 * wire formats through each client's `requestHandler`: the SDK's serializers, deserializers and
 * retry, and the simulation middleware in front of them, run unchanged. Indexed by id and tag, so
 * a call costs O(result) where moto scans every snapshot of the region. For the benchmark at
 * 10,000 volumes, where moto is too slow.
 */
export class AwsStandin {
  readonly accountId: string;
  private readonly now: () => number;
  private readonly quotas: StandinQuota[];
  private readonly ec2Regions = new Map<string, Ec2Standin>();
  private readonly rdsRegions = new Map<string, RdsStandin>();
  private readonly quotaRegions = new Map<string, QuotasStandin>();
  private counter = 0;
  /** Requests answered, by `service:Action` (what reached the stand-in, retries included). */
  readonly requests = new Map<string, number>();

  constructor(options: AwsStandinOptions = {}) {
    this.accountId = options.accountId ?? MOTO_ACCOUNT;
    this.now = options.now ?? Date.now;
    this.quotas = options.quotas ?? PUBLISHED_QUOTAS.map((q) => ({ ...q }));
  }

  /** EC2 of `region`. */
  ec2(region: string): Ec2Standin {
    let found = this.ec2Regions.get(region);
    if (found === undefined) {
      found = new Ec2Standin(region, {
        accountId: this.accountId,
        now: this.now,
        nextId: (prefix) => this.nextId(prefix),
        nextSeq: () => this.nextSeq(),
        ec2: (r) => this.ec2(r),
      });
      this.ec2Regions.set(region, found);
    }
    return found;
  }

  /** RDS of `region`. */
  rds(region: string): RdsStandin {
    let found = this.rdsRegions.get(region);
    if (found === undefined) {
      found = new RdsStandin(region, {
        accountId: this.accountId,
        now: this.now,
        nextSeq: () => this.nextSeq(),
        rds: (r) => this.rds(r),
      });
      this.rdsRegions.set(region, found);
    }
    return found;
  }

  /** Service Quotas of `region`. */
  serviceQuotas(region: string): QuotasStandin {
    let found = this.quotaRegions.get(region);
    if (found === undefined) {
      found = new QuotasStandin(region, this.quotas, this.accountId);
      this.quotaRegions.set(region, found);
    }
    return found;
  }

  /** The request handler for `service`'s client in `region`. */
  handlerFor(service: string, region: string): StandinHttpHandler {
    return {
      handle: async (request) => ({ response: this.answer(service, region, request) }),
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
      destroy: () => undefined,
    };
  }

  /**
   * An AllAwsClients `decorate` hook: points the EC2, RDS and Service Quotas clients at the stand-in
   * (then runs `next`, e.g. AwsSimulation's decorate); other services keep their endpoint.
   */
  decorateWith(
    next?: (client: { middlewareStack: unknown }, service: string, region: string) => void,
  ): (client: { middlewareStack: unknown }, service: string, region: string) => void {
    return (client, service, region) => {
      if ((STANDIN_SERVICES as readonly string[]).includes(service)) {
        const config = (client as { config?: { requestHandler?: unknown } }).config;
        if (config === undefined) throw new Error(`aws-standin: the ${service} client has no config`);
        config.requestHandler = this.handlerFor(service, region);
      }
      next?.(client, service, region);
    };
  }

  /** Plain clients (standard retry, no simulation) on the stand-in, e.g. for seeding. */
  clients(maxAttempts = 3): AllAwsClients {
    return new AllAwsClients({
      endpoint: STANDIN_ENDPOINT,
      defaultRegion: 'us-east-1',
      maxAttempts,
      retryMode: 'standard',
      decorate: this.decorateWith(),
    });
  }

  /** The wire answer to one request of `service` in `region`. */
  answer(service: string, region: string, request: WireRequest): FakeHttpResponse {
    try {
      if (service === 'service-quotas') {
        const target = request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? '';
        const operation = target.split('.').pop() ?? '';
        this.count(service, operation);
        const text = bodyText(request);
        const input = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
        return jsonResponse(this.serviceQuotas(region).handle(operation, input));
      }
      const params = new QueryParams(bodyText(request));
      this.count(service, params.get('Action') ?? '');
      if (service === 'ec2') return xmlResponse(this.ec2(region).handle(params));
      if (service === 'rds') return xmlResponse(this.rds(region).handle(params));
      return refuse('UnknownService', `aws-standin does not stand in for ${service}`);
    } catch (error) {
      return errorResponse(service, error);
    }
  }

  private count(service: string, operation: string): void {
    const key = `${service}:${operation}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  private nextSeq(): number {
    this.counter += 1;
    return this.counter;
  }

  private nextId(prefix: string): string {
    return `${prefix}-${this.nextSeq().toString(16).padStart(17, '0')}`;
  }
}
