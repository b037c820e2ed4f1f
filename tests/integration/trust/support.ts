import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateVolumeCommand, DescribeSnapshotsCommand } from '@aws-sdk/client-ec2';
import { DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { catalogKeys } from '../../../lib/catalog/keys';
import { fromEcsTagList, fromTagList, type Tags, toTagList } from '../../../lib/tags/vocabulary';
import { holdEcsTasksRunning } from '../../../local/moto-server';
import { type ProvisionedSite, provisionSite, referenceBlueprint } from '../../../local/provision-site';
import { writeSiteConfig } from '../../../local/site-config';
import { motoClients, motoEndpoint, uniqueName } from '../../support/moto';

/**
 * The trust cases' world: the reference site provisioned in moto once per file, and the real
 * Lambda handlers loaded per stage (each stage its own module registry, environment and catalog
 * bucket, as two deployments in one account would be). Kept small on purpose: it only adds what
 * ECS would do and moto does not (create a task's volume from RunTask's volumeConfigurations).
 */

const root = join(__dirname, '..', '..', '..');
const context = { functionName: 'lifeboat-trust-it', awsRequestId: 'it' } as unknown as Context;

// biome-ignore lint/suspicious/noExplicitAny: handler answers are asserted field by field
export type Json = Record<string, any>;
type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The account moto answers for (its default). */
export const ACCOUNT_ID = '123456789012';

const FUNCTIONS = [
  'start-backup',
  'advance-backup',
  'recovery-begin',
  'recovery-pick-known-good',
  'recovery-capture-broken-state',
  'recovery-await-backup',
  'recovery-launch-task',
  'recovery-await-sandbox',
  'recovery-finish',
  'promote-snapshot-sandbox',
] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

/** One deployment (stage) of lifeboat: its handlers, environment and catalog bucket. */
export interface Stage {
  name: string;
  bucket: string;
  invoke(fn: FunctionName, event: unknown): Promise<Json>;
}

export interface TrustWorld {
  site: ProvisionedSite;
  configPath: string;
  stage(name: string, bucket?: string): Promise<Stage>;
}

const saved = new Map<string, string | undefined>();

function setEnv(env: Record<string, string>): void {
  for (const [key, value] of Object.entries(env)) {
    if (!saved.has(key)) saved.set(key, process.env[key]);
    process.env[key] = value;
  }
}

/** Puts back the environment the stages changed (the worker runs other files next). */
export function restoreEnv(): void {
  for (const [key, value] of saved) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  saved.clear();
}

/** Provisions the reference site and writes its config. */
export async function trustWorld(): Promise<TrustWorld> {
  const clients = motoClients();
  await holdEcsTasksRunning(motoEndpoint());
  const site = await provisionSite(clients, referenceBlueprint({ catalogBucket: uniqueName('trust') }));
  const configPath = join(mkdtempSync(join(tmpdir(), 'lifeboat-trust-')), 'sites.yml');
  await writeSiteConfig(configPath, [site]);
  return {
    site,
    configPath,
    async stage(name, bucket = site.catalogBucket) {
      if (bucket !== site.catalogBucket) {
        await clients.s3('us-east-1').send(new CreateBucketCommand({ Bucket: bucket }));
      }
      const env = {
        CATALOG_BUCKET: bucket,
        LIFEBOAT_CONFIG: configPath,
        LIFEBOAT_STAGE: name,
        LIFEBOAT_ACCOUNT_ID: ACCOUNT_ID,
        RECOVERY_TOPIC_ARN: site.notifications.topicArn,
        RECOVERY_STATE_MACHINE_ARN: site.stateMachines.recovery,
        PINGDOM_TOKEN_PARAMETER: site.webhook.tokenParameter,
        POWERTOOLS_METRICS_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      };
      setEnv(env);
      const handlers = new Map<string, Handler>();
      // Each stage its own registry: the functions' process-wide ports are built per deployment.
      await jest.isolateModulesAsync(async () => {
        for (const fn of FUNCTIONS) {
          const module = (await import(join(root, 'functions', fn))) as { handler: Handler };
          handlers.set(fn, module.handler);
        }
      });
      return {
        name,
        bucket,
        async invoke(fn, event) {
          setEnv(env);
          const handler = handlers.get(fn);
          if (handler === undefined) throw new Error(`no handler ${fn}`);
          return (await handler(event, context)) as Json;
        },
      };
    },
  };
}

/** A sample event from events/. */
export function sample(name: string): Json {
  return JSON.parse(readFileSync(join(root, 'events', name), 'utf8')) as Json;
}

/** Runs a backup of `site` scheduled at `time` through start-backup and advance-backup to its end. */
export async function nightlyBackup(stage: Stage, site: string, time: string): Promise<Json> {
  const started = await stage.invoke('start-backup', { site, time });
  for (let i = 0; i < 6; i++) {
    const answer = await stage.invoke('advance-backup', { site, backupId: started.backupId });
    if (['Completed', 'PartiallyFailed', 'Failed'].includes(answer.phase)) break;
  }
  return readBackup(stage, site, started.backupId);
}

/** A backup record as the stage's catalog holds it. */
export async function readBackup(stage: Stage, site: string, backupId: string): Promise<Json> {
  const out = await motoClients()
    .s3('us-east-1')
    .send(new GetObjectCommand({ Bucket: stage.bucket, Key: catalogKeys.backup(site, backupId) }));
  return JSON.parse(await (out.Body as { transformToString(): Promise<string> }).transformToString()) as Json;
}

/** Rewrites a backup record in the stage's catalog as someone with write access to the bucket could. */
export async function tamperBackup(
  stage: Stage,
  site: string,
  backupId: string,
  change: (record: Json) => void,
): Promise<void> {
  const record = await readBackup(stage, site, backupId);
  change(record);
  await motoClients()
    .s3('us-east-1')
    .send(
      new PutObjectCommand({
        Bucket: stage.bucket,
        Key: catalogKeys.backup(site, backupId),
        Body: JSON.stringify(record),
      }),
    );
}

/** Runs an await-backup step until the backup is usable (moto completes snapshots at once). */
export async function awaitBackup(stage: Stage, run: Json, backupId: string): Promise<Json> {
  let last: unknown;
  for (let i = 0; i < 6; i++) {
    try {
      return await stage.invoke('recovery-await-backup', { run, backupId });
    } catch (error) {
      last = error;
      if ((error as Error).name !== 'NotReadyError') throw error;
    }
  }
  throw last;
}

/**
 * What ECS does for RunTask's volumeConfigurations and moto does not: creates the task's volume,
 * tagged with the tags the task was launched with (lifeboat passes the same tags to both), and
 * keeps it after the task (deleteOnTermination false). Answers the new volume's id.
 */
export async function ecsCreatesTaskVolume(site: ProvisionedSite, taskArn: string): Promise<string> {
  const clients = motoClients();
  const out = await clients
    .ecs('us-east-1')
    .send(new DescribeTasksCommand({ cluster: site.run.cluster, tasks: [taskArn], include: ['TAGS'] }));
  const tags = fromEcsTagList(out.tasks?.[0]?.tags);
  const volume = await clients.ec2('us-east-1').send(
    new CreateVolumeCommand({
      AvailabilityZone: 'us-east-1a',
      Size: 20,
      TagSpecifications: [{ ResourceType: 'volume', Tags: toTagList(tags) }],
    }),
  );
  return volume.VolumeId ?? '';
}

/** A snapshot as EC2 describes it: its volume and tags, or undefined when there is none. */
export async function describeSnapshot(
  snapshotId: string,
  region = 'us-east-1',
): Promise<{ volumeId?: string; tags: Tags } | undefined> {
  try {
    const out = await motoClients()
      .ec2(region)
      .send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }));
    const s = out.Snapshots?.[0];
    return s === undefined ? undefined : { volumeId: s.VolumeId, tags: fromTagList(s.Tags) };
  } catch {
    return undefined;
  }
}

