import { SiteLockedError } from '../../../lib/errors';
import { beginRun } from '../../../lib/recovery/begin';
import type { RunHeader } from '../../../lib/recovery/model';
import { buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { type Fakes, fakePorts, runningRecovery } from './support/fake-ports';

describe('beginRun', () => {
  const site = buildSite();
  const clock = new FakeClock('2026-11-22T09:40:00Z');
  const { spec, id } = runningRecovery(site.name);
  const run: RunHeader = {
    site: site.name,
    recoveryId: id,
    kind: 'recovery',
    trigger: spec.trigger,
    options: spec.options,
  };
  let fakes: Fakes;

  beforeEach(() => {
    fakes = fakePorts();
  });

  it('creates the record and takes the lock; a duplicate delivery of the same run goes on with both', async () => {
    await beginRun(fakes.ports, clock, site, run);
    await beginRun(fakes.ports, clock, site, run);

    expect((await fakes.catalog.readLock(site.name))?.holder).toBe(id);
    const recovery = await fakes.catalog.getRecovery(site.name, id);
    expect(recovery?.status.phase).toBe('Running');
    expect(recovery?.status.timeline.filter((t) => t.step === 'begin')).toHaveLength(1);
  });

  it('raises SiteLockedError when another run holds the site, and records why', async () => {
    await fakes.catalog.acquireLock(site.name, '20261122t090000z-0badf00d', clock.now(), 3600_000);

    await expect(beginRun(fakes.ports, clock, site, run)).rejects.toBeInstanceOf(SiteLockedError);

    const recovery = await fakes.catalog.getRecovery(site.name, id);
    expect(recovery?.status.timeline).toEqual([
      expect.objectContaining({
        step: 'begin',
        outcome: 'failed',
        detail: { lockedBy: '20261122t090000z-0badf00d' },
      }),
    ]);
  });

  it('takes no lock for a drill (it changes nothing users see)', async () => {
    await fakes.catalog.acquireLock(site.name, '20261122t090000z-0badf00d', clock.now(), 3600_000);

    await beginRun(fakes.ports, clock, site, { ...run, kind: 'drill', recoveryId: '20261122t094000z-drill' });

    expect((await fakes.catalog.readLock(site.name))?.holder).toBe('20261122t090000z-0badf00d');
  });

  it('writes nothing for a dry run', async () => {
    await beginRun(fakes.ports, clock, site, { ...run, options: { ...run.options, dryRun: true } });

    expect(await fakes.catalog.getRecovery(site.name, id)).toBeUndefined();
    expect(await fakes.catalog.readLock(site.name)).toBeUndefined();
  });
});
