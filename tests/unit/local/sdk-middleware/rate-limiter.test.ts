import {
  CopySnapshotCommand,
  CreateSnapshotCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
} from '@aws-sdk/client-ec2';
import { CopyDBSnapshotCommand } from '@aws-sdk/client-rds';
import { isThrottling, translateAwsError } from '../../../../lib/aws/errors';
import { AwsSimulation } from '../../../../local/sdk-middleware/aws-simulation';
import { SimulatedClock } from '../../../../local/sdk-middleware/simulated-clock';
import { CannedAws } from './canned-aws';

async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    return (error as Error).name;
  }
}

describe('AWS rate-limit simulation', () => {
  let clock: SimulatedClock;
  let sim: AwsSimulation;
  let aws: CannedAws;

  beforeEach(() => {
    clock = new SimulatedClock();
    sim = new AwsSimulation({ clock });
    aws = new CannedAws();
  });

  it('lets a burst of 100 CreateSnapshot through, throttles the 101st, then refills 5 per second', async () => {
    const ec2 = aws.ec2(sim);
    const snapshot = (i: number) => outcome(ec2.send(new CreateSnapshotCommand({ VolumeId: `vol-${i}` })));

    const burst = await Promise.all(Array.from({ length: 101 }, (_, i) => snapshot(i)));
    clock.advance(1_000);
    const afterOneSecond = await Promise.all(Array.from({ length: 6 }, (_, i) => snapshot(200 + i)));

    expect(burst.filter((o) => o === 'ok')).toHaveLength(100);
    expect(burst[100]).toBe('RequestLimitExceeded');
    expect(afterOneSecond).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'RequestLimitExceeded']);
    expect(aws.received.filter((a) => a === 'CreateSnapshot')).toHaveLength(105);
  });

  it('answers with the error the SDK and translateAwsError recognise as throttling', async () => {
    const ec2 = aws.ec2(sim);
    await Promise.all(Array.from({ length: 50 }, () => ec2.send(new DescribeVolumesCommand({}))));

    const error = await ec2.send(new DescribeVolumesCommand({})).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 503 } });
    expect(isThrottling(error)).toBe(true);
    expect(translateAwsError(error, 'EC2 DescribeVolumes').name).toBe('ThrottledError');
    expect(sim.stats.throttlesSent.get('RequestLimitExceeded')).toBe(1);
  });

  it('refuses a second snapshot of one volume within 15 seconds', async () => {
    const ec2 = aws.ec2(sim);
    const first = await outcome(ec2.send(new CreateSnapshotCommand({ VolumeId: 'vol-1' })));
    const tooSoon = await outcome(ec2.send(new CreateSnapshotCommand({ VolumeId: 'vol-1' })));
    clock.advance(15_000);
    const later = await outcome(ec2.send(new CreateSnapshotCommand({ VolumeId: 'vol-1' })));

    expect([first, tooSoon, later]).toEqual(['ok', 'SnapshotCreationPerVolumeRateExceeded', 'ok']);
  });

  it('holds EBS copies to 20 in flight per destination region until they complete', async () => {
    sim = new AwsSimulation({ clock, limits: { ec2Mutating: { capacity: 1000, refillPerSecond: 5 } } });
    const west = aws.ec2(sim, 'us-west-2');
    const copy = (i: number) =>
      outcome(
        west.send(new CopySnapshotCommand({ SourceRegion: 'us-east-1', SourceSnapshotId: `snap-${i}` })),
      );

    const first = await Promise.all(Array.from({ length: 21 }, (_, i) => copy(i)));
    clock.advance(sim.lifecycle.durations.ebsCopyMs);
    const afterCompletion = await copy(99);

    expect(first.filter((o) => o === 'ok')).toHaveLength(20);
    expect(first[20]).toBe('ResourceLimitExceeded');
    expect(afterCompletion).toBe('ok');
  });

  it('holds cross-region RDS copies to 5 in flight', async () => {
    const rds = aws.rds(sim, 'us-west-2');
    const copy = (i: number) =>
      outcome(
        rds.send(
          new CopyDBSnapshotCommand({
            SourceDBSnapshotIdentifier: `arn:aws:rds:us-east-1:123456789012:snapshot:db-${i}`,
            TargetDBSnapshotIdentifier: `db-${i}-copy`,
          }),
        ),
      );

    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => copy(i)));

    expect(results.slice(0, 5)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(results[5]).toBe('SnapshotQuotaExceededFault');
  });

  it('shows snapshots as pending for their modelled duration although the emulator finished them', async () => {
    const ec2 = aws.ec2(sim);
    const created = await ec2.send(new CreateSnapshotCommand({ VolumeId: 'vol-1' }));
    const id = created.SnapshotId ?? '';
    const describe = async () =>
      (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [id] }))).Snapshots?.[0]?.State;

    const early = await describe();
    clock.advance(sim.lifecycle.durations.ebsSnapshotMs);
    const done = await describe();

    expect(created.State).toBe('pending');
    expect([early, done]).toEqual(['pending', 'completed']);
  });

  it('lets the SDK retry throttled calls with its back-off on simulated time until all succeed', async () => {
    const ec2 = aws.ec2(sim, 'us-east-1', 8);
    const start = clock.nowMs();

    const results = await clock.drive(() =>
      Promise.all(
        Array.from({ length: 120 }, (_, i) =>
          outcome(ec2.send(new CreateSnapshotCommand({ VolumeId: `vol-${i}` }))),
        ),
      ),
    );

    expect(results.every((o) => o === 'ok')).toBe(true);
    expect(sim.stats.calls.get('ec2:CreateSnapshot')).toBe(120);
    expect(sim.stats.total(sim.stats.attempts)).toBeGreaterThan(120);
    // 20 calls beyond the burst need at least 4 s of refill at 5 per second.
    expect(clock.nowMs() - start).toBeGreaterThanOrEqual(4_000);
    expect(sim.stats.escaped.size).toBe(0);
  });
});
