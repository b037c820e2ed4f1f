import { checkHealth } from '../../../lib/recovery/check-health';
import { launchTask } from '../../../lib/recovery/launch-task';
import type { Attempt } from '../../../lib/recovery/model';
import { buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { type Fakes, fakePorts, runningRecovery } from './support/fake-ports';

describe('checkHealth (one round of the health gate)', () => {
  const site = buildSite({ health: { path: '/wp-login.php', deadlineSeconds: 60, healthyThreshold: 2 } });
  const recovery = runningRecovery(site.name);
  let fakes: Fakes;
  let clock: FakeClock;
  let attempt: Attempt;

  beforeEach(async () => {
    fakes = fakePorts();
    clock = new FakeClock('2026-11-22T09:40:00Z');
    await fakes.catalog.createRecovery(recovery);
    attempt = await launchTask(fakes.ports, clock, site, recovery.id, 'replacement', {
      backupId: '20261122t020000z-scheduled',
      snapshotId: 'snap-0123',
      takenAt: '2026-11-22T02:00:00Z',
      drilled: false,
    });
  });

  it('stays pending without probing while the task is still starting', async () => {
    const checked = await checkHealth(fakes.ports, clock, site, recovery.id, attempt);

    expect(checked.gate).toMatchObject({ verdict: 'pending', checks: 1, consecutive: 0 });
    expect(fakes.probe.requests).toEqual([]);
  });

  it('passes after healthyThreshold healthy answers in a row, probing the configured path, and records the replacement', async () => {
    fakes.tasks.setStatus(attempt.taskArn, 'RUNNING');

    const first = await checkHealth(fakes.ports, clock, site, recovery.id, attempt);
    const second = await checkHealth(fakes.ports, clock, site, recovery.id, first);

    expect(first.gate.verdict).toBe('pending');
    expect(second.gate).toMatchObject({ verdict: 'healthy', consecutive: 2, address: '10.0.1.1' });
    expect(fakes.probe.requests.map((r) => r.url)).toEqual([
      'http://10.0.1.1:80/wp-login.php',
      'http://10.0.1.1:80/wp-login.php',
    ]);
    const recorded = await fakes.catalog.getRecovery(site.name, recovery.id);
    expect(recorded?.status.attempts).toEqual([
      { backupId: attempt.backupId, taskArn: attempt.taskArn, address: '10.0.1.1', verdict: 'healthy' },
    ]);
    expect(recorded?.status.replacement).toEqual({ taskArn: attempt.taskArn, address: '10.0.1.1' });
  });

  it('restarts the count after an unhealthy answer', async () => {
    fakes.tasks.setStatus(attempt.taskArn, 'RUNNING');
    const first = await checkHealth(fakes.ports, clock, site, recovery.id, attempt);
    fakes.probe.healthy = false;

    const second = await checkHealth(fakes.ports, clock, site, recovery.id, first);

    expect(second.gate).toMatchObject({ verdict: 'pending', consecutive: 0 });
    expect(second.gate.lastProbe?.reason).toBe('HTTP 500, expected 200');
  });

  it('fails the gate at the deadline and records the candidate as unhealthy', async () => {
    fakes.tasks.setStatus(attempt.taskArn, 'RUNNING');
    fakes.probe.healthy = false;
    clock.advance(61_000);

    const checked = await checkHealth(fakes.ports, clock, site, recovery.id, attempt);

    expect(checked.gate.verdict).toBe('unhealthy');
    expect(checked.gate.reason).toContain('not healthy within 60 s');
    const recorded = await fakes.catalog.getRecovery(site.name, recovery.id);
    expect(recorded?.status.attempts.map((a) => a.verdict)).toEqual(['unhealthy']);
    expect(recorded?.status.replacement).toBeUndefined();
  });

  it('fails the gate at once when the task stopped', async () => {
    fakes.tasks.setStatus(attempt.taskArn, 'STOPPED');

    const checked = await checkHealth(fakes.ports, clock, site, recovery.id, attempt);

    expect(checked.gate).toMatchObject({ verdict: 'unhealthy', reason: 'task is STOPPED' });
  });

  it('does nothing once a verdict is in (a retried task state)', async () => {
    const decided = { ...attempt, gate: { ...attempt.gate, verdict: 'healthy' as const } };

    expect(await checkHealth(fakes.ports, clock, site, recovery.id, decided)).toBe(decided);
  });
});
