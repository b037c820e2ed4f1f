import { SimulatedClock } from '../../../../local/sdk-middleware/simulated-clock';
import { TokenBucket } from '../../../../local/sdk-middleware/token-bucket';

describe('simulated clock', () => {
  it('wakes sleepers in time order when advanced by hand', async () => {
    const clock = new SimulatedClock('2026-11-22T02:00:00Z');
    const woke: string[] = [];
    const late = clock.sleep(5_000).then(() => woke.push('late'));
    const early = clock.sleep(1_000).then(() => woke.push('early'));

    clock.advance(2_000);
    await early;
    expect(woke).toEqual(['early']);
    clock.advance(3_000);
    await late;

    expect(woke).toEqual(['early', 'late']);
    expect(clock.now().toISOString()).toBe('2026-11-22T02:00:05.000Z');
  });

  it('jumps over idle time but waits for tracked real work', async () => {
    const clock = new SimulatedClock('2026-11-22T02:00:00Z');
    const seen: number[] = [];

    await clock.drive(async () => {
      await clock.track(() => new Promise((resolve) => setTimeout(resolve, 20)));
      seen.push(clock.nowMs());
      await Promise.all([clock.sleep(60_000), clock.sleep(3_600_000)]);
      seen.push(clock.nowMs());
    });

    const start = new Date('2026-11-22T02:00:00Z').getTime();
    expect(seen).toEqual([start, start + 3_600_000]);
  });
});

describe('token bucket', () => {
  it('allows a burst of its capacity, then refills at its rate', () => {
    const bucket = new TokenBucket(100, 5, 0);
    const burst = Array.from({ length: 101 }, () => bucket.take(0));

    expect(burst.filter(Boolean)).toHaveLength(100);
    expect(bucket.take(100)).toBe(false);
    expect(bucket.take(1_000)).toBe(true);
    expect(Math.floor(bucket.available(10_000))).toBe(49);
    expect(bucket.available(1_000_000)).toBe(100);
  });
});
