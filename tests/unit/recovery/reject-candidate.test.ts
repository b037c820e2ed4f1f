import type { Candidate } from '../../../lib/recovery/candidates';
import { launchTask } from '../../../lib/recovery/launch-task';
import { rejectCandidate } from '../../../lib/recovery/reject-candidate';
import { buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { type Fakes, fakePorts, runningRecovery } from './support/fake-ports';

const candidate = (day: string): Candidate => ({
  backupId: `202611${day}t020000z-scheduled`,
  snapshotId: `snap-${day}`,
  takenAt: `2026-11-${day}T02:00:00Z`,
  drilled: false,
});

describe('rejectCandidate (walk back)', () => {
  const site = buildSite();
  const clock = new FakeClock('2026-11-22T09:45:00Z');
  const recovery = runningRecovery(site.name);
  let fakes: Fakes;

  beforeEach(async () => {
    fakes = fakePorts();
    await fakes.catalog.createRecovery(recovery);
  });

  it('stops the rejected candidate task and moves on to the next older backup', async () => {
    const attempt = await launchTask(fakes.ports, clock, site, recovery.id, 'replacement', candidate('22'));

    const queue = await rejectCandidate(
      fakes.ports,
      clock,
      site,
      recovery.id,
      { next: candidate('22'), rest: [candidate('21'), candidate('20')] },
      attempt,
    );

    expect(queue).toEqual({ next: candidate('21'), rest: [candidate('20')] });
    expect(fakes.tasks.stopped).toEqual([attempt.taskArn]);
    const recorded = await fakes.catalog.getRecovery(site.name, recovery.id);
    expect(recorded?.status.tasks?.[0]?.stoppedAt).toBe('2026-11-22T09:45:00.000Z');
  });

  it('after a failed launch, stops nothing (the attempt in the state is the previous candidate) and records launch-failed', async () => {
    const previous = await launchTask(fakes.ports, clock, site, recovery.id, 'replacement', candidate('22'));

    const queue = await rejectCandidate(
      fakes.ports,
      clock,
      site,
      recovery.id,
      { next: candidate('21'), rest: [] },
      previous,
      'ECS RunTask started no task: RESOURCE:ENI',
    );

    expect(queue).toEqual({ rest: [] });
    expect(fakes.tasks.stopped).toEqual([]);
    const recorded = await fakes.catalog.getRecovery(site.name, recovery.id);
    expect(recorded?.status.attempts).toEqual([
      { backupId: candidate('21').backupId, verdict: 'launch-failed' },
    ]);
    expect(recorded?.status.timeline.at(-1)?.detail).toMatchObject({
      reason: 'ECS RunTask started no task: RESOURCE:ENI',
    });
  });
});
