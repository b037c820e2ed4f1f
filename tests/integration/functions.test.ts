import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateVolumeCommand } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import type { Context } from 'aws-lambda';
import { toTagList } from '../../lib/tags/vocabulary';
import { holdEcsTasksRunning } from '../../local/moto-server';
import { type ProvisionedSite, provisionSite, referenceBlueprint } from '../../local/provision-site';
import { writeSiteConfig } from '../../local/site-config';
import { motoClients, motoEndpoint } from '../support/moto';

/**
 * Every Lambda function in functions/, invoked through its exported `handler` exactly as Lambda
 * runs it: ports built by the function's own wiring from the environment (LIFEBOAT_AWS_ENDPOINT,
 * CATALOG_BUCKET, LIFEBOAT_CONFIG, ...), against moto with the reference site provisioned. So a
 * port missing from any function's wiring fails here, not in AWS. The rows run in order and walk
 * one backup and one recovery through the real handlers, each row feeding the next its input the
 * way the state machines do; entry events come from events/.
 */

const root = join(__dirname, '..', '..');
const sample = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(root, 'events', name), 'utf8')) as Record<string, unknown>;
const context = { functionName: 'lifeboat-it', awsRequestId: 'it' } as unknown as Context;

type Handler = (event: unknown, context: Context) => Promise<unknown>;
// biome-ignore lint/suspicious/noExplicitAny: handler answers are asserted field by field
type Json = Record<string, any>;

/** What the rows hand each other: ids and the outputs earlier handlers returned. */
interface Walk {
  site: ProvisionedSite;
  invoke(fn: string, event: unknown): Promise<Json>;
  backupId: string;
  run: Json;
  queue: Json;
  database: Json;
  brokenState: Json;
  replacement: Json;
  sandbox: Json;
  change: Json;
  promote: Json;
  drill: Json;
  drillDatabase: Json;
}

interface Row {
  /** The handler's event. */
  event(walk: Walk): unknown | Promise<unknown>;
  /** What the answer must show (`error` for a row that expects a lifeboat error); may note ids for later rows. */
  check(answer: Json, walk: Walk): void | Promise<void>;
}

const BACKUP_ID = '20261122t020000z-scheduled';
/** events/recovery/manual.json's run, which events/recovery/promote.json promotes from. */
const RECOVERY_ID = '20261122t093900z-3cd8188e';

