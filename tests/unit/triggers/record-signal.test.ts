import type { Catalog } from '../../../lib/catalog/catalog';
import { recordSignal } from '../../../lib/recovery/record-signal';
import { FakeClock } from '../../support/fake-clock';
import { runningRecovery, triggerFixture } from './support';

const recoveryId = '20160101t010101z-1a2b3c4d';
const up = {
  site: 'blog',
  signal: { source: 'pingdom' as const, state: 'UP', at: new Date('2016-01-01T01:11:01Z') },
};

describe('recordSignal', () => {
  let catalog: Catalog;
  const clock = new FakeClock('2016-01-01T01:12:00Z');

  beforeEach(() => {
    catalog = triggerFixture().catalog;
  });

  it('appends the signal to the lock holder once, however often it is delivered', async () => {
    await catalog.createRecovery(runningRecovery('blog', recoveryId));
    await catalog.acquireLock('blog', recoveryId, clock.now(), 3_600_000);

    const first = await recordSignal({ catalog }, clock, up);
    const again = await recordSignal({ catalog }, clock, up);

    expect(first).toEqual({ outcome: 'recorded', site: 'blog', recoveryId });
    expect(again).toMatchObject({ outcome: 'ignored', reason: 'duplicate-signal' });
    expect((await catalog.getRecovery('blog', recoveryId))?.status.signals).toEqual([
      { source: 'pingdom', state: 'UP', at: '2016-01-01T01:11:01.000Z' },
    ]);
  });

  it('ignores a signal when no recovery holds the lock, or the lock has expired', async () => {
    expect(await recordSignal({ catalog }, clock, up)).toMatchObject({ reason: 'no-open-recovery' });

    await catalog.acquireLock('blog', recoveryId, new Date('2016-01-01T00:00:00Z'), 60_000);
    expect(await recordSignal({ catalog }, clock, up)).toMatchObject({ reason: 'no-open-recovery' });
  });

  it('records a signal on the recovery that just finished, but not on an old one', async () => {
    const finished = runningRecovery('blog', recoveryId);
    finished.status = { ...finished.status, phase: 'Succeeded', startedAt: '2016-01-01T01:02:00.000Z' };
    await catalog.createRecovery(finished);

    expect(await recordSignal({ catalog }, clock, up)).toEqual({
      outcome: 'recorded',
      site: 'blog',
      recoveryId,
    });

    const daysLater = { ...up, signal: { ...up.signal, at: new Date('2016-01-04T01:11:01Z') } };
    expect(await recordSignal({ catalog }, clock, daysLater)).toMatchObject({ reason: 'no-open-recovery' });
  });

  it('ignores a signal that arrives before the recovery record exists', async () => {
    await catalog.acquireLock('blog', recoveryId, clock.now(), 3_600_000);

    expect(await recordSignal({ catalog }, clock, up)).toMatchObject({
      outcome: 'ignored',
      reason: 'recovery-not-recorded-yet',
      recoveryId,
    });
  });
});
