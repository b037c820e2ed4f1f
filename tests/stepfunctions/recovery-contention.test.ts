import { ThrottledError } from '../../lib/errors';
import type { RecoveryPorts } from '../../lib/recovery/ports';
import type { RecoveryContext } from '../../lib/recovery/steps';
import { runStateMachineLocally } from '../../local/local-runner';
import { recoveryInput, retried } from './support/executions';
import { RecoveryWorld } from './support/recovery-world';
import { SteppingClock } from './support/stepping-clock';

/** A CloudWatch alarm's input for the world's site, received as the outage began; no sandbox. */
function input(world: RecoveryWorld, outage: string, incidentKey: string) {
  return recoveryInput(world.site.name, {
    outage,
    source: 'cloudwatch',
    incidentKey,
    summary: 'alarm',
    options: { skipSandbox: true },
  });
}

/** The world's context with some ports wrapped. */
function withPorts(
  ctx: RecoveryContext,
  change: (ports: RecoveryPorts) => Partial<RecoveryPorts>,
): RecoveryContext {
  return { ...ctx, ports: { ...ctx.ports, ...change(ctx.ports) } };
}

describe('recovery state machine under contention and slow AWS (aws-local-stepfunctions on moto)', () => {
  let world: RecoveryWorld;

  beforeEach(async () => {
    world = await new RecoveryWorld().setUp();
    await world.completedBackup('2026-11-22T02:00:00Z');
  });

  afterEach(async () => {
    await world.close();
  });

  it('concurrent alarms for one site: one recovery runs, the other ends with SiteLockedError and launches nothing', async () => {
    const clock = new SteppingClock('2026-11-22T09:40:00Z');
    const first = input(world, '2026-11-22T09:39:00Z', 'alarm-a');
    const second = input(world, '2026-11-22T09:39:05Z', 'alarm-b');

    const runs = await Promise.all([
      runStateMachineLocally({ machine: 'recovery', input: first, context: world.context(clock) }),
      runStateMachineLocally({ machine: 'recovery', input: second, context: world.context(clock) }),
    ]);

    expect(runs.map((r) => r.status).sort()).toEqual(['FAILED', 'SUCCEEDED']);
    expect(runs.find((r) => r.status === 'FAILED')?.error).toBe('SiteLockedError');
    const replacements = (await world.tasks()).filter((t) => t.tags['lifeboat:role'] === 'replacement');
    expect(replacements).toHaveLength(1);
    expect(await world.catalog.readLock(world.site.name)).toBeUndefined();
  });

  it('waits for Route 53: AwaitDns is retried on NotReadyError until the change is INSYNC', async () => {
    let asked = 0;
    const context = withPorts(world.context(new SteppingClock('2026-11-22T09:40:00Z')), (ports) => ({
      dns: {
        upsertARecord: (i) => ports.dns.upsertARecord(i),
        changeStatus: async (id) => (++asked < 3 ? 'PENDING' : ports.dns.changeStatus(id)),
        deleteARecord: (i) => ports.dns.deleteARecord(i),
      },
    }));

    const run = await runStateMachineLocally({
      machine: 'recovery',
      input: input(world, '2026-11-22T09:39:00Z', 'alarm-a'),
      context,
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(retried(run.events, 'AwaitDns')).toBe(2);
  });

  it('rides out throttling: a throttled RunTask is retried by its error name and the recovery succeeds', async () => {
    let throttled = false;
    const context = withPorts(world.context(new SteppingClock('2026-11-22T09:40:00Z')), (ports) => ({
      tasks: (region) => {
        const real = ports.tasks(region);
        return {
          ...real,
          describeTask: (c, t) => real.describeTask(c, t),
          stopTask: (c, t, r) => real.stopTask(c, t, r),
          runTask: async (request) => {
            if (!throttled) {
              throttled = true;
              throw new ThrottledError('ECS RunTask throttled by AWS (ThrottlingException)');
            }
            return real.runTask(request);
          },
        };
      },
    }));

    const runInput = input(world, '2026-11-22T09:39:00Z', 'alarm-a');

    const run = await runStateMachineLocally({ machine: 'recovery', input: runInput, context });

    expect(run.status).toBe('SUCCEEDED');
    expect(retried(run.events, 'LaunchReplacement')).toBe(1);
    // A retried throttle is not a failed step on the record.
    const recovery = await world.catalog.getRecovery(world.site.name, runInput.recoveryId);
    expect(recovery?.status.timeline.filter((t) => t.outcome === 'failed')).toEqual([]);
    expect((await world.tasks()).filter((t) => t.tags['lifeboat:role'] === 'replacement')).toHaveLength(1);
  });

  it('refuses a sandbox its security groups expose beyond the operator CIDR; the recovery itself still succeeds', async () => {
    await world.openSandboxTo('0.0.0.0/0');
    const runInput = { ...input(world, '2026-11-22T09:39:00Z', 'alarm-a'), options: { skipSandbox: false } };

    const run = await world.run('recovery', runInput, '2026-11-22T09:40:00Z');

    expect(run.status).toBe('SUCCEEDED');
    expect(run.events.map((e) => e.state?.name)).toContain('SandboxAbandoned');
    expect((await world.tasks()).map((t) => t.tags['lifeboat:role'])).toEqual(['replacement']);
    expect(await world.aRecord(world.site.sandbox.recordName)).toBeUndefined();
    const recovery = await world.catalog.getRecovery(world.site.name, runInput.recoveryId);
    expect(recovery?.status.sandbox).toBeUndefined();
    expect(recovery?.status.timeline.filter((t) => t.outcome === 'failed')).toEqual([
      expect.objectContaining({
        step: 'launch-task',
        detail: expect.objectContaining({ error: 'SandboxExposedError' }),
      }),
    ]);
  });
});
