import { DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import type { TaskInfo } from '../../../lib/recovery/ports';
import { ALL_RECOVERY_ADAPTERS, recoveryPorts } from '../../../lib/recovery/wiring';
import { runStateMachineLocally } from '../../../local/local-runner';
import { AwsSimulation } from '../../../local/sdk-middleware/aws-simulation';
import { FaultInjector } from '../../../local/sdk-middleware/fault-injector';
import { seededRandom } from '../../../local/sdk-middleware/seeded-random';
import { SimulatedClock } from '../../../local/sdk-middleware/simulated-clock';
import { OUTAGE, recoveryInput } from '../../stepfunctions/support/executions';
import { RecoveryWorld } from '../../stepfunctions/support/recovery-world';
import type { SiteBehaviour } from '../../stepfunctions/support/site-server';
import { SteppingClock } from '../../stepfunctions/support/stepping-clock';
import { motoClients, motoEndpoint } from '../../support/moto';

/** The backup id of the task Route 53 sends traffic to (by the task's private IP), if any. */
async function backupBehindDns(world: RecoveryWorld): Promise<string | undefined> {
  const record = await world.aRecord(world.site.dns.recordName);
  if (record?.value === undefined) return undefined;
  const ecs = motoClients().ecs('us-east-1');
  const arns: string[] = [];
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as const)
    arns.push(
      ...((await ecs.send(new ListTasksCommand({ cluster: world.site.run.cluster, desiredStatus })))
        .taskArns ?? []),
    );
  const tasks =
    (
      await ecs.send(
        new DescribeTasksCommand({ cluster: world.site.run.cluster, tasks: arns, include: ['TAGS'] }),
      )
    ).tasks ?? [];
  const task = tasks.find((t) =>
    (t.attachments ?? []).some((a) =>
      (a.details ?? []).some((d) => d.name === 'privateIPv4Address' && d.value === record.value),
    ),
  );
  return task?.tags?.find((t) => t.key === 'lifeboat:backup-id')?.value ?? `unknown task at ${record.value}`;
}

/** One recovery on moto with AWS faults on ECS, Route 53 and EC2; returns where DNS points and what answers there. */
async function recoverUnderFaults(seed: number, behaviours: SiteBehaviour[]) {
  const world = await new RecoveryWorld().setUp();
  try {
    const backups = [];
    for (const [i, behaviour] of behaviours.entries())
      backups.push(
        await world.completedBackup(`2026-11-${String(15 + i).padStart(2, '0')}T02:00:00Z`, behaviour),
      );
    const behaviourOf = new Map(backups.map((b, i) => [b.id, behaviours[i]]));

    const simClock = new SimulatedClock('2026-11-22T09:40:00Z');
    const faults = new FaultInjector(
      {
        throttle: 0.15,
        serverError: 0.1,
        timeout: 0.05,
        timeoutAfterSend: 0.5,
        services: ['ecs', 'route53', 'ec2'],
      },
      seededRandom(seed),
    );
    const sim = new AwsSimulation({ clock: simClock, limits: false, faults, seed });
    const stepClock = new SteppingClock('2026-11-22T09:40:00Z');
    const ports = recoveryPorts({
      clients: sim.clients(motoEndpoint(), 3),
      catalog: world.catalog,
      clock: stepClock,
      adapters: ALL_RECOVERY_ADAPTERS,
      topicArn: world.topicArn,
      endpointOf: (task: TaskInfo) =>
        task.privateIp === undefined
          ? undefined
          : world.servers.get(task.tags['lifeboat:backup-id'] ?? '')?.url,
    });
    const input = recoveryInput(world.site.name, {
      incidentKey: `pingdom:12345:${OUTAGE}:${world.site.name}:${seed}`,
      summary: 'down',
      options: { skipSandbox: true },
    });
    const run = await simClock.drive(() =>
      runStateMachineLocally({
        machine: 'recovery',
        input,
        context: { config: world.config, clock: stepClock, ports },
      }),
    );
    const behind = await backupBehindDns(world);
    return {
      status: run.status,
      behind,
      behaviourBehind: behind === undefined ? undefined : behaviourOf.get(behind),
      faults: sim.stats.total(sim.stats.faultsInjected) + sim.stats.total(sim.stats.throttlesSent),
      lock: await world.catalog.readLock(world.site.name),
    };
  } finally {
    await world.close();
  }
}

describe('recovery under AWS faults (moto, seeded)', () => {
  const SEEDS = [1, 2, 3, 4, 5, 6];
  /** Which seeds took each conditional branch below, so the branches cannot all be skipped. */
  const seen = { dnsSwitched: new Set<number>(), succeeded: new Set<number>(), ran: new Set<number>() };

  it.each(SEEDS)(
    'seed %i: DNS never points at an unhealthy task, whether the recovery succeeds or fails',
    async (seed) => {
      const outcome = await recoverUnderFaults(seed, ['healthy', 'unhealthy']);

      seen.ran.add(seed);
      expect(outcome.faults).toBeGreaterThan(0);
      if (outcome.behind !== undefined) {
        seen.dnsSwitched.add(seed);
        expect({ seed, behaviour: outcome.behaviourBehind }).toEqual({ seed, behaviour: 'healthy' });
      }
      if (outcome.status === 'SUCCEEDED') {
        seen.succeeded.add(seed);
        expect(outcome.behind).toBeDefined();
      }
      expect(outcome.lock).toBeUndefined();
    },
  );

  it('checked DNS and a success in some of those seeds, not only failures that left DNS alone', () => {
    expect(seen.ran.size).toBe(SEEDS.length);
    expect(seen.dnsSwitched.size).toBeGreaterThan(0);
    expect(seen.succeeded.size).toBeGreaterThan(0);
  });

  it('leaves DNS alone when every backup is unhealthy, faults or not', async () => {
    const outcome = await recoverUnderFaults(9, ['unhealthy', 'unhealthy']);

    expect(outcome.status).toBe('FAILED');
    expect(outcome.behind).toBeUndefined();
    expect(outcome.lock).toBeUndefined();
  });
});
