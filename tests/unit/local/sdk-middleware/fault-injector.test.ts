import { CreateSnapshotCommand, DescribeVolumesCommand } from '@aws-sdk/client-ec2';
import { AwsSimulation } from '../../../../local/sdk-middleware/aws-simulation';
import { FaultInjector } from '../../../../local/sdk-middleware/fault-injector';
import { seededRandom } from '../../../../local/sdk-middleware/seeded-random';
import { SimulatedClock } from '../../../../local/sdk-middleware/simulated-clock';
import { CannedAws } from './canned-aws';

function simulation(rates: ConstructorParameters<typeof FaultInjector>[0], seed = 7) {
  const clock = new SimulatedClock();
  const sim = new AwsSimulation({
    clock,
    limits: false,
    faults: new FaultInjector(rates, seededRandom(seed)),
  });
  return { clock, sim };
}

describe('fault injection', () => {
  it('replays the same faults for the same seed', () => {
    const sequence = (seed: number) => {
      const faults = new FaultInjector({ throttle: 0.2, serverError: 0.2, timeout: 0.2 }, seededRandom(seed));
      return Array.from({ length: 50 }, () => faults.next('ec2').kind);
    };

    expect(sequence(42)).toEqual(sequence(42));
    expect(sequence(42)).not.toEqual(sequence(43));
  });

  it('injects each fault at roughly its configured rate', () => {
    const faults = new FaultInjector({ throttle: 0.1, serverError: 0.05, timeout: 0.05 }, seededRandom(1));
    const kinds = Array.from({ length: 10_000 }, () => {
      const f = faults.next('ec2');
      return f.kind === 'error' ? f.label : f.kind;
    });
    const share = (k: string) => kinds.filter((x) => x === k).length / kinds.length;

    expect(share('throttle')).toBeCloseTo(0.1, 1);
    expect(share('server-error')).toBeCloseTo(0.05, 1);
    expect(share('timeout')).toBeCloseTo(0.05, 1);
  });

  it.each([
    ['throttle', { throttle: 1 }, 'RequestLimitExceeded'],
    ['5xx', { serverError: 1 }, 'InternalError'],
    ['timeout', { timeout: 1 }, 'TimeoutError'],
  ])('surfaces a persistent %s as the SDK error after the SDK retried it', async (_label, rates, name) => {
    const { clock, sim } = simulation(rates);
    const aws = new CannedAws();
    const ec2 = aws.ec2(sim, 'us-east-1', 3);

    const error = await clock.drive(() => ec2.send(new DescribeVolumesCommand({})).catch((e: unknown) => e));

    expect(error).toMatchObject({ name });
    expect(sim.stats.attempts.get('ec2:DescribeVolumes')).toBe(3);
    expect(sim.stats.escaped.get(`ec2:DescribeVolumes:${name}`)).toBe(1);
  });

  it('lets a timeout strike after AWS acted, so a retried create reaches AWS twice', async () => {
    const { clock, sim } = simulation({ timeout: 1, timeoutAfterSend: 1 });
    const aws = new CannedAws();
    const ec2 = aws.ec2(sim, 'us-east-1', 2);

    const error = await clock.drive(() =>
      ec2.send(new CreateSnapshotCommand({ VolumeId: 'vol-1' })).catch((e: unknown) => e),
    );

    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(aws.received).toEqual(['CreateSnapshot', 'CreateSnapshot']);
    expect(sim.stats.faultsInjected.get('timeout-after-send')).toBe(2);
  });

  it('applies only to the services and operations it is scoped to', async () => {
    const { clock, sim } = simulation({ throttle: 1, operations: /^Create/ });
    const ec2 = new CannedAws().ec2(sim);

    const describe = await clock.drive(() => ec2.send(new DescribeVolumesCommand({})).then(() => 'ok'));

    expect(describe).toBe('ok');
  });

  it('adds latency on simulated time', async () => {
    const { clock, sim } = simulation({ latencyMs: { min: 2_000, max: 2_000 } });
    const ec2 = new CannedAws().ec2(sim);
    const start = clock.nowMs();

    await clock.drive(() => ec2.send(new DescribeVolumesCommand({})));

    expect(clock.nowMs() - start).toBe(2_000);
  });
});
