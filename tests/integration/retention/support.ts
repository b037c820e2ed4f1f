import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { AllAwsClients } from '../../../lib/aws/all-clients';
import { S3ObjectStore } from '../../../lib/aws/s3';
import { advanceBackup } from '../../../lib/backup/advance-backup';
import type { Backup } from '../../../lib/backup/model';
import type { BackupPorts } from '../../../lib/backup/ports';
import { startBackup } from '../../../lib/backup/start-backup';
import { backupPorts } from '../../../lib/backup/wiring';
import { Catalog } from '../../../lib/catalog/catalog';
import type { Site } from '../../../lib/config/schema';
import { applyRetention, type RetentionReport } from '../../../lib/retention/apply-retention';
import { retentionPorts } from '../../../lib/retention/wiring';
import { seedSite } from '../../../local/seed';
import { buildSite, rawSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { uniqueName } from '../../support/moto';
import { stagedPorts } from '../../support/staged-ports';

/** moto's account id: every ARN and OwnerId it returns names it. */
export const MOTO_ACCOUNT = '123456789012';

/** One stage of lifeboat over a site in moto: its own catalog bucket, pipeline ports and clock. */
export interface StageWorld {
  stage: string;
  site: Site;
  catalog: Catalog;
  bucket: string;
  pipeline: BackupPorts;
  clients: AllAwsClients;
  clock: FakeClock;
}

/** A site name moto has not seen in this run (site names are 2-32 lowercase characters). */
export function freshSiteName(): string {
  return uniqueName('s')
    .replace(/[^a-z0-9-]/g, '')
    .slice(-30)
    .replace(/^[^a-z]+/, 's');
}

/** Creates the site's volume (and database, unless `database: false`) in moto, and a stage's catalog. */
export async function makeStage(
  clients: AllAwsClients,
  options: {
    stage?: string;
    name?: string;
    database?: boolean;
    seed?: boolean;
    site?: Record<string, unknown>;
  } = {},
): Promise<StageWorld> {
  const name = options.name ?? freshSiteName();
  const withDb = options.database ?? true;
  if (options.seed ?? true) await seedSite(clients, { name });
  const site = buildSite(siteOverrides(name, withDb, options.site));
  const bucket = uniqueName('catalog');
  await clients.s3().send(new CreateBucketCommand({ Bucket: bucket }));
  const catalog = new Catalog(new S3ObjectStore(clients.s3(), bucket), { retryDelayMs: 5 });
  const stage = options.stage ?? 'dev';
  return {
    stage,
    site,
    catalog,
    bucket,
    pipeline: stagedPorts(backupPorts(clients, catalog), stage),
    clients,
    clock: new FakeClock('2026-11-20T02:00:00Z'),
  };
}

/** The raw overrides of a moto site: its volume by tag, its database `<name>-db`, unique DNS names. */
export function siteOverrides(name: string, withDb: boolean, extra: Record<string, unknown> = {}) {
  return {
    name,
    protect: {
      volumes: { tags: { 'lifeboat:site': name } },
      ...(withDb ? { database: { instance: `${name}-db` } } : {}),
    },
    dns: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', recordName: `www.${name}.example.com` },
    sandbox: {
      recordName: `sandbox.${name}.example.com`,
      allowedCidr: '203.0.113.0/24',
      securityGroups: ['sg-0fedcba9876543210'],
    },
    triggers: { cloudwatchAlarms: [] },
    retention: { daily: 1, weekly: 0, monthly: 0 },
    ...extra,
  };
}

/** The raw YAML-able site entry (for a handler's LIFEBOAT_CONFIG). */
export function rawMotoSite(name: string, withDb: boolean, extra: Record<string, unknown> = {}) {
  return rawSite(siteOverrides(name, withDb, extra));
}

/** Runs a nightly backup at `at` through the real pipeline until it is Completed. */
export async function completedBackup(world: StageWorld, at: string): Promise<Backup> {
  const when = new Date(at);
  world.clock.set(when);
  const b = await startBackup(world.pipeline, world.clock, { site: world.site, kind: 'scheduled', at: when });
  let done = await advanceBackup(world.pipeline, world.clock, world.site, b.id);
  for (let i = 0; i < 3 && done.status.phase !== 'Completed'; i += 1)
    done = await advanceBackup(world.pipeline, world.clock, world.site, b.id);
  if (done.status.phase !== 'Completed') throw new Error(`setup: ${done.id} is ${done.status.phase}`);
  return done;
}

/** Applies retention to the stage's site as the deployed function does (ports from the stage's clients). */
export async function retain(
  world: StageWorld,
  options: { dryRun?: boolean; at?: string } = {},
): Promise<RetentionReport> {
  world.clock.set(options.at ?? '2026-11-22T12:00:00Z');
  const ports = retentionPorts(world.clients, world.catalog);
  return applyRetention(ports, world.clock, world.site, {
    dryRun: options.dryRun ?? false,
    trust: { accountId: MOTO_ACCOUNT, stage: world.stage },
  });
}

/** The ids of the backups still in the stage's catalog, newest first. */
export async function recordIds(world: StageWorld): Promise<string[]> {
  const ids: string[] = [];
  for await (const b of world.catalog.allBackups(world.site.name)) ids.push(b.id);
  return ids;
}
