import { sharedPacing } from '../../../lib/backup/advance-backup';
import { CatalogPacer, EC2_REQUEST_BUDGETS, reserve } from '../../../lib/backup/pacer';
import { Catalog } from '../../../lib/catalog/catalog';
import { ConcurrentUpdateError } from '../../../lib/errors';
import { FakeClock } from '../../support/fake-clock';
import { MemoryObjectStore } from '../../support/memory-object-store';

const spec = EC2_REQUEST_BUDGETS.createSnapshot;
const t0 = Date.parse('2026-11-22T02:00:00Z');

describe('reserve', () => {
  it('grants the burst at once, then the refill rate, and tells later callers when to start', () => {
    const first = reserve(spec, undefined, 100, t0, 0);
    const second = reserve(spec, first.state, 20, t0, 60_000);
    const third = reserve(spec, second.state, 20, t0, 60_000);

    expect(first.reservation).toEqual({ granted: 100, startAt: t0 });
    expect(second.reservation).toEqual({ granted: 20, startAt: t0 + 4_000 });
    expect(third.reservation).toEqual({ granted: 20, startAt: t0 + 8_000 });
  });

  it('grants only what the caller can wait for, and nothing beyond the bucket in one go', () => {
    const empty = reserve(spec, undefined, 100, t0, 0).state;

    expect(reserve(spec, empty, 50, t0, 2_000).reservation.granted).toBe(10);
    expect(reserve(spec, empty, 50, t0, 0).reservation.granted).toBe(0);
    expect(reserve(spec, undefined, 500, t0, 600_000).reservation.granted).toBe(100);
  });

  it('refills at 5/s up to the bucket, not beyond', () => {
    const empty = reserve(spec, undefined, 100, t0, 0).state;

    expect(reserve(spec, empty, 100, t0 + 10_000, 0).reservation.granted).toBe(50);
    expect(reserve(spec, empty, 500, t0 + 3_600_000, 0).reservation.granted).toBe(100);
  });
});

/** AWS's side: a token bucket that refuses what exceeds it. */
function awsBucket() {
  let tokens = spec.capacity;
  let at = t0;
  let refused = 0;
  return {
    call(now: number) {
      tokens = Math.min(spec.capacity, tokens + ((now - at) / 1000) * spec.refillPerSecond);
      at = now;
      if (tokens >= 1 - 1e-9) tokens -= 1;
      else refused += 1;
    },
    get refused() {
      return refused;
    },
  };
}

describe('CatalogPacer', () => {
  it('keeps many concurrent callers within the budget: AWS refuses none of their calls', async () => {
    const clock = new FakeClock(new Date(t0));
    const catalog = new Catalog(new MemoryObjectStore(), { retryDelayMs: 0 });
    const aws = awsBucket();
    // Callers sleep on the fake clock: each waits its turn, time jumps to it.
    const sleep = async (ms: number) => clock.advance(ms);
    const pacer = new CatalogPacer(catalog, clock, sleep, { attempts: 50 });
    let granted = 0;

    // 40 callers at once, as from schedules, events and workers: each wants 50 starts.
    for (let round = 0; round < 40; round += 1) {
      const n = await pacer.acquire('us-east-1', 'createSnapshot', 50, 60_000);
      for (let i = 0; i < n; i += 1) aws.call(clock.now().getTime());
      granted += n;
    }
    const elapsed = (clock.now().getTime() - t0) / 1000;

    expect(aws.refused).toBe(0);
    expect(granted).toBe(2_000);
    // The budget is spent, not wasted: 100 at once, then 5/s.
    expect(granted).toBeLessThanOrEqual(spec.capacity + spec.refillPerSecond * elapsed);
    expect(granted).toBeGreaterThanOrEqual(spec.refillPerSecond * elapsed);
  });

  it('grants concurrent reservations from one shared budget, not one budget each', async () => {
    const clock = new FakeClock(new Date(t0));
    const catalog = new Catalog(new MemoryObjectStore(), { retryDelayMs: 0 });
    const pacer = new CatalogPacer(catalog, clock, async () => undefined, { attempts: 50 });

    const grants = await Promise.all(
      Array.from({ length: 10 }, () => pacer.acquire('us-east-1', 'createSnapshot', 50, 0)),
    );
    const elsewhere = await pacer.acquire('eu-west-1', 'createSnapshot', 50, 0);

    expect(grants.reduce((a, b) => a + b, 0)).toBe(100);
    expect(elsewhere).toBe(50);
  });

  it('leaves the work, without an error, when it keeps losing the race for the budget', async () => {
    const clock = new FakeClock(new Date(t0));
    const store = new MemoryObjectStore();
    const catalog = new Catalog(store, { retryDelayMs: 0 });
    const pacer = new CatalogPacer(catalog, clock, async () => undefined, { attempts: 1 });
    await pacer.acquire('us-east-1', 'createSnapshot', 1, 0);
    // Another caller writes between every read and write of this one.
    store.putIfMatch = async (key) => {
      throw new ConcurrentUpdateError(`changed: ${key}`, { key });
    };

    await expect(pacer.acquire('us-east-1', 'createSnapshot', 10, 0)).resolves.toBe(0);
  });
});

describe('sharedPacing', () => {
  it('gives the advances of one invocation what is left of one pacing wait, never less than none', () => {
    const clock = new FakeClock('2026-11-22T02:00:00Z');
    const limitsNow = sharedPacing(clock, { pacingWaitMs: 15_000, maxStartsPerCall: 7 });

    const first = limitsNow();
    clock.advance(10_000);
    const second = limitsNow();
    clock.advance(10_000);
    const third = limitsNow();

    expect(first).toEqual({ pacingWaitMs: 15_000, maxStartsPerCall: 7 });
    expect(second.pacingWaitMs).toBe(5_000);
    expect(third.pacingWaitMs).toBe(0);
  });
});
