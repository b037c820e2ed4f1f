import {
  AwsCallError,
  ConfigError,
  SandboxExposedError,
  SnapshotRestoreFailedError,
  TaskLaunchFailedError,
} from '../../../lib/errors';
import { asSnapshotFailure, launchTask } from '../../../lib/recovery/launch-task';
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

  it("turns a RunTask refused for the candidate's snapshot into SnapshotRestoreFailedError (walk back)", async () => {
    fakes.tasks.runTask = async () => {
      throw new AwsCallError(
        'ECS RunTask failed: InvalidParameterException: snapshot snap-0abc is not available',
        {
          code: 'InvalidParameterException',
        },
      );
    };

    const launch = launchTask(fakes.ports, clock, site, recovery.id, 'replacement', candidate);

    await expect(launch).rejects.toBeInstanceOf(SnapshotRestoreFailedError);
    await expect(launch).rejects.toThrow(
      /backup 20261122t020000z-scheduled cannot be created from snapshot snap-0abc/,
    );
  });

  it.each([
    {
      name: 'an EC2 snapshot code',
      error: new AwsCallError('EC2 failed', { code: 'InvalidSnapshot.NotFound' }),
      walksBack: true,
    },
    {
      name: 'ECS naming the snapshot',
      error: new TaskLaunchFailedError('ECS RunTask started no task: snap-0abc missing'),
      walksBack: true,
    },
    {
      name: 'AccessDenied, even naming the snapshot',
      error: new AwsCallError('ECS RunTask failed: AccessDeniedException: not allowed on snap-0abc', {
        code: 'AccessDeniedException',
      }),
      walksBack: false,
    },
    {
      name: 'no capacity',
      error: new TaskLaunchFailedError('ECS RunTask started no task: RESOURCE:ENI'),
      walksBack: false,
    },
    { name: 'a config error', error: new ConfigError('bad task definition'), walksBack: false },
    { name: 'anything else', error: new Error('boom'), walksBack: false },
  ])('$name: walks back $walksBack', ({ error, walksBack }) => {
    const classified = asSnapshotFailure(error, candidate);

    expect(classified instanceof SnapshotRestoreFailedError).toBe(walksBack);
    if (!walksBack) expect(classified).toBe(error);
  });
});
