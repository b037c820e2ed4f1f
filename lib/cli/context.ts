import { AllAwsClients } from '../aws/all-clients';
import { S3ObjectStore } from '../aws/s3';
import { Catalog } from '../catalog/catalog';
import type { ObjectStore } from '../catalog/object-store';
import type { Clock } from '../clock';
import { loadConfigFile } from '../config/load';
import type { LifeboatConfig, Site } from '../config/schema';
import { ConfigError, LifeboatError, NotFoundError } from '../errors';
import type { Recovery } from '../recovery/model';
import { type Invocation, stringOption } from './args';
import type { Output } from './output';

/** Everything a command needs, built once from the command line and the environment. */
export interface CliContext {
  config: LifeboatConfig;
  clients: AllAwsClients;
  /** The emulator endpoint, when not talking to AWS. */
  endpoint?: string;
  clock: Clock;
  out: Output;
  env: NodeJS.ProcessEnv;
  json: boolean;
  sleep(ms: number): Promise<void>;
  /** The catalog in --bucket or CATALOG_BUCKET; ConfigError if neither is given. */
  catalog(): Catalog;
  /** The catalog bucket's object store (records outside the Catalog class, e.g. readiness). */
  objectStore(): ObjectStore;
}

/** The emulator is not answering on its endpoint (exit code 3). */
export class EndpointUnreachableError extends LifeboatError {
  constructor(endpoint: string, reason: string) {
    super(`cannot reach the AWS emulator at ${endpoint} (${reason}): is moto_server running?`, { endpoint });
    this.name = 'EndpointUnreachableError';
  }
}

/** The endpoint the command talks to: --endpoint, else LIFEBOAT_AWS_ENDPOINT, else AWS. */
export function endpointOf(invocation: Invocation, env: NodeJS.ProcessEnv): string | undefined {
  const value = stringOption(invocation, 'endpoint') ?? env.LIFEBOAT_AWS_ENDPOINT;
  return value === undefined || value.trim() === '' ? undefined : value.replace(/\/$/, '');
}

/** Fails fast with one line when the emulator is down, instead of the SDK retrying for a minute. */
async function assertReachable(endpoint: string): Promise<void> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConfigError(`--endpoint: "${endpoint}" is not a URL such as http://127.0.0.1:5000`);
  }
  try {
    await fetch(url, { signal: AbortSignal.timeout(3000) }).then((res) => res.arrayBuffer());
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new EndpointUnreachableError(endpoint, cause?.code ?? cause?.message ?? (error as Error).name);
  }
}

/** Builds the context: loads and validates the config, points the SDK at AWS or the emulator. */
export async function createContext(
  invocation: Invocation,
  io: { out: Output; env: NodeJS.ProcessEnv; clock: Clock },
): Promise<CliContext> {
  const { env } = io;
  const configPath = stringOption(invocation, 'config') ?? env.LIFEBOAT_CONFIG ?? 'config/sites.yml';
  const config = loadConfigFile(configPath);
  const endpoint = endpointOf(invocation, env);
  if (endpoint !== undefined) {
    await assertReachable(endpoint);
    // The emulator accepts any credentials; without some, the SDK would refuse to sign at all.
    if (env.AWS_ACCESS_KEY_ID === undefined && env.AWS_PROFILE === undefined) {
      process.env.AWS_ACCESS_KEY_ID = 'testing';
      process.env.AWS_SECRET_ACCESS_KEY = 'testing';
    }
  }
  const region =
    stringOption(invocation, 'region') ??
    env.AWS_REGION ??
    env.AWS_DEFAULT_REGION ??
    config.sites[0]?.regions.primary ??
    'us-east-1';
  const clients = new AllAwsClients({
    endpoint,
    defaultRegion: region,
    maxAttempts: endpoint === undefined ? 5 : 2,
    retryMode: endpoint === undefined ? 'adaptive' : 'standard',
  });
  const bucket = stringOption(invocation, 'bucket') ?? env.CATALOG_BUCKET;
  let catalog: Catalog | undefined;
  let store: S3ObjectStore | undefined;
  const objectStore = () => {
    if (bucket === undefined || bucket.trim() === '') {
      throw new ConfigError('no catalog bucket: pass --bucket NAME or set CATALOG_BUCKET');
    }
    store ??= new S3ObjectStore(clients.s3(), bucket);
    return store;
  };
  return {
    config,
    clients,
    endpoint,
    clock: io.clock,
    out: io.out,
    env,
    json: invocation.options.json === true,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    catalog() {
      catalog ??= new Catalog(objectStore());
      return catalog;
    },
    objectStore,
  };
}

/** The recovery with this id: in --site, else in whichever configured site has it. */
export async function findRecovery(
  ctx: CliContext,
  id: string,
  siteName?: string,
): Promise<{ site: Site; recovery: Recovery }> {
  const sites =
    siteName === undefined ? ctx.config.sites : ctx.config.sites.filter((s) => s.name === siteName);
  for (const site of sites) {
    const recovery = await ctx.catalog().getRecovery(site.name, id);
    if (recovery !== undefined) return { site, recovery };
  }
  const where = siteName === undefined ? 'any configured site' : `site ${siteName}`;
  throw new NotFoundError(`no recovery ${id} in the catalog for ${where}`, { id });
}

/** The state machine of `kind`: --state-machine, else env <KIND>_STATE_MACHINE_ARN. */
export function stateMachineArnFor(
  ctx: CliContext,
  invocation: Invocation,
  kind: 'recovery' | 'promote' | 'drill',
): { arn: string; region: string } {
  const variable = `${kind.toUpperCase()}_STATE_MACHINE_ARN`;
  const arn = stringOption(invocation, 'state-machine') ?? ctx.env[variable];
  if (arn === undefined || arn.trim() === '') {
    throw new ConfigError(`no ${kind} state machine: pass --state-machine ARN or set ${variable}`);
  }
  const region = /^arn:aws[a-z-]*:states:([a-z0-9-]+):/.exec(arn)?.[1];
  if (region === undefined) throw new ConfigError(`--state-machine: "${arn}" is not a Step Functions ARN`);
  return { arn, region };
}
