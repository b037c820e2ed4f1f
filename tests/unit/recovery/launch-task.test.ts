import { SandboxExposedError } from '../../../lib/errors';
import { launchTask } from '../../../lib/recovery/launch-task';
import { buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { type Fakes, fakePorts, runningRecovery } from './support/fake-ports';

describe('launchTask', () => {
  const site = buildSite({ health: { path: '/', deadlineSeconds: 120 } });
  const clock = new FakeClock('2026-11-22T09:40:00Z');
  const recovery = runningRecovery(site.name);
  const candidate = {
    backupId: '20261122t020000z-scheduled',
    snapshotId: 'snap-0abc',
    takenAt: '',
    drilled: false,
  };
  let fakes: Fakes;

  beforeEach(async () => {
    fakes = fakePorts();
    await fakes.catalog.createRecovery(recovery);
  });

  it('records the task on the run and starts its gate with the configured deadline', async () => {
    const attempt = await launchTask(fakes.ports, clock, site, recovery.id, 'replacement', candidate);

    expect(attempt.gate).toEqual({
      startedAt: '2026-11-22T09:40:00.000Z',
      deadlineAt: '2026-11-22T09:42:00.000Z',
      checks: 0,
      consecutive: 0,
      verdict: 'pending',
    });
    const recorded = await fakes.catalog.getRecovery(site.name, recovery.id);
    expect(recorded?.status.tasks).toEqual([
      expect.objectContaining({ role: 'replacement', taskArn: attempt.taskArn }),
    ]);
  });

  it('refuses to launch a sandbox whose security groups admit more than the operator CIDR', async () => {
    fakes.tasks.ingress.set('sg-0fedcba9876543210', ['0.0.0.0/0']);

    await expect(launchTask(fakes.ports, clock, site, recovery.id, 'sandbox', candidate)).rejects.toThrow(
      SandboxExposedError,
    );
    expect(fakes.tasks.runs).toEqual([]);
  });

  it('launches the sandbox when only the operator gets in', async () => {
    fakes.tasks.ingress.set('sg-0fedcba9876543210', ['203.0.113.0/24']);

    await launchTask(fakes.ports, clock, site, recovery.id, 'sandbox', candidate);

    expect(fakes.tasks.runs.map((r) => r.securityGroups)).toEqual([['sg-0fedcba9876543210']]);
  });
});