/** One row per file in functions/, in the order of a night's backup, the triggers, then a recovery. */
const ROWS: [fn: string, row: Row][] = [
  [
    'start-backup',
    {
      event: () => sample('schedule/backup-blog.json'),
      check: (answer) =>
        expect(answer).toMatchObject({ site: 'blog', backupId: BACKUP_ID, phase: 'Copying' }),
    },
  ],
  [
    'on-snapshot-event',
    {
      event: () => sample('aws.rds/manual-snapshot-created.json'),
      check: (answer) => expect(answer.advanced).toEqual([expect.objectContaining({ backupId: BACKUP_ID })]),
    },
  ],
  [
    'sweep-backups',
    {
      event: () => sample('schedule/sweep.json'),
      check: (answer) => expect(answer).toMatchObject({ via: 'inline', dispatched: 1 }),
    },
  ],
  [
    'advance-backup',
    {
      event: () => sample('backup/sns-advance-blog.json'),
      check: (answer) =>
        expect(answer).toEqual({ advanced: [{ site: 'blog', backupId: BACKUP_ID, phase: 'Completed' }] }),
    },
  ],
  [
    'apply-retention',
    {
      event: () => sample('backup/retention-dry-run-blog.json'),
      check: (answer) =>
        expect(answer.reports[0].items[0]).toMatchObject({
          action: 'keep',
          reasons: ['newest completed backup'],
        }),
    },
  ],
  [
    'list-backups',
    {
      event: () => ({ site: 'blog' }),
      check: (answer) =>
        expect(answer.backups).toEqual([
          expect.objectContaining({ id: BACKUP_ID, kind: 'scheduled', phase: 'Completed' }),
        ]),
    },
  ],
  [
    'check-readiness',
    {
      event: () => ({ site: 'blog' }),
      check: (answer) =>
        expect(answer.sites).toEqual([{ site: 'blog', verdict: expect.stringMatching(/\S/) }]),
    },
  ],
  [
    'pingdom-webhook',
    {
      event: ({ site }) => ({
        ...sample('pingdom/http-down.json'),
        queryStringParameters: { token: site.webhook.token },
      }),
      check: (answer) => {
        expect(answer.statusCode).toBe(202);
        expect(JSON.parse(answer.body)).toMatchObject({ outcome: 'started', site: 'blog' });
      },
    },
  ],
  [
    'on-alarm',
    {
      event: () => sample('aws.cloudwatch/alarm.json'),
      check: (answer) => expect(answer).toMatchObject({ outcome: 'started', site: 'blog' }),
    },
  ],
  [
    'recovery-begin',
    {
      event: ({ site }) => ({
        input: sample('recovery/manual.json'),
        startedAt: new Date().toISOString(),
        executionArn: `${site.stateMachines.recovery.replace(':stateMachine:', ':execution:')}:blog-${RECOVERY_ID}`,
      }),
      check: (answer, walk) => {
        expect(answer).toMatchObject({ site: 'blog', recoveryId: RECOVERY_ID, kind: 'recovery' });
        walk.run = answer;
      },
    },
  ],
  [
    'recovery-pick-known-good',
    {
      event: ({ run }) => ({ run }),
      check: (answer, walk) => {
        expect(answer.next).toMatchObject({
          backupId: BACKUP_ID,
          snapshotId: expect.stringMatching(/^snap-/),
        });
        walk.queue = answer;
      },
    },
  ],
  [
    'recovery-restore-database',
    {
      event: ({ run, queue }) => ({ run, role: 'replacement', candidate: queue.next }),
      check: (answer, walk) => {
        expect(answer).toMatchObject({
          role: 'replacement',
          backupId: BACKUP_ID,
          method: 'snapshot',
          snapshotId: `lifeboat-blog-${BACKUP_ID}`,
        });
        walk.database = answer;
      },
    },
  ],
  [
    'recovery-await-database',
    {
      event: ({ run, database }) => ({ run, database }),
      check: (answer, walk) => {
        expect(answer).toMatchObject({ identifier: walk.database.identifier, address: expect.any(String) });
        walk.database = answer;
      },
    },
  ],
  [
    'recovery-capture-broken-state',
    {
      event: ({ run }) => ({ run }),
      check: (answer, walk) => {
        expect(answer.backupId).toMatch(/broken-state$/);
        walk.brokenState = answer;
      },
    },
  ],
  [
    'recovery-await-backup',
    {
      event: ({ run, brokenState }) => ({ run, backupId: brokenState.backupId }),
      check: (answer, walk) => {
        expect(answer).toMatchObject({
          backupId: walk.brokenState.backupId,
          snapshotId: expect.stringMatching(/^snap-/),
        });
        walk.brokenState = answer;
      },
    },
  ],
  [
    'recovery-launch-task',
    {
      event: ({ run, queue }) => ({ run, role: 'replacement', candidate: queue.next }),
      check: (answer, walk) => {
        expect(answer).toMatchObject({ role: 'replacement', backupId: BACKUP_ID, cluster: 'blog' });
        expect(answer.taskArn).toMatch(/^arn:aws:ecs:us-east-1:/);
        walk.replacement = answer;
      },
    },
  ],
  [
    'recovery-check-health',
    {
      event: ({ run, replacement }) => ({ run, attempt: replacement }),
      // moto's tasks have no address a probe can reach: the round is counted and the gate waits.
      check: (answer, walk) => {
        expect(answer).toMatchObject({ taskArn: walk.replacement.taskArn, gate: { checks: 1 } });
        expect(answer.gate.verdict).not.toBe('healthy');
        walk.replacement = answer;
      },
    },
  ],
  [
    'recovery-reject-candidate',
    {
      event: ({ run, queue, replacement }) => ({ run, queue, attempt: replacement }),
      check: (answer) => expect(answer).toEqual({ rest: [] }),
    },
  ],
  [
    'recovery-await-sandbox',
    {
      event: async ({ run, brokenState, invoke }) => ({
        run,
        attempt: await invoke('recovery-launch-task', { run, role: 'sandbox', candidate: brokenState }),
      }),
      check: (answer, walk) => {
        expect(answer).toEqual({ taskArn: expect.any(String), address: expect.any(String) });
        walk.sandbox = answer;
      },
    },
  ],
  [
    'recovery-switch-dns',
    {
      event: ({ run, sandbox }) => ({ run, target: 'sandbox', taskArn: sandbox.taskArn }),
      check: async (answer, walk) => {
        expect(answer).toMatchObject({
          target: 'sandbox',
          recordName: 'sandbox.example.com',
          value: walk.sandbox.address,
        });
        const records = await motoClients()
          .route53()
          .send(new ListResourceRecordSetsCommand({ HostedZoneId: walk.site.dns.hostedZoneId }));
        expect(records.ResourceRecordSets).toContainEqual(
          expect.objectContaining({
            Name: 'sandbox.example.com.',
            ResourceRecords: [{ Value: walk.sandbox.address }],
          }),
        );
        walk.change = answer;
      },
    },
  ],
  [
    'recovery-await-dns',
    {
      event: ({ run, change }) => ({ run, change }),
      check: (answer, walk) => expect(answer).toMatchObject({ ...walk.change, insyncAt: expect.any(String) }),
    },
  ],
  [
    'recovery-announce-restored',
    {
      event: ({ run }) => ({ run }),
      check: (answer) => expect(answer.subject).toMatch(new RegExp(`blog is back on ${BACKUP_ID}`)),
    },
  ],
  [
    'recovery-finish',
    {
      event: ({ run }) => ({
        run,
        failure: {
          Error: 'HealthGateFailedError',
          Cause: 'No candidate backup passed the health gate; DNS was not changed.',
        },
      }),
      check: (answer) =>
        expect(answer).toMatchObject({ phase: 'Failed', subject: expect.stringContaining('FAILED') }),
    },
  ],
  [
    'drill-record-verdict',
    {
      event: async (walk) => {
        walk.drill = await walk.invoke('recovery-begin', {
          input: sample('recovery/drill-schedule.json'),
          startedAt: new Date().toISOString(),
        });
        return { run: walk.drill, attempt: { ...walk.replacement, role: 'drill' } };
      },
      check: (answer) =>
        expect(answer).toMatchObject({
          verdict: 'failed',
          detail: expect.stringContaining('restored into task'),
        }),
    },
  ],
  [
    'drill-discard-database',
    {
      // The drill's own restore of the backup's DB snapshot, then its teardown.
      event: async (walk) => {
        walk.drillDatabase = await walk.invoke('recovery-restore-database', {
          run: walk.drill,
          role: 'drill',
          candidate: walk.queue.next,
        });
        return { run: walk.drill };
      },
      check: async (answer, walk) => {
        expect(answer).toEqual({ discarded: [walk.drillDatabase.identifier] });
        const left = await motoClients().rds('us-east-1').send(new DescribeDBInstancesCommand({}));
        expect((left.DBInstances ?? []).map((db) => db.DBInstanceIdentifier)).not.toContain(
          walk.drillDatabase.identifier,
        );
        const snapshots = await motoClients().rds('us-east-1').send(new DescribeDBSnapshotsCommand({}));
        expect((snapshots.DBSnapshots ?? []).map((db) => db.DBSnapshotIdentifier)).not.toContain(
          `${walk.drillDatabase.identifier}-final`,
        );
      },
    },
  ],
  [
    'promote-snapshot-sandbox',
    {
      event: async (walk) => {
        const { invoke, site } = walk;
        // ECS creates the sandbox's volume from volumeConfigurations with these tags; moto does not.
        await motoClients()
          .ec2('us-east-1')
          .send(
            new CreateVolumeCommand({
              AvailabilityZone: 'us-east-1a',
              Size: 20,
              TagSpecifications: [
                {
                  ResourceType: 'volume',
                  Tags: toTagList({
                    'lifeboat:site': site.name,
                    'lifeboat:recovery-id': RECOVERY_ID,
                    'lifeboat:role': 'sandbox',
                  }),
                },
              ],
            }),
          );
        walk.promote = await invoke('recovery-begin', {
          input: sample('recovery/promote.json'),
          startedAt: new Date().toISOString(),
        });
        return { run: walk.promote };
      },
      check: (answer) =>
        expect(answer).toMatchObject({
          backupId: expect.stringMatching(/pre-promote$/),
          sourceRecoveryId: RECOVERY_ID,
        }),
    },
  ],
  [
    'promote-measure-changes',
    {
      // Told to discard, the step records that it does and goes on (no database was restored here).
      event: ({ promote }) => ({
        run: { ...promote, options: { ...promote.options, discardChanges: true } },
        subject: 'replacement',
      }),
      check: (answer) => expect(answer).toMatchObject({ discarded: true, database: { restored: false } }),
    },
  ],
  [
    'recovery-retire-tasks',
    {
      event: ({ promote, sandbox }) => ({
        run: promote,
        step: 'retire-sandbox',
        tasks: [{ taskArn: sandbox.taskArn, cluster: 'blog', region: 'us-east-1' }],
      }),
      check: (answer, walk) => expect(answer).toEqual({ stopped: [walk.sandbox.taskArn] }),
    },
  ],
];

