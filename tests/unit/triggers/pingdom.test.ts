import 'aws-sdk-client-mock-jest';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { InvalidInputError, UnknownCheckError } from '../../../lib/errors';
import { handlePingdomAlert, parsePingdomAlert, siteForCheck } from '../../../lib/triggers/pingdom';
import { buildConfig, rawSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { REFERENCE_EVENTS, runningRecovery, sampleEvent, startedRecoveryId, triggerFixture } from './support';

const config = buildConfig(
  rawSite(),
  rawSite({
    name: 'shop',
    dns: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', recordName: 'shop.example.com' },
    sandbox: {
      recordName: 'sandbox-shop.example.com',
      allowedCidr: '203.0.113.0/24',
      securityGroups: ['sg-0fedcba9876543210'],
    },
    triggers: { pingdom: { checkNames: ['Shop checkout'] }, cloudwatchAlarms: [] },
  }),
);

describe('parsePingdomAlert', () => {
  it('accepts the documented DOWN sample', () => {
    const alert = parsePingdomAlert(sampleEvent(`${REFERENCE_EVENTS}/pingdom-webhook-down.json`));

    expect(alert).toEqual({
      checkId: 12345,
      checkName: 'Name of HTTP check',
      checkType: 'HTTP',
      previousState: 'UP',
      currentState: 'DOWN',
      changedAt: new Date('2016-01-01T01:01:01Z'),
      description: 'Short error message',
    });
  });

  it('accepts ids and times sent as strings of digits (transaction check)', () => {
    const alert = parsePingdomAlert(sampleEvent('events/pingdom/transaction-failing.json'));

    expect(alert).toMatchObject({ checkId: 12345, currentState: 'FAILING', checkType: 'TRANSACTION' });
    expect(alert.changedAt.toISOString()).toBe('2016-01-01T01:01:01.000Z');
  });

  it('reads state_changed_utc_time as UTC when the epoch field is absent', () => {
    const { state_changed_timestamp: _omit, ...body } = sampleEvent('events/pingdom/down.json');

    expect(parsePingdomAlert(body).changedAt.toISOString()).toBe('2016-01-01T01:01:01.000Z');
  });

  it('upper-cases states', () => {
    const body = { ...sampleEvent('events/pingdom/down.json'), current_state: 'down' };

    expect(parsePingdomAlert(body).currentState).toBe('DOWN');
  });

  it.each([
    ['no check_id', { check_id: undefined }, 'check_id'],
    ['a check_id that is not a number', { check_id: 'abc' }, 'check_id'],
    ['a negative check_id', { check_id: -1 }, 'check_id'],
    ['no current_state', { current_state: undefined }, 'current_state'],
    ['a current_state that is not text', { current_state: 7 }, 'current_state'],
    ['a timestamp in milliseconds', { state_changed_timestamp: 1451610061000 }, 'state_changed_timestamp'],
    [
      'no time at all',
      { state_changed_timestamp: undefined, state_changed_utc_time: undefined },
      'state_changed_timestamp',
    ],
    [
      'a malformed utc time',
      { state_changed_timestamp: undefined, state_changed_utc_time: 'yesterday' },
      'state_changed_utc_time',
    ],
  ])('rejects %s, naming the field', (_name, change, field) => {
    const body = { ...sampleEvent('events/pingdom/down.json'), ...change };

    let thrown: unknown;
    try {
      parsePingdomAlert(body);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect((thrown as InvalidInputError).context.issues).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`^${field}: `))]),
    );
  });

  it.each([[null], [[1, 2]], ['DOWN'], [42]])('rejects a body that is not an object: %p', (body) => {
    expect(() => parsePingdomAlert(body)).toThrow(/must be a JSON object/);
  });
});

describe('siteForCheck', () => {
  it('finds the site by check id, else by check name', () => {
    const byId = parsePingdomAlert(sampleEvent('events/pingdom/down.json'));
    const byName = { ...byId, checkId: 777, checkName: 'Shop checkout' };

    expect(siteForCheck(config, byId).name).toBe('blog');
    expect(siteForCheck(config, byName).name).toBe('shop');
  });

  it('refuses a check no site claims', () => {
    const alert = parsePingdomAlert(sampleEvent('events/pingdom/unknown-check.json'));

    expect(() => siteForCheck(config, alert)).toThrow(UnknownCheckError);
  });
});

describe('handlePingdomAlert', () => {
  let fx: ReturnType<typeof triggerFixture>;
  const clock = new FakeClock('2016-01-01T01:01:05Z');

  beforeEach(() => {
    fx = triggerFixture();
  });

  it.each([['events/pingdom/down.json'], ['events/pingdom/transaction-failing.json']])(
    'starts a recovery on %s',
    async (path) => {
      const alert = parsePingdomAlert(sampleEvent(path));

      const outcome = await handlePingdomAlert(fx.ports, clock, { config, alert });

      expect(outcome).toMatchObject({ outcome: 'started', site: 'blog' });
      expect(fx.sfn.mock).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    },
  );

  it('records UP on the open recovery', async () => {
    const down = await handlePingdomAlert(fx.ports, clock, {
      config,
      alert: parsePingdomAlert(sampleEvent('events/pingdom/down.json')),
    });
    await fx.catalog.createRecovery(runningRecovery('blog', startedRecoveryId(down)));
    await fx.catalog.acquireLock('blog', startedRecoveryId(down), clock.now(), 3_600_000);

    const up = await handlePingdomAlert(fx.ports, clock, {
      config,
      alert: parsePingdomAlert(sampleEvent('events/pingdom/up.json')),
    });

    expect(up).toEqual({ outcome: 'recorded', site: 'blog', recoveryId: startedRecoveryId(down) });
    const stored = await fx.catalog.getRecovery('blog', startedRecoveryId(down));
    expect(stored?.status.signals).toEqual([
      { source: 'pingdom', state: 'UP', at: '2016-01-01T01:11:01.000Z' },
    ]);
    expect(fx.sfn.mock).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it('ignores UP when nothing is recovering', async () => {
    const alert = parsePingdomAlert(sampleEvent('events/pingdom/up.json'));

    const outcome = await handlePingdomAlert(fx.ports, clock, { config, alert });

    expect(outcome).toMatchObject({ outcome: 'ignored', reason: 'no-open-recovery' });
  });

  it('ignores a state that is neither an outage nor a recovery', async () => {
    const alert = {
      ...parsePingdomAlert(sampleEvent('events/pingdom/down.json')),
      currentState: 'UNCONFIRMED_DOWN',
    };

    const outcome = await handlePingdomAlert(fx.ports, clock, { config, alert });

    expect(outcome).toMatchObject({ outcome: 'ignored', reason: 'state-not-actionable' });
    expect(fx.sfn.mock).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});
