import { AwsCallError, ConfigError, InvalidInputError } from '../../lib/errors';
import type { RunTaskRequest, TaskPort } from '../../lib/recovery/ports';
import type { RecoveryContext } from '../../lib/recovery/steps';
import { runStateMachineLocally } from '../../local/local-runner';
import { entered, outputsOf, recoveryInput } from './support/executions';
import { RecoveryWorld } from './support/recovery-world';
import { SteppingClock } from './support/stepping-clock';

/** The alarm's input for the world's site, received 30 s into the outage. */
function alarm(world: RecoveryWorld, options: Record<string, unknown> = {}) {
  return recoveryInput(world.site.name, { receivedAt: '2026-11-22T09:39:30Z', options });
}

/** The context with RunTask failing as `refuse` says for a request (undefined: ECS runs it). */
function refusingLaunches(ctx: RecoveryContext, refuse: (request: RunTaskRequest) => Error | undefined) {
  const tasks = (region: string): TaskPort => {
    const real = ctx.ports.tasks(region);
    return {
      runTask: (request) => {
        const error = refuse(request);
        return error === undefined ? real.runTask(request) : Promise.reject(error);
      },
      describeTask: (cluster, taskArn) => real.describeTask(cluster, taskArn),
      stopTask: (cluster, taskArn, reason) => real.stopTask(cluster, taskArn, reason),
      ingressOf: (groupIds) => real.ingressOf(groupIds),
    };
  };
  return { ...ctx, ports: { ...ctx.ports, tasks } };
}