const ENV = [
  'CATALOG_BUCKET',
  'LIFEBOAT_CONFIG',
  'RECOVERY_TOPIC_ARN',
  'RECOVERY_STATE_MACHINE_ARN',
  'PINGDOM_TOKEN_PARAMETER',
  'LIFEBOAT_STAGE',
  'LIFEBOAT_ACCOUNT_ID',
  'POWERTOOLS_METRICS_DISABLED',
  'POWERTOOLS_LOG_LEVEL',
] as const;

describe('every Lambda function, invoked through its own wiring (moto)', () => {
  const handlers = new Map<string, Handler>();
  const saved: Record<string, string | undefined> = {};
  const walk = {} as Walk;

  beforeAll(async () => {
    const clients = motoClients();
    await holdEcsTasksRunning(motoEndpoint());
    const site = await provisionSite(clients, referenceBlueprint());
    const config = join(mkdtempSync(join(tmpdir(), 'lifeboat-functions-')), 'sites.yml');
    await writeSiteConfig(config, [site]);

    for (const name of ENV) saved[name] = process.env[name];
    Object.assign(process.env, {
      CATALOG_BUCKET: site.catalogBucket,
      LIFEBOAT_CONFIG: config,
      RECOVERY_TOPIC_ARN: site.notifications.topicArn,
      RECOVERY_STATE_MACHINE_ARN: site.stateMachines.recovery,
      PINGDOM_TOKEN_PARAMETER: site.webhook.tokenParameter,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      LIFEBOAT_STAGE: 'dev',
      LIFEBOAT_ACCOUNT_ID: '123456789012',
    });
    // Loaded after the environment is set: some functions read it when their module loads, as on Lambda.
    for (const [fn] of ROWS) {
      const module = (await import(join(root, 'functions', fn))) as { handler: Handler };
      handlers.set(fn, module.handler);
    }
    Object.assign(walk, {
      site,
      invoke: async (fn: string, event: unknown) => (await handlers.get(fn)?.(event, context)) as Json,
    });
  });

  afterAll(() => {
    // The environment is the worker's, shared with the test files it runs next.
    for (const name of ENV) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('has a row for every file in functions/', () => {
    const files = readdirSync(join(root, 'functions'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''));

    expect(ROWS.map(([fn]) => fn).sort()).toEqual(files.sort());
  });

  it.each(ROWS)('%s', async (fn, row) => {
    const event = await row.event(walk);

    const answer = await walk.invoke(fn, event);

    await row.check(answer, walk);
  });
});
