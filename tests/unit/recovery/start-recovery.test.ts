import 'aws-sdk-client-mock-jest';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { catalogKeys } from '../../../lib/catalog/keys';
import { InvalidInputError, ThrottledError } from '../../../lib/errors';
import { isLifeboatId } from '../../../lib/ids';
import {
  manualIncidentKey,
  recoveryIdFor,
  type StartRecoveryRequest,
  startRecovery,
} from '../../../lib/recovery/start-recovery';
import { buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { startedInputs, triggerFixture } from '../triggers/support';

const site = buildSite();
const outageStartedAt = new Date('2026-11-22T09:39:00Z');

function request(overrides: Partial<StartRecoveryRequest['trigger']> = {}): StartRecoveryRequest {
  return {
    site,
    trigger: {
      source: 'pingdom',
      incidentKey: 'pingdom-12345-1795340340',
      outageStartedAt,
      summary: 'Pingdom check (12345) is DOWN',
      ...overrides,
    },
  };
}

describe('recoveryIdFor', () => {
  it('is the outage time and 8 hex of the incident key, the same for every delivery', () => {
    const id = recoveryIdFor(outageStartedAt, 'pingdom-12345-1795340340');
    expect(id).toMatch(/^20261122t093900z-[0-9a-f]{8}$/);
    expect(recoveryIdFor(new Date(outageStartedAt), 'pingdom-12345-1795340340')).toBe(id);
    expect(recoveryIdFor(outageStartedAt, 'pingdom-12345-1795340341')).not.toBe(id);
    expect(isLifeboatId(id)).toBe(true);
    expect(catalogKeys.recovery('blog', id)).toContain(id);
  });
});

describe('startRecovery', () => {
  let fx: ReturnType<typeof triggerFixture>;
  const clock = new FakeClock('2026-11-22T09:40:00Z');

  beforeEach(() => {
    fx = triggerFixture();
  });

  it('starts an execution named <site>-<recoveryId> with the agreed input', async () => {
    const result = await startRecovery(fx.ports, clock, request());

    const recoveryId = recoveryIdFor(outageStartedAt, 'pingdom-12345-1795340340');
    expect(result).toEqual({
      outcome: 'started',
      site: 'blog',
      recoveryId,
      executionName: `blog-${recoveryId}`,
      executionArn: `arn:aws:states:us-east-1:123456789012:execution:lifeboat-test-recovery:blog-${recoveryId}`,
    });
    expect(fx.sfn.mock).toHaveReceivedCommandWith(StartExecutionCommand, { name: `blog-${recoveryId}` });
    expect(startedInputs(fx.sfn)).toEqual([
      {
        site: 'blog',
        recoveryId,
        kind: 'recovery',
        trigger: {
          source: 'pingdom',
          incidentKey: 'pingdom-12345-1795340340',
          outageStartedAt: '2026-11-22T09:39:00.000Z',
          receivedAt: '2026-11-22T09:40:00.000Z',
          summary: 'Pingdom check (12345) is DOWN',
        },
        options: { dryRun: false, skipSandbox: false, database: 'keep' },
      },
    ]);
  });

  it('starts one recovery when the same incident arrives twice', async () => {
    const first = await startRecovery(fx.ports, clock, request());
    clock.advance(30_000);
    const second = await startRecovery(fx.ports, clock, request());

    expect(first.outcome).toBe('started');
    expect(second).toMatchObject({
      outcome: 'ignored',
      reason: 'duplicate-incident',
      holder: first.recoveryId,
      executionArn: first.outcome === 'started' ? first.executionArn : 'unreachable',
    });
    expect(fx.sfn.mock).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it('starts one recovery when ten deliveries of an incident race', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => startRecovery(fx.ports, new FakeClock(clock.now()), request())),
    );

    expect(results.filter((r) => r.outcome === 'started')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'ignored' && r.reason === 'duplicate-incident')).toHaveLength(
      9,
    );
    expect(fx.sfn.executions.size).toBe(1);
  });

  it('leaves a site alone while another recovery holds its lock, and keeps the incident unclaimed', async () => {
    await fx.catalog.acquireLock('blog', '20261122t080000z-0badf00d', clock.now(), 3_600_000);

    const result = await startRecovery(fx.ports, clock, request());

    expect(result).toMatchObject({
      outcome: 'ignored',
      reason: 'already-recovering',
      holder: '20261122t080000z-0badf00d',
    });
    expect(fx.sfn.mock).not.toHaveReceivedCommand(StartExecutionCommand);
    await fx.catalog.releaseLock('blog', '20261122t080000z-0badf00d');
    expect((await startRecovery(fx.ports, clock, request())).outcome).toBe('started');
  });

  it('ignores an expired lock (its holder died)', async () => {
    await fx.catalog.acquireLock(
      'blog',
      '20261122t080000z-0badf00d',
      new Date('2026-11-22T08:00:00Z'),
      60_000,
    );

    expect((await startRecovery(fx.ports, clock, request())).outcome).toBe('started');
  });

  it('calls a delivery that finds its own recovery holding the lock a duplicate', async () => {
    const first = await startRecovery(fx.ports, clock, request());
    await fx.catalog.acquireLock('blog', first.recoveryId, clock.now(), 3_600_000);

    const again = await startRecovery(fx.ports, clock, request());

    expect(again).toMatchObject({ outcome: 'ignored', reason: 'duplicate-incident' });
  });

  it('starts on a redelivery when the first delivery claimed the incident but failed to start', async () => {
    fx.sfn.failNextStart('ThrottlingException');
    await expect(startRecovery(fx.ports, clock, request())).rejects.toBeInstanceOf(ThrottledError);

    const retried = await startRecovery(fx.ports, clock, request());

    expect(retried.outcome).toBe('started');
    expect(fx.sfn.executions.size).toBe(1);
  });

  it('treats ExecutionAlreadyExists as a duplicate (the catalog lost the claim)', async () => {
    await startRecovery(fx.ports, clock, request());
    fx.store.objects.clear();
    clock.advance(1000);

    const again = await startRecovery(fx.ports, clock, request());

    expect(again).toMatchObject({ outcome: 'ignored', reason: 'duplicate-incident' });
    expect(fx.sfn.executions.size).toBe(1);
  });

  it('takes the database mode from the site config and lets the request override every option', async () => {
    const dbSite = buildSite({ recovery: { database: 'snapshot' } });
    await startRecovery(fx.ports, clock, { ...request(), site: dbSite });
    await startRecovery(fx.ports, clock, {
      ...request({ source: 'manual', incidentKey: manualIncidentKey('blog', outageStartedAt) }),
      options: {
        dryRun: true,
        backupId: '20261122t020000z-scheduled',
        skipSandbox: true,
        database: 'keep',
      },
    });

    const [fromConfig, manual] = startedInputs(fx.sfn) as { options: unknown; trigger: { source: string } }[];
    expect(fromConfig?.options).toEqual({ dryRun: false, skipSandbox: false, database: 'snapshot' });
    expect(manual?.options).toEqual({
      dryRun: true,
      backupId: '20261122t020000z-scheduled',
      skipSandbox: true,
      database: 'keep',
    });
    expect(manual?.trigger.source).toBe('manual');
  });

  it.each([
    ['an empty incident key', { incidentKey: ' ' }, /trigger.incidentKey/],
    ['an invalid outage time', { outageStartedAt: new Date('nope') }, /trigger.outageStartedAt/],
  ])('rejects %s and changes nothing', async (_name, trigger, message) => {
    await expect(startRecovery(fx.ports, clock, request(trigger))).rejects.toThrow(message);
    await expect(startRecovery(fx.ports, clock, request(trigger))).rejects.toBeInstanceOf(InvalidInputError);
    expect(fx.store.objects.size).toBe(0);
    expect(fx.sfn.mock).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});
