import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { NotReadyError, TaskLaunchFailedError } from '../errors';
import { entry, journal } from './journal';
import { isCritical } from './launch-task';
import type { Attempt, Gate } from './model';
import { type RecoveryPorts, taskAddress } from './ports';

/** ECS statuses a task passes through before RUNNING. */
const STARTING = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING']);

/**
 * One round of a task's health gate: the task must be RUNNING, then answer `healthyThreshold`
 * probes in a row with the expected status, before the deadline. The state machine waits and calls
 * again while the verdict is `pending`; the final verdict is recorded on the run.
 */
export async function checkHealth(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  recoveryId: string,
  attempt: Attempt,
): Promise<Attempt> {
  if (attempt.gate.verdict !== 'pending') return attempt;
  const task = await ports.tasks(attempt.region).describeTask(attempt.cluster, attempt.taskArn);
  const gate: Gate = { ...attempt.gate, checks: attempt.gate.checks + 1 };
  const address = taskAddress(task);
  const endpoint = ports.endpointOf(task, site);
  if (task.lastStatus === 'RUNNING' && address !== undefined && endpoint !== undefined) {
    gate.address = address;
    const probe = await ports.probe({
      url: `${endpoint}${site.health.path}`,
      expectedStatus: site.health.expectedStatus,
      timeoutMs: site.health.timeoutSeconds * 1000,
    });
    gate.lastProbe = { status: probe.status, reason: probe.reason, elapsedMs: probe.elapsedMs };
    gate.consecutive = probe.healthy ? gate.consecutive + 1 : 0;
    if (gate.consecutive >= site.health.healthyThreshold) gate.verdict = 'healthy';
  } else if (!STARTING.has(task.lastStatus) && task.lastStatus !== 'RUNNING') {
    gate.verdict = 'unhealthy';
    gate.reason = `task is ${task.lastStatus}${task.stoppedReason ? `: ${task.stoppedReason}` : ''}`;
  }
  const now = clock.now();
  if (gate.verdict === 'pending' && now.getTime() >= new Date(gate.deadlineAt).getTime()) {
    gate.verdict = 'unhealthy';
    gate.reason = `not healthy within ${site.health.deadlineSeconds} s (last probe: ${gate.lastProbe?.reason ?? `task ${task.lastStatus}`})`;
  }
  const checked: Attempt = { ...attempt, gate };
  if (gate.verdict !== 'pending') await recordVerdict(ports, site, recoveryId, checked, now);
  return checked;
}

async function recordVerdict(
  ports: RecoveryPorts,
  site: Site,
  recoveryId: string,
  attempt: Attempt,
  now: Date,
) {
  const { gate } = attempt;
  const verdict = gate.verdict === 'healthy' ? 'healthy' : 'unhealthy';
  await journal(
    ports.catalog,
    site.name,
    recoveryId,
    [
      entry(
        `health-gate-${attempt.role}`,
        new Date(gate.startedAt),
        now,
        verdict === 'healthy' ? 'ok' : 'failed',
        isCritical(attempt.role),
        {
          taskArn: attempt.taskArn,
          backupId: attempt.backupId,
          checks: gate.checks,
          address: gate.address,
          reason: gate.reason,
        },
      ),
    ],
    (recovery) => {
      if (attempt.role === 'sandbox') return;
      const known = recovery.status.attempts.some((a) => a.taskArn === attempt.taskArn);
      if (!known) {
        recovery.status.attempts.push({
          backupId: attempt.backupId,
          taskArn: attempt.taskArn,
          address: gate.address,
          verdict,
        });
      }
      if (verdict === 'healthy' && isCritical(attempt.role) && gate.address !== undefined) {
        recovery.status.replacement = { taskArn: attempt.taskArn, address: gate.address };
        // After a walk-back the backup in use is this one, not the first pick.
        recovery.status.knownGoodBackupId = attempt.backupId;
      }
    },
  );
}

/**
 * Waits (NotReadyError) until a task that needs no health gate (the sandbox: it holds the broken
 * state) is RUNNING with an address, records it as the run's sandbox and returns the address.
 */
export async function awaitSandboxAddress(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  recoveryId: string,
  attempt: Attempt,
): Promise<{ taskArn: string; address: string }> {
  const task = await ports.tasks(attempt.region).describeTask(attempt.cluster, attempt.taskArn);
  const address = taskAddress(task);
  if (task.lastStatus === 'RUNNING' && address !== undefined) {
    await journal(
      ports.catalog,
      site.name,
      recoveryId,
      [
        entry('sandbox-running', new Date(attempt.launchedAt), clock.now(), 'ok', false, {
          taskArn: task.taskArn,
          address,
        }),
      ],
      (recovery) => {
        recovery.status.sandbox = { taskArn: task.taskArn, address, recordName: site.sandbox.recordName };
      },
    );
    return { taskArn: task.taskArn, address };
  }
  if (STARTING.has(task.lastStatus) || task.lastStatus === 'RUNNING') {
    throw new NotReadyError(`sandbox task is ${task.lastStatus}`, { taskArn: attempt.taskArn });
  }
  throw new TaskLaunchFailedError(
    `sandbox task is ${task.lastStatus}: ${task.stoppedReason ?? 'no reason given'}`,
    {
      taskArn: attempt.taskArn,
    },
  );
}
