import { CreateBucketCommand } from '@aws-sdk/client-s3';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
} from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { S3ObjectStore } from '../../../lib/aws/s3';
import { Catalog } from '../../../lib/catalog/catalog';
import { logger } from '../../../lib/middleware/lambda';
import type { TriggerOutcome } from '../../../lib/triggers/outcome';
import { motoClients, uniqueName } from '../../support/moto';
import { REFERENCE_EVENTS_DIR } from '../../support/reference-events';
import { sampleEvent } from '../../unit/triggers/support';

/**
 * The deployed on-alarm handler against moto (catalog in S3, executions on a trivial state machine)
 * with CloudWatch's composite-alarm-with-suppressor event, renamed to the alarm config/sites.yml
 * gives site blog (blog-5xx).
 */
const ENV_NAMES = ['CATALOG_BUCKET', 'RECOVERY_STATE_MACHINE_ARN'] as const;

type AlarmState = Record<string, unknown>;
type Detail = { alarmName: string; state: AlarmState; previousState: AlarmState };

describe('a composite alarm whose actions are suppressed (moto, on-alarm handler)', () => {
  const clients = motoClients();
  const context = { functionName: 'lifeboat-it', awsRequestId: 'it' } as unknown as Context;
  const savedEnv: Record<string, string | undefined> = {};
  let stateMachineArn: string;
  let catalog: Catalog;
  let onAlarm: (event: unknown) => Promise<TriggerOutcome>;

  beforeAll(async () => {
    const bucket = uniqueName('catalog');
    await clients.s3().send(new CreateBucketCommand({ Bucket: bucket }));
    const created = await clients.sfn().send(
      new CreateStateMachineCommand({
        name: uniqueName('lifeboat-it-recovery'),
        roleArn: 'arn:aws:iam::123456789012:role/lifeboat-it-states',
        definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }),
      }),
    );
    stateMachineArn = created.stateMachineArn ?? '';
    catalog = new Catalog(new S3ObjectStore(clients.s3(), bucket), { retryDelayMs: 10 });
    for (const name of ENV_NAMES) savedEnv[name] = process.env[name];
    Object.assign(process.env, { CATALOG_BUCKET: bucket, RECOVERY_STATE_MACHINE_ARN: stateMachineArn });
    logger.setLogLevel('SILENT');
    const alarm = await import('../../../functions/on-alarm');
    onAlarm = async (event) => (await alarm.handler(event, context)) as TriggerOutcome;
  });

  afterAll(() => {
    for (const name of ENV_NAMES) {
      if (savedEnv[name] === undefined) delete process.env[name];
      else process.env[name] = savedEnv[name];
    }
  });

  afterEach(async () => {
    const lock = await catalog.readLock('blog');
    if (lock !== undefined) await catalog.releaseLock('blog', lock.holder);
  });

  /** The published suppressed ALARM (OK → ALARM while the suppressor's wait period runs). */
  function suppressedAlarm(): Record<string, unknown> {
    const event = structuredClone(
      sampleEvent(`${REFERENCE_EVENTS_DIR}/cloudwatch-composite-alarm-suppressed.json`),
    );
    (event.detail as Detail).alarmName = 'blog-5xx';
    return event;
  }

  /** The same alarm once the wait period ended without the suppressor going ALARM: actions run. */
  function releasedAlarm(): Record<string, unknown> {
    const event = suppressedAlarm();
    const detail = event.detail as Detail;
    detail.previousState = { ...detail.state };
    const { actionsSuppressedBy: _by, actionsSuppressedReason: _reason, ...released } = detail.state;
    detail.state = { ...released, timestamp: '2022-07-22T15:59:45.394+0000' };
    return event;
  }

  async function executions(): Promise<string[]> {
    const out = await clients.sfn().send(new ListExecutionsCommand({ stateMachineArn }));
    return (out.executions ?? []).map((e) => e.executionArn ?? '');
  }

  it('starts no recovery while the alarm is ALARM with its actions suppressed', async () => {
    const outcome = await onAlarm(suppressedAlarm());

    expect(outcome).toMatchObject({ outcome: 'ignored', reason: 'actions-suppressed', site: 'blog' });
    expect(outcome).toHaveProperty('why', expect.stringContaining('WaitPeriod'));
    expect(await executions()).toEqual([]);
  });

  it('starts the recovery when the suppression ends and the actions run, from when the alarm went ALARM', async () => {
    const outcome = await onAlarm(releasedAlarm());

    expect(outcome).toMatchObject({ outcome: 'started', site: 'blog' });
    const [arn] = await executions();
    const described = await clients.sfn().send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(JSON.parse(described.input ?? '{}')).toMatchObject({
      trigger: { source: 'cloudwatch', outageStartedAt: '2022-07-22T15:57:45.394Z' },
    });
  });
});
