import { AllAwsClients } from '../aws/all-clients';
import { CloudFormationAdapter, cloudFormationClient } from '../aws/cloudformation';
import { S3ObjectStore } from '../aws/s3';
import { SfnAdapter } from '../aws/sfn';
import { Catalog } from '../catalog/catalog';
import type { ObjectStore } from '../catalog/object-store';
import type { Clock } from '../clock';
import { loadConfigFile } from '../config/load';
import type { LifeboatConfig, Site } from '../config/schema';
import { ConfigError, LifeboatError, NotFoundError } from '../errors';
import type { Recovery } from '../recovery/model';
import { type Invocation, stringOption } from './args';
import { Deployment, type LookupName } from './deployment';
import { CliExecutions, type LocalRunner, type MachineKind } from './executions';
import type { Output } from './output';

/** Everything a command needs, built once from the command line and the environment. */
export interface CliContext {
  config: LifeboatConfig;
  configPath: string;
  clients: AllAwsClients;
  /** The emulator endpoint, when not talking to AWS. */
  endpoint?: string;
  /** The stage and region, and the stack they name: where the bucket and state machines come from. */
  deployment: Deployment;
  clock: Clock;
  out: Output;
  env: NodeJS.ProcessEnv;
  json: boolean;
  sleep(ms: number): Promise<void>;
  /** The catalog in --bucket, CATALOG_BUCKET or the stack; ConfigError if none names one. */
  catalog(): Promise<Catalog>;
  /** Runs started executions in this process (on the emulator, when the caller provides a runner). */
  localRunner?: () => Promise<LocalRunner>;
  /** The catalog bucket's object store (records outside the Catalog class, e.g. readiness). */
  objectStore(): Promise<ObjectStore>;
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
  io: { out: Output; env: NodeJS.ProcessEnv; clock: Clock; localRunner?: () => Promise<LocalRunner> },
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
  const stage = stringOption(invocation, 'stage') ?? env.LIFEBOAT_STAGE ?? 'dev';
  if (!/^[a-zA-Z0-9-]+$/.test(stage)) {
    throw new ConfigError(`--stage: "${stage}" is not a stage name (letters, digits and dashes)`);
  }
  const clients = new AllAwsClients({
    endpoint,
    defaultRegion: region,
    maxAttempts: endpoint === undefined ? 5 : 2,
    retryMode: endpoint === undefined ? 'adaptive' : 'standard',
  });
  const stacks = new CloudFormationAdapter(cloudFormationClient(clients, region));
  const deployment = new Deployment(stage, region, env, (name) => stacks.describeStack(name));
  const bucketFlag = stringOption(invocation, 'bucket');
  let catalog: Promise<Catalog> | undefined;
  let store: Promise<S3ObjectStore> | undefined;
  const objectStore = () => {
    store ??= deployment
      .require('catalogBucket', bucketFlag)
      .then((bucket) => new S3ObjectStore(clients.s3(), bucket));
    return store;
  };
  return {
    config,
    configPath,
    clients,
    endpoint,
    deployment,
    clock: io.clock,
    out: io.out,
    env,
    json: invocation.options.json === true,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    catalog() {
      catalog ??= objectStore().then((store) => new Catalog(store));
      return catalog;
    },
    objectStore,
    localRunner: endpoint === undefined ? undefined : io.localRunner,
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
  const catalog = await ctx.catalog();
  for (const site of sites) {
    const recovery = await catalog.getRecovery(site.name, id);
    if (recovery !== undefined) return { site, recovery };
  }
  const where = siteName === undefined ? 'any configured site' : `site ${siteName}`;
  throw new NotFoundError(`no recovery ${id} in the catalog for ${where}`, { id });
}

const MACHINE_LOOKUP: Record<MachineKind, LookupName> = {
  recovery: 'recoveryStateMachine',
  promote: 'promoteStateMachine',
  drill: 'drillStateMachine',
};

/** The state machine of `kind`: --state-machine, else env <KIND>_STATE_MACHINE_ARN, else the stack's. */
export async function stateMachineArnFor(
  ctx: CliContext,
  invocation: Invocation,
  kind: MachineKind,
): Promise<{ arn: string; region: string }> {
  const arn = await ctx.deployment.require(MACHINE_LOOKUP[kind], stringOption(invocation, 'state-machine'));
  const region = /^arn:aws[a-z-]*:states:([a-z0-9-]+):/.exec(arn)?.[1];
  if (region === undefined) throw new ConfigError(`--state-machine: "${arn}" is not a Step Functions ARN`);
  return { arn, region };
}

/**
 * The executions of the recovery, promote or drill state machine named on the command line or by
 * the stack; on the emulator (given a local runner) each one started also runs here to its end.
 */
export async function executionsFor(
  ctx: CliContext,
  invocation: Invocation,
  kind: MachineKind,
): Promise<CliExecutions> {
  const { arn, region } = await stateMachineArnFor(ctx, invocation, kind);
  const sfn = new SfnAdapter(ctx.clients.sfn(region), arn);
  const load = ctx.localRunner;
  if (load === undefined) return new CliExecutions(sfn);
  const bucket = await ctx.deployment.require('catalogBucket', stringOption(invocation, 'bucket'));
  const topic = await ctx.deployment.find('recoveryTopic');
  return new CliExecutions(sfn, async (executionName, executionArn, input) => {
    const run = await load();
    return run({
      machine: kind,
      executionName,
      executionArn,
      input,
      config: ctx.config,
      clientSettings: ctx.clients.settings,
      bucket,
      topicArn: topic?.value,
      clock: ctx.clock,
      notice: (line) => ctx.out.progress(line),
    });
  });
}