describe('recovery state machine (aws-local-stepfunctions, real steps on moto)', () => {
  let world: RecoveryWorld;

  beforeEach(async () => {
    world = await new RecoveryWorld().setUp();
  });

  afterEach(async () => {
    await world.close();
  });

  const recover = (input: unknown, executionName?: string) =>
    world.run('recovery', input, '2026-11-22T09:40:00Z', executionName);

  it('happy path: restores the newest backup before the outage, switches DNS after the gate, opens the sandbox', async () => {
    await world.completedBackup('2026-11-20T02:00:00Z');
    const newest = await world.completedBackup('2026-11-22T02:00:00Z');
    await world.completedBackup('2026-11-22T10:00:00Z'); // after the outage began: never trusted
    const input = alarm(world);

    const run = await recover(input, `${world.site.name}-${input.recoveryId}`);

    expect(run.status).toBe('SUCCEEDED');
    const states = entered(run.events);
    expect(states).toEqual(
      expect.arrayContaining([
        'Begin',
        'PickKnownGood',
        'LaunchReplacement',
        'CheckReplacement',
        'SwitchDns',
        'AwaitDns',
        'AnnounceRestored',
        'CaptureBrokenState',
        'LaunchSandbox',
        'SwitchSandboxDns',
        'Finish',
      ]),
    );
    expect(states).not.toContain('RejectUnhealthy');
    // DNS moves only after the gate said healthy.
    expect(states.lastIndexOf('CheckReplacement')).toBeLessThan(states.indexOf('SwitchDns'));

    const recovery = await world.catalog.getRecovery(world.site.name, input.recoveryId);
    expect(recovery?.status.phase).toBe('Succeeded');
    expect(recovery?.status.executionArn).toMatch(
      new RegExp(`:execution:recovery:${world.site.name}-${input.recoveryId}$`),
    );
    expect(recovery?.status.knownGoodBackupId).toBe(newest.id);
    expect(recovery?.status.attempts).toEqual([
      expect.objectContaining({ backupId: newest.id, verdict: 'healthy' }),
    ]);
    const replacement = recovery?.status.replacement;
    expect(await world.aRecord(world.site.dns.recordName)).toEqual({ value: replacement?.address, ttl: 60 });
    expect(recovery?.status.dnsChange?.insyncAt).toBeDefined();
    expect(await world.aRecord(world.site.sandbox.recordName)).toEqual({
      value: recovery?.status.sandbox?.address,
      ttl: 60,
    });
    expect(recovery?.status.timeline.map((t) => t.step)).toEqual(
      expect.arrayContaining([
        'begin',
        'pick-known-good',
        'launch-replacement',
        'health-gate-replacement',
        'switch-dns-site',
        'dns-insync-site',
        'capture-broken-state',
        'launch-sandbox',
        'finish',
      ]),
    );
    expect(recovery?.status.timeline.filter((t) => t.critical).map((t) => t.step)).not.toContain(
      'capture-broken-state',
    );

    const tasks = await world.tasks();
    expect(tasks.map((t) => [t.tags['lifeboat:role'], t.lastStatus]).sort()).toEqual([
      ['replacement', 'RUNNING'],
      ['sandbox', 'RUNNING'],
    ]);
    const broken = await world.catalog.getBackup(world.site.name, recovery?.status.brokenStateBackupId ?? '');
    expect(broken?.spec.kind).toBe('broken-state');
    expect(broken?.status.parts.map((p) => p.sourceId)).toEqual([world.liveVolumeId]);
    expect(await world.catalog.readLock(world.site.name)).toBeUndefined();
    // The operator hears the site is back as soon as DNS is in sync, then gets the full summary.
    const notes = await world.notifications();
    expect(notes.map((n) => n.subject)).toEqual([
      `lifeboat: ${world.site.name} is back on ${newest.id} (${input.recoveryId})`,
      `lifeboat: Recovery of ${world.site.name} succeeded (${input.recoveryId})`,
    ]);
    expect(notes[1]?.message).toContain(`Sandbox with the broken state: ${world.site.sandbox.recordName}`);
  });

  it('first backup unhealthy: stops its task, walks back to the previous backup and recovers from it', async () => {
    const older = await world.completedBackup('2026-11-21T02:00:00Z', 'healthy');
    const newest = await world.completedBackup('2026-11-22T02:00:00Z', 'unhealthy');
    const input = alarm(world, { skipSandbox: true });

    const run = await recover(input);

    expect(run.status).toBe('SUCCEEDED');
    const launched = outputsOf(run.events, 'LaunchReplacement') as { attempt: { backupId: string } }[];
    expect(launched.map((state) => state.attempt.backupId)).toEqual([newest.id, older.id]);
    expect(entered(run.events)).toContain('RejectUnhealthy');
    const recovery = await world.catalog.getRecovery(world.site.name, input.recoveryId);
    expect(recovery?.status.attempts.map((a) => [a.backupId, a.verdict])).toEqual([
      [newest.id, 'unhealthy'],
      [older.id, 'healthy'],
    ]);
    const tasks = await world.tasks();
    const byBackup = Object.fromEntries(tasks.map((t) => [t.tags['lifeboat:backup-id'], t.lastStatus]));
    expect(byBackup).toEqual({ [newest.id]: 'STOPPED', [older.id]: 'RUNNING' });
    expect((await world.aRecord(world.site.dns.recordName))?.value).toBe(
      recovery?.status.replacement?.address,
    );
    expect(recovery?.status.attempts[1]?.taskArn).toBe(recovery?.status.replacement?.taskArn);
    expect(recovery?.status.knownGoodBackupId).toBe(older.id);
  });

  it('a snapshot that cannot make a volume: walks back to the previous backup without a task to stop', async () => {
    const older = await world.completedBackup('2026-11-21T02:00:00Z', 'healthy');
    const newest = await world.completedBackup('2026-11-22T02:00:00Z', 'healthy');
    const broken = newest.status.parts[0]?.snapshotId ?? '';
    const input = alarm(world, { skipSandbox: true });
    const context = refusingLaunches(world.context(new SteppingClock('2026-11-22T09:40:00Z')), (request) =>
      request.volume.snapshotId === broken
        ? new AwsCallError(
            `ECS RunTask failed: InvalidParameterException: snapshot ${broken} is not available`,
            {
              code: 'InvalidParameterException',
            },
          )
        : undefined,
    );

    const run = await runStateMachineLocally({ machine: 'recovery', input, context });

    expect(run.status).toBe('SUCCEEDED');
    expect(entered(run.events)).toContain('RejectUnlaunched');
    const recovery = await world.catalog.getRecovery(world.site.name, input.recoveryId);
    expect(recovery?.status.attempts.map((a) => [a.backupId, a.verdict])).toEqual([
      [newest.id, 'launch-failed'],
      [older.id, 'healthy'],
    ]);
    expect(recovery?.status.knownGoodBackupId).toBe(older.id);
    expect((await world.aRecord(world.site.dns.recordName))?.value).toBe(
      recovery?.status.replacement?.address,
    );
  });

  it.each([
    {
      name: 'AccessDenied',
      error: new AwsCallError(
        'ECS RunTask failed: AccessDeniedException: not authorized to perform iam:PassRole',
        {
          code: 'AccessDeniedException',
        },
      ),
    },
    {
      name: 'a config error',
      error: new ConfigError('task definition blog-wordpress has no volume wp-content'),
    },
    { name: 'invalid input', error: new InvalidInputError('invalid RunTask request: subnets: required') },
  ])(
    'a launch refused for $name is not a bad backup: fails the recovery without walking back, DNS untouched',
    async ({ error }) => {
      await world.completedBackup('2026-11-20T02:00:00Z', 'healthy'); // would be next: never tried
      const refused = await world.completedBackup('2026-11-21T02:00:00Z', 'healthy');
      const newest = await world.completedBackup('2026-11-22T02:00:00Z', 'unhealthy');
      const input = alarm(world, { skipSandbox: true });
      const context = refusingLaunches(world.context(new SteppingClock('2026-11-22T09:40:00Z')), (request) =>
        request.tags['lifeboat:backup-id'] === refused.id ? error : undefined,
      );

      const run = await runStateMachineLocally({ machine: 'recovery', input, context });

      expect(run.status).toBe('FAILED');
      expect(run.error).toBe(error.name);
      const states = entered(run.events);
      expect(states.filter((s) => s === 'LaunchReplacement')).toHaveLength(2);
      expect(states).toEqual(expect.arrayContaining(['RejectUnhealthy', 'FinishFailed', 'RecoveryFailed']));
      expect(states).not.toContain('RejectUnlaunched');
      expect(states).not.toContain('SwitchDns');
      expect(await world.aRecord(world.site.dns.recordName)).toBeUndefined();

      const recovery = await world.catalog.getRecovery(world.site.name, input.recoveryId);
      expect(recovery?.status.phase).toBe('Failed');
      expect(recovery?.status.failure?.error).toBe(error.name);
      expect(recovery?.status.attempts.map((a) => [a.backupId, a.verdict])).toEqual([
        [newest.id, 'unhealthy'],
      ]);
      const replacements = (await world.tasks()).filter((t) => t.tags['lifeboat:role'] === 'replacement');
      expect(replacements.map((t) => [t.tags['lifeboat:backup-id'], t.lastStatus])).toEqual([
        [newest.id, 'STOPPED'],
      ]);
      expect(await world.catalog.readLock(world.site.name)).toBeUndefined();
      const notes = await world.notifications();
      expect(notes.map((n) => n.subject)).toEqual([expect.stringContaining('FAILED')]);
      expect(notes[0]?.message).toContain('DNS was not changed');
    },
  );

  it('every candidate unhealthy or slow: DNS untouched, every replacement stopped, failure recorded and notified', async () => {
    await world.completedBackup('2026-11-19T02:00:00Z', 'healthy'); // beyond maxWalkBack (2): never tried
    await world.completedBackup('2026-11-20T02:00:00Z', 'unhealthy');
    await world.completedBackup('2026-11-21T02:00:00Z', 'slow');
    await world.completedBackup('2026-11-22T02:00:00Z', 'unhealthy');
    const input = alarm(world);

    const run = await recover(input);

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('HealthGateFailedError');
    expect(entered(run.events)).toEqual(
      expect.arrayContaining(['NoHealthyBackup', 'FinishFailed', 'RecoveryFailed']),
    );
    expect(entered(run.events)).not.toContain('SwitchDns');
    expect(await world.aRecord(world.site.dns.recordName)).toBeUndefined();

    const recovery = await world.catalog.getRecovery(world.site.name, input.recoveryId);
    expect(recovery?.status.phase).toBe('Failed');
    expect(recovery?.status.failure?.error).toBe('HealthGateFailedError');
    expect(recovery?.status.attempts.map((a) => a.verdict)).toEqual(['unhealthy', 'unhealthy', 'unhealthy']);
    expect(recovery?.status.dnsChange).toBeUndefined();
    const replacements = (await world.tasks()).filter((t) => t.tags['lifeboat:role'] === 'replacement');
    expect(replacements).toHaveLength(3);
    expect(replacements.every((t) => t.lastStatus === 'STOPPED')).toBe(true);
    expect(await world.catalog.readLock(world.site.name)).toBeUndefined();
    const notes = await world.notifications();
    expect(notes.map((n) => n.subject)).toEqual([expect.stringContaining('FAILED')]);
    expect(notes[0]?.message).toContain('DNS was not changed');
  });

  it('lock held by another recovery: fails with SiteLockedError and changes nothing', async () => {
    await world.completedBackup('2026-11-22T02:00:00Z');
    await world.catalog.acquireLock(
      world.site.name,
      '20261122t090000z-0badf00d',
      new Date('2026-11-22T09:00:00Z'),
      4 * 3600_000,
    );
    const input = alarm(world);

    const run = await recover(input);

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('SiteLockedError');
    expect(entered(run.events)).toEqual(['Begin', 'BeginFailed', 'RecoveryFailed']);
    expect(await world.tasks()).toEqual([]);
    expect((await world.catalog.readLock(world.site.name))?.holder).toBe('20261122t090000z-0badf00d');
    const recovery = await world.catalog.getRecovery(world.site.name, input.recoveryId);
    expect(recovery?.status.phase).toBe('Failed');
    expect(recovery?.status.failure?.error).toBe('SiteLockedError');
  });

  it('dry run: plans the backup, task definition and record, and changes nothing', async () => {
    const newest = await world.completedBackup('2026-11-22T02:00:00Z');
    const input = alarm(world, { dryRun: true });

    const run = await recover(input);

    expect(run.status).toBe('SUCCEEDED');
    expect(entered(run.events)).toEqual(['Begin', 'IsDryRun', 'PlanRecovery', 'DryRunDone']);
    expect((run.output as { plan: { plan: unknown } }).plan.plan).toMatchObject({
      backup: { backupId: newest.id },
      launch: {
        taskDefinition: world.site.run.taskDefinition,
        snapshotId: newest.status.parts[0]?.snapshotId,
      },
      dns: { recordName: world.site.dns.recordName, ttl: 60 },
    });
    expect(await world.catalog.getRecovery(world.site.name, input.recoveryId)).toBeUndefined();
    expect(await world.catalog.readLock(world.site.name)).toBeUndefined();
    expect(await world.tasks()).toEqual([]);
  });
});