/** The tasks on the site's cluster, so a test can tell whether anything was launched. */
export async function taskCount(site: ProvisionedSite): Promise<number> {
  const out = await motoClients()
    .ecs('us-east-1')
    .send(new ListTasksCommand({ cluster: site.run.cluster }));
  return out.taskArns?.length ?? 0;
}

/** A recovery's execution input for the reference site, as the CLI would start it. */
export function recoveryInput(recoveryId: string, outageStartedAt: string, options: Json = {}): Json {
  const input = sample('recovery/manual.json');
  return {
    ...input,
    recoveryId,
    trigger: {
      ...input.trigger,
      incidentKey: `trust-${recoveryId}`,
      outageStartedAt,
      receivedAt: outageStartedAt,
    },
    options: { dryRun: false, skipSandbox: false, database: 'keep', ...options },
  };
}

/** Begins a run (recovery or promote) through recovery-begin. */
export async function begin(stage: Stage, input: Json): Promise<Json> {
  return stage.invoke('recovery-begin', { input, startedAt: new Date().toISOString() });
}

/** A recovery record as the stage's catalog holds it. */
export async function readRecovery(stage: Stage, site: string, recoveryId: string): Promise<Json> {
  const out = await motoClients()
    .s3('us-east-1')
    .send(new GetObjectCommand({ Bucket: stage.bucket, Key: catalogKeys.recovery(site, recoveryId) }));
  return JSON.parse(await (out.Body as { transformToString(): Promise<string> }).transformToString()) as Json;
}
