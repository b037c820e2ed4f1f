import 'aws-sdk-client-mock-jest';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { createOnAlarmHandler } from '../../../functions/on-alarm';
import { InvalidInputError } from '../../../lib/errors';
import { logger } from '../../../lib/middleware/lambda';
import { handleAlarmStateChange, parseAlarmStateChange } from '../../../lib/triggers/cloudwatch';
import { buildConfig, rawSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import {
  lambdaContext,
  REFERENCE_EVENTS,
  runningRecovery,
  sampleEvent,
  startedRecoveryId,
  triggerFixture,
} from './support';

const config = buildConfig(rawSite({ triggers: { cloudwatchAlarms: ['blog-5xx', 'ServerCpuTooHigh'] } }));

type Detail = { state: Record<string, unknown>; previousState: Record<string, unknown> };

function alarmEvent(previous: string, current: string): Record<string, unknown> {
  const event = structuredClone(sampleEvent('events/aws.cloudwatch/alarm.json'));
  const detail = event.detail as Detail;
  detail.previousState.value = previous;
  detail.state.value = current;
  return event;
}

beforeAll(() => logger.setLogLevel('SILENT'));

describe('parseAlarmStateChange', () => {
  it('accepts the documented sample, offset without a colon included', () => {
    const change = parseAlarmStateChange(
      sampleEvent(`${REFERENCE_EVENTS}/cloudwatch-alarm-state-change.json`),
    );

    expect(change).toMatchObject({
      account: '123456789012',
      region: 'us-east-1',
      alarmName: 'ServerCpuTooHigh',
      state: 'ALARM',
      previousState: 'OK',
    });
    expect(change.changedAt.toISOString()).toBe('2019-10-02T17:04:40.989Z');
  });

  it.each([
    ['another detail-type', { 'detail-type': 'EC2 Instance State-change Notification' }, 'detail-type'],
    [
      'no alarm name',
      { detail: { state: { value: 'ALARM', timestamp: '2019-10-02T17:04:40.989+0000' } } },
      'detail.alarmName',
    ],
    [
      'an unknown state',
      { detail: { alarmName: 'a', state: { value: 'BROKEN', timestamp: '2019-10-02T17:04:40.989+0000' } } },
      'detail.state.value',
    ],
    [
      'a bad timestamp',
      { detail: { alarmName: 'a', state: { value: 'ALARM', timestamp: 'noon' } } },
      'detail.state.timestamp',
    ],
  ])('rejects %s, naming the field', (_name, change, field) => {
    const event = { ...sampleEvent('events/aws.cloudwatch/alarm.json'), ...change };

    expect(() => parseAlarmStateChange(event)).toThrow(InvalidInputError);
    expect(() => parseAlarmStateChange(event)).toThrow(new RegExp(field.replace('.', '\\.')));
  });
});

describe('handleAlarmStateChange', () => {
  let fx: ReturnType<typeof triggerFixture>;
  const clock = new FakeClock('2019-10-02T17:05:00Z');

  beforeEach(() => {
    fx = triggerFixture();
  });

  it.each([
    ['OK', 'ALARM', 'started'],
    ['INSUFFICIENT_DATA', 'ALARM', 'started'],
    ['ALARM', 'ALARM', 'ignored'],
    ['OK', 'INSUFFICIENT_DATA', 'ignored'],
    ['ALARM', 'INSUFFICIENT_DATA', 'ignored'],
  ])('%s → %s is %s', async (previous, current, expected) => {
    const change = parseAlarmStateChange(alarmEvent(previous, current));

    const outcome = await handleAlarmStateChange(fx.ports, clock, { config, change });

    expect(outcome.outcome).toBe(expected);
    expect(fx.sfn.executions.size).toBe(expected === 'started' ? 1 : 0);
  });

  it('starts one recovery for a re-delivered transition', async () => {
    const change = parseAlarmStateChange(sampleEvent('events/aws.cloudwatch/alarm.json'));

    const first = await handleAlarmStateChange(fx.ports, clock, { config, change });
    const second = await handleAlarmStateChange(fx.ports, clock, { config, change });

    expect(first.outcome).toBe('started');
    expect(second).toMatchObject({ outcome: 'ignored', reason: 'duplicate-incident' });
    expect(fx.sfn.mock).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it('records ALARM → OK on the open recovery', async () => {
    const started = await handleAlarmStateChange(fx.ports, clock, {
      config,
      change: parseAlarmStateChange(sampleEvent('events/aws.cloudwatch/alarm.json')),
    });
    await fx.catalog.createRecovery(runningRecovery('blog', startedRecoveryId(started)));
    await fx.catalog.acquireLock('blog', startedRecoveryId(started), clock.now(), 3_600_000);

    const ok = await handleAlarmStateChange(fx.ports, clock, {
      config,
      change: parseAlarmStateChange(sampleEvent('events/aws.cloudwatch/ok.json')),
    });

    expect(ok).toMatchObject({ outcome: 'recorded', recoveryId: startedRecoveryId(started) });
  });

  it('ignores an alarm no site claims', async () => {
    const change = {
      ...parseAlarmStateChange(sampleEvent('events/aws.cloudwatch/alarm.json')),
      alarmName: 'other',
    };

    const outcome = await handleAlarmStateChange(fx.ports, clock, { config, change });

    expect(outcome).toMatchObject({ outcome: 'ignored', reason: 'unknown-alarm' });
    expect(fx.sfn.mock).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});

describe('on-alarm handler', () => {
  it('starts a recovery from the sample event and refuses a malformed one by name', async () => {
    const fx = triggerFixture();
    const handler = createOnAlarmHandler(() => ({
      ports: fx.ports,
      clock: new FakeClock('2019-10-02T17:05:00Z'),
      config,
    }));

    const outcome = await handler(sampleEvent('events/aws.cloudwatch/alarm.json'), lambdaContext);

    expect(outcome).toMatchObject({ outcome: 'started', site: 'blog' });
    await expect(handler({ source: 'aws.cloudwatch' }, lambdaContext)).rejects.toThrow(/detail-type/);
    expect(fx.sfn.executions.size).toBe(1);
  });
});
