import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { entry, journal } from './journal';
import type { Attempt, CandidateQueue } from './model';
import type { RecoveryPorts } from './ports';
import { retireDatabases } from './restore-database';

/**
 * Gives up on the queue's next candidate: stops its task (if it got one), retires the database
 * restored for it (after a final snapshot) and records why, then returns the queue without it, so
 * the state machine walks back to the next older backup, its files and database together.
 * `attempt` is only this candidate's if it was launched from it (a launch failure leaves the previous one).
 */
export async function rejectCandidate(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  recoveryId: string,
  queue: CandidateQueue,
  attempt: Attempt | undefined,
  launchError?: string,
): Promise<CandidateQueue> {
  const started = clock.now();
  const rejected = queue.next;
  const own =
    attempt !== undefined && rejected !== undefined && attempt.backupId === rejected.backupId
      ? attempt
      : undefined;
  if (own !== undefined) {
    await ports
      .tasks(own.region)
      .stopTask(
        own.cluster,
        own.taskArn,
        `lifeboat: failed the health gate (${own.gate.reason ?? 'unhealthy'})`,
      );
  }
  const recorded =
    rejected === undefined ? undefined : await ports.catalog.getRecovery(site.name, recoveryId);
  if (recorded !== undefined && rejected !== undefined) {
    await retireDatabases(
      ports,
      clock,
      site,
      recorded,
      (d) => d.role === 'replacement' && d.backupId === rejected.backupId,
    );
  }
  const [next, ...rest] = queue.rest;
  await journal(
    ports.catalog,
    site.name,
    recoveryId,
    [
      entry('walk-back', started, clock.now(), 'ok', true, {
        rejected: rejected?.backupId,
        taskArn: own?.taskArn,
        reason: own?.gate.reason ?? launchError,
        next: next?.backupId,
      }),
    ],
    (recovery) => {
      if (rejected !== undefined && own === undefined) {
        recovery.status.attempts.push({ backupId: rejected.backupId, verdict: 'launch-failed' });
      }
      for (const task of recovery.status.tasks ?? []) {
        if (task.taskArn === own?.taskArn) task.stoppedAt ??= clock.now().toISOString();
      }
    },
  );
  return next === undefined ? { rest: [] } : { next, rest };
}
