import { finishRun, summarise } from '../../../lib/recovery/finish';
import type { LaunchedTask } from '../../../lib/recovery/model';
import { buildRecovery, buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { type Fakes, fakePorts, runningRecovery } from './support/fake-ports';

function task(role: LaunchedTask['role'], n: number, stoppedAt?: string): LaunchedTask {
  return {
    role,
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/blog/t${n}`,
    cluster: 'blog',
    region: 'us-east-1',
    backupId: `b${n}`,
    snapshotId: `snap-${n}`,
    launchedAt: '2026-11-22T09:40:00.000Z',
    stoppedAt,
  };
}

describe('finishRun', () => {
  const site = buildSite();
  const clock = new FakeClock('2026-11-22T09:45:00Z');
  let fakes: Fakes;

  beforeEach(() => {
    fakes = fakePorts();
  });

  it('on failure stops every launched task except the sandbox and one already stopped, records, notifies, releases the lock', async () => {
    const recovery = runningRecovery(site.name);
    recovery.status.tasks = [
      task('replacement', 1, '2026-11-22T09:42:00.000Z'),
      task('replacement', 2),
      task('sandbox', 3),
    ];
    await fakes.catalog.createRecovery(recovery);
    await fakes.catalog.acquireLock(site.name, recovery.id, clock.now(), 3600_000);

    const result = await finishRun(fakes.ports, clock, site, recovery.id, {
      error: 'HealthGateFailedError',
      cause: 'No candidate backup passed the health gate',
    });

    expect(fakes.tasks.stopped).toEqual([task('replacement', 2).taskArn]);
    expect(result.phase).toBe('Failed');
    const recorded = await fakes.catalog.getRecovery(site.name, recovery.id);
    expect(recorded?.status).toMatchObject({
      phase: 'Failed',
      endedAt: '2026-11-22T09:45:00.000Z',
      failure: { error: 'HealthGateFailedError', cause: 'No candidate backup passed the health gate' },
    });
    expect(await fakes.catalog.readLock(site.name)).toBeUndefined();
    expect(fakes.notifier.messages).toHaveLength(1);
    expect(fakes.notifier.messages[0]?.subject).toBe(`lifeboat: Recovery of blog FAILED (${recovery.id})`);
    expect(fakes.notifier.messages[0]?.message).toContain('Why it failed: HealthGateFailedError');
    expect(fakes.notifier.messages[0]?.message).toContain('DNS was not changed.');
  });

  it('never stops the task DNS already points at (it passed the gate; stopping it takes the site down)', async () => {
    const recovery = runningRecovery(site.name);
    const serving = task('replacement', 1);
    recovery.status.tasks = [serving];
    recovery.status.replacement = { taskArn: serving.taskArn, address: '10.0.1.1' };
    recovery.status.dnsChange = {
      changeId: 'C1',
      recordName: 'www.example.com',
      value: '10.0.1.1',
      ttl: 60,
      submittedAt: '2026-11-22T09:43:00.000Z',
    };
    await fakes.catalog.createRecovery(recovery);

    await finishRun(fakes.ports, clock, site, recovery.id, {
      error: 'ThrottledError',
      cause: 'GetChange throttled',
    });

    expect(fakes.tasks.stopped).toEqual([]);
  });

  it('ends a run once: a retried finish neither rewrites the outcome nor notifies again', async () => {
    const recovery = runningRecovery(site.name);
    await fakes.catalog.createRecovery(recovery);

    await finishRun(fakes.ports, clock, site, recovery.id);
    const again = await finishRun(fakes.ports, clock, site, recovery.id, { error: 'X', cause: 'late' });

    expect(again.phase).toBe('Succeeded');
    expect(fakes.notifier.messages).toHaveLength(1);
    expect((await fakes.catalog.getRecovery(site.name, recovery.id))?.status.failure).toBeUndefined();
  });

  it('announces a drill whose verdict failed as failed, naming the half that failed, with both verdicts', () => {
    const drill = (database: 'passed' | 'failed') => {
      const run = buildRecovery({
        status: {
          phase: 'Succeeded',
          drill: {
            verdict: database,
            at: '2026-11-22T09:50:00.000Z',
            detail: 'restored into task t1',
            files: { verdict: 'passed', detail: 'task t1 started and answered' },
            database: {
              verdict: database,
              detail: database === 'passed' ? 'available' : 'never became available',
            },
          },
        },
      });
      return summarise({ ...run, spec: { ...run.spec, kind: 'drill' } });
    };

    const failed = drill('failed');
    const passed = drill('passed');

    expect(failed.subject).toBe(
      'lifeboat: Restore drill of blog FAILED (database) (20261122t093900z-1a2b3c4d)',
    );
    expect(failed.message).toContain('  database: failed — never became available');
    expect(failed.message).toContain('  files: passed — task t1 started and answered');
    expect(passed.subject).toBe('lifeboat: Restore drill of blog succeeded (20261122t093900z-1a2b3c4d)');
  });
});
