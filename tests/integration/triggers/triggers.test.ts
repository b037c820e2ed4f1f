import 'aws-sdk-client-mock-jest';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { S3ObjectStore } from '../../../lib/aws/s3';
import { Catalog } from '../../../lib/catalog/catalog';
import { logger } from '../../../lib/middleware/lambda';
import type { Recovery } from '../../../lib/recovery/model';
import type { HttpResult } from '../../../lib/triggers/http';
import type { TriggerOutcome } from '../../../lib/triggers/outcome';
import { seedCatalogBucket, seedStandInStateMachine, seedWebhookToken } from '../../../local/seed';
import { buildRecovery } from '../../support/builders';
import { motoClients, uniqueName } from '../../support/moto';
import { sampleEvent } from '../../unit/triggers/support';

/**
 * The deployed handlers (functions/*.ts `handler`, built from the environment as on Lambda) against
 * moto: the token from an SSM SecureString, executions on a real (trivial) state machine, the
 * catalog in S3. The site config is config/sites.yml: site blog, Pingdom check 12345, alarm blog-5xx.
 */
const ENV_NAMES = ['CATALOG_BUCKET', 'RECOVERY_STATE_MACHINE_ARN', 'PINGDOM_TOKEN_PARAMETER'] as const;

describe('recovery triggers (moto)', () => {
  const clients = motoClients();
  const token = `token-${uniqueName('t')}`;
  const context = { functionName: 'lifeboat-it', awsRequestId: 'it' } as unknown as Context;
  let stateMachineArn: string;
  let catalog: Catalog;
  let pingdom: (event: unknown) => Promise<HttpResult>;
  let onAlarm: (event: unknown) => Promise<TriggerOutcome>;
  let minute = 0;
  const savedEnv: Record<string, string | undefined> = {};

  beforeAll(async () => {
    const bucket = await seedCatalogBucket(clients, uniqueName('catalog'));
    const parameter = `/lifeboat/${uniqueName('it')}/pingdom-token`;
    await seedWebhookToken(clients, 'us-east-1', parameter, token);
    stateMachineArn = await seedStandInStateMachine(clients, 'us-east-1', uniqueName('lifeboat-it-recovery'));
    catalog = new Catalog(new S3ObjectStore(clients.s3(), bucket), {
      retryDelayMs: 10,
      maxUpdateAttempts: 100,
    });

    for (const name of ENV_NAMES) savedEnv[name] = process.env[name];
    Object.assign(process.env, {
      CATALOG_BUCKET: bucket,
      RECOVERY_STATE_MACHINE_ARN: stateMachineArn,
      PINGDOM_TOKEN_PARAMETER: parameter,
    });
    logger.setLogLevel('SILENT');
    const webhook = await import('../../../functions/pingdom-webhook');
    const alarm = await import('../../../functions/on-alarm');
    pingdom = async (event) => (await webhook.handler(event, context)) as HttpResult;
    onAlarm = async (event) => (await alarm.handler(event, context)) as TriggerOutcome;
  });

  afterAll(() => {
    // The environment is the worker's, shared with the test files it runs next.
    for (const name of ENV_NAMES) {
      if (savedEnv[name] === undefined) delete process.env[name];
      else process.env[name] = savedEnv[name];
    }
  });

  afterEach(async () => {
    const lock = await catalog.readLock('blog');
    if (lock !== undefined) await catalog.releaseLock('blog', lock.holder);
  });

  /** A Pingdom DOWN (or other state) for check 12345 at a time no other test uses. */
  function pingdomBody(state = 'DOWN', at = 1_795_340_000 + 60 * ++minute): string {
    return JSON.stringify({
      ...sampleEvent('events/pingdom/down.json'),
      current_state: state,
      state_changed_timestamp: at,
    });
  }

  function webhookEvent(body: string, presented: string | undefined = token): Record<string, unknown> {
    return {
      ...sampleEvent('events/pingdom/http-down.json'),
      queryStringParameters: presented === undefined ? undefined : { token: presented },
      body,
    };
  }

  /** The alarm sample going OK → ALARM at a time no other test uses. */
  function alarmEvent(): Record<string, unknown> {
    const event = structuredClone(sampleEvent('events/aws.cloudwatch/alarm.json'));
    const detail = event.detail as { state: { timestamp: string } };
    detail.state.timestamp = `2026-11-22T10:${String(++minute).padStart(2, '0')}:00.000+0000`;
    return event;
  }

  async function executions(): Promise<{ name?: string; executionArn?: string }[]> {
    const out = await clients.sfn().send(new ListExecutionsCommand({ stateMachineArn }));
    return out.executions ?? [];
  }

  it('starts an execution for a DOWN with the SSM token, named <site>-<recoveryId>', async () => {
    const before = (await executions()).length;

    const response = await pingdom(webhookEvent(pingdomBody()));

    expect(response.statusCode).toBe(202);
    const answer = JSON.parse(response.body) as { recoveryId: string; executionArn: string };
    const after = await executions();
    expect(after).toHaveLength(before + 1);
    expect(after.map((e) => e.executionArn)).toContain(answer.executionArn);
    expect(after.map((e) => e.name)).toContain(`blog-${answer.recoveryId}`);
  });

  it('answers 401 to a wrong token and starts nothing', async () => {
    const before = (await executions()).length;

    const response = await pingdom(webhookEvent(pingdomBody(), `${token}-not`));

    expect(response.statusCode).toBe(401);
    expect(await executions()).toHaveLength(before);
  });

  it('starts one execution for a webhook delivered twice', async () => {
    const before = (await executions()).length;
    const body = pingdomBody();

    const first = await pingdom(webhookEvent(body));
    const second = await pingdom(webhookEvent(body));

    expect([first.statusCode, second.statusCode]).toEqual([202, 200]);
    expect(JSON.parse(second.body)).toMatchObject({ reason: 'duplicate-incident' });
    expect(await executions()).toHaveLength(before + 1);
  });

  it('starts one execution for a duplicate alarm event', async () => {
    const before = (await executions()).length;
    const event = alarmEvent();

    const outcomes = [await onAlarm(event), await onAlarm(event)];

    expect(outcomes.map((o) => o.outcome)).toEqual(['started', 'ignored']);
    expect(await executions()).toHaveLength(before + 1);
  });

  it('starts one execution for ten concurrent deliveries of the same alarm', async () => {
    const before = (await executions()).length;
    const event = alarmEvent();

    const outcomes = await Promise.all(Array.from({ length: 10 }, () => onAlarm(event)));

    // Exactly one execution. A loser of the claim that finds no execution yet starts the same name
    // itself; Step Functions answers an identical start of a running execution with that execution.
    expect(await executions()).toHaveLength(before + 1);
    expect(outcomes.some((o) => o.outcome === 'started')).toBe(true);
    for (const o of outcomes) {
      expect(o.outcome === 'started' || (o.outcome === 'ignored' && o.reason === 'duplicate-incident')).toBe(
        true,
      );
    }
    expect(new Set(outcomes.map((o) => ('recoveryId' in o ? o.recoveryId : undefined))).size).toBe(1);
  });

  it('records UP on the recovery that DOWN started', async () => {
    const down = await pingdom(webhookEvent(pingdomBody('DOWN', 1_796_000_000)));
    const { recoveryId } = JSON.parse(down.body) as { recoveryId: string };
    // What the state machine's first task does: write the record, take the lock.
    await catalog.createRecovery(recoveryRecord(recoveryId));
    await catalog.acquireLock('blog', recoveryId, new Date(), 3_600_000);

    const up = await pingdom(webhookEvent(pingdomBody('UP', 1_796_000_600)));

    expect(up.statusCode).toBe(200);
    expect(JSON.parse(up.body)).toEqual({ outcome: 'recorded', site: 'blog', recoveryId });
    const stored = await catalog.getRecovery('blog', recoveryId);
    expect(stored?.status.signals).toEqual([
      { source: 'pingdom', state: 'UP', at: new Date(1_796_000_600_000).toISOString() },
    ]);
  });

  it('leaves a recovering site alone: a new incident is ignored with the holder', async () => {
    await catalog.acquireLock('blog', '20261122t080000z-0badf00d', new Date(), 3_600_000);
    const before = (await executions()).length;

    const response = await pingdom(webhookEvent(pingdomBody()));

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      reason: 'already-recovering',
      holder: '20261122t080000z-0badf00d',
    });
    expect(await executions()).toHaveLength(before);
  });
});

function recoveryRecord(id: string): Recovery {
  return buildRecovery({
    id,
    incidentKey: 'pingdom-12345-1796000000',
    outageStartedAt: '2026-11-30T22:13:20.000Z',
    startedAt: '2026-11-30T22:13:21.000Z',
  });
}
