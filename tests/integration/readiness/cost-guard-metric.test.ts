import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StopDBInstanceCommand } from '@aws-sdk/client-rds';
import type { Context } from 'aws-lambda';
import { RdsRestoreAdapter } from '../../../lib/aws/rds-restore';
import { S3ObjectStore } from '../../../lib/aws/s3';
import { catalogReadinessStore } from '../../../lib/readiness/store';
import type { Role } from '../../../lib/tags/vocabulary';
import { restoredDatabaseIdentifier, restoredDatabaseTags } from '../../../lib/tags/vocabulary';
import { seedCatalogBucket, seedDatabase } from '../../../local/seed';
import { motoClients, uniqueName, uniqueSiteName } from '../../support/moto';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** One EMF document as Powertools writes it to stdout. */
interface EmfLine {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [field: string]: unknown;
}

const root = join(__dirname, '../../..');
const ENV = [
  'CATALOG_BUCKET',
  'LIFEBOAT_CONFIG',
  'LIFEBOAT_STAGE',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_DISABLED',
  'POWERTOOLS_LOG_LEVEL',
] as const;
const HOUR = 3_600_000;

/**
 * The readiness function counts the fleet's restored databases running past the config's age,
 * from RDS (moto), as the one metric serverless.yml's RestoredDatabasesOverAgeAlarm watches.
 * moto dates every database now, so the test runs the handler's clock hours ahead (Date only).
 */
describe('checkReadiness: the RestoredDatabasesOverAge metric (moto)', () => {
  const clients = motoClients();
  const context = { functionName: 'lifeboat-it', awsRequestId: 'it' } as unknown as Context;
  const stage = uniqueSiteName('st');
  const saved: Record<string, string | undefined> = {};
  const emf: EmfLine[] = [];
  let handler: Handler;

  async function restore(site: string, role: Role, region: string): Promise<string> {
    const source = await seedDatabase(clients, region, uniqueName('src'));
    const recoveryId = uniqueName('rec');
    const identifier = restoredDatabaseIdentifier(site, recoveryId, role, 'b');
    await new RdsRestoreAdapter(clients.rds(region), region).restore({
      kind: 'rds-instance',
      identifier,
      from: { sourceId: source },
      engine: 'mysql',
      instanceClass: 'db.t3.micro',
      securityGroups: [],
      tags: restoredDatabaseTags(site, recoveryId, role, 'b', stage),
    });
    return identifier;
  }

  async function run(event: unknown, hoursAhead: number) {
    emf.length = 0;
    jest.useFakeTimers({
      now: Date.now() + hoursAhead * HOUR,
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });
    try {
      const answer = (await handler(event, context)) as { restoredDatabasesOverAge: string[] };
      const metric = emf.find(
        (line) => line._aws.CloudWatchMetrics[0]?.Metrics[0]?.Name === 'RestoredDatabasesOverAge',
      );
      return { answer, metric };
    } finally {
      jest.useRealTimers();
    }
  }

  const ids: Record<string, string> = {};
  let bucket: string;

  beforeAll(async () => {
    bucket = await seedCatalogBucket(clients, uniqueName('catalog'));
    ids.replacement = await restore('blog', 'replacement', 'us-east-1');
    ids.sandbox = await restore('blog', 'sandbox', 'us-east-1');
    await clients.rds('us-east-1').send(new StopDBInstanceCommand({ DBInstanceIdentifier: ids.sandbox }));
    // A site no longer in the config, in the DR region: it bills all the same.
    ids.gone = await restore('gone', 'drill', 'us-west-2');
    const dir = mkdtempSync(join(tmpdir(), uniqueName('lifeboat')));
    writeFileSync(
      join(dir, 'sites.yml'),
      readFileSync(join(root, 'config/sites.yml'), 'utf8').replace(
        'restoredDatabaseMaxAgeHours: 24',
        'restoredDatabaseMaxAgeHours: 12',
      ),
    );
    for (const name of ENV) saved[name] = process.env[name];
    Object.assign(process.env, {
      CATALOG_BUCKET: bucket,
      LIFEBOAT_CONFIG: join(dir, 'sites.yml'),
      LIFEBOAT_STAGE: stage,
      POWERTOOLS_METRICS_NAMESPACE: 'LifeboatIntegration',
      POWERTOOLS_SERVICE_NAME: 'lifeboat-it',
      POWERTOOLS_METRICS_DISABLED: 'false',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      for (const line of String(chunk).split('\n'))
        if (line.startsWith('{"_aws"')) emf.push(JSON.parse(line) as EmfLine);
      return true;
    });
    handler = (await import('../../../functions/check-readiness')).handler as Handler;
  }, 120_000);

  afterAll(() => {
    jest.restoreAllMocks();
    for (const name of ENV) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('counts none while they are younger than the configured age', async () => {
    const { answer, metric } = await run({}, 11);

    expect(answer.restoredDatabasesOverAge).toEqual([]);
    expect(metric).toMatchObject({ RestoredDatabasesOverAge: 0, stage, service: 'lifeboat-it' });
  });

  it('counts every running one past it, of any site in the fleet’s regions, and not the stopped one', async () => {
    const { answer, metric } = await run({}, 13);

    expect([...answer.restoredDatabasesOverAge].sort()).toEqual([ids.gone, ids.replacement].sort());
    // serverless.yml's alarm watches this name, namespace and dimensions.
    expect(metric?._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'LifeboatIntegration',
      Dimensions: [['service', 'stage']],
    });
    expect(metric).toMatchObject({ RestoredDatabasesOverAge: 2, stage });
  });

  it('warns in the site’s readiness, naming its database and listing the stopped one', async () => {
    await run({ site: 'blog' }, 13);

    const saved = await catalogReadinessStore(new S3ObjectStore(clients.s3(), bucket)).latest('blog');
    const row = saved?.checks.find((c) => c.id === 'restored-databases');
    expect(row?.verdict).toBe('warn');
    expect(row?.reason).toMatch(
      new RegExp(`^1 database running over 12 h and billing until retired: .*${ids.replacement}`),
    );
    expect(row?.reason).toContain(`${ids.sandbox} (us-east-1) stopped (no instance hours billed)`);
    expect(row?.reason).not.toContain(ids.gone);
  });

  it('counts the fleet when it checks one site', async () => {
    const { answer, metric } = await run({ site: 'blog' }, 13);

    expect(answer.restoredDatabasesOverAge).toHaveLength(2);
    expect(metric).toMatchObject({ RestoredDatabasesOverAge: 2 });
  });
});
