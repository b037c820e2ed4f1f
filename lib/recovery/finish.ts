import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { entry, journal } from './journal';
import type { Recovery } from './model';
import type { RecoveryPorts } from './ports';
import { retireDatabases } from './restore-database';

export interface Failure {
  error: string;
  cause: string;
}

const seconds = (from: string, to: string | undefined) =>
  to === undefined ? undefined : Math.round((Date.parse(to) - Date.parse(from)) / 100) / 10;

/** A plain-text summary an operator can read in an email or a chat message. */
export function summarise(recovery: Recovery): { subject: string; message: string } {
  const { spec, status } = recovery;
  const what = spec.kind === 'promote' ? 'Promote' : spec.kind === 'drill' ? 'Restore drill' : 'Recovery';
  const drill = status.drill;
  // A drill that ran to the end but proved its backup unrestorable is no success to the operator.
  const ok = status.phase === 'Succeeded' && drill?.verdict !== 'failed';
  const failed = (['files', 'database'] as const).filter((part) => drill?.[part]?.verdict === 'failed');
  const outcome = ok
    ? 'succeeded'
    : drill?.verdict === 'failed'
      ? `FAILED${failed.length > 0 ? ` (${failed.join(' and ')})` : ''}`
      : 'FAILED';
  const subject = `lifeboat: ${what} of ${recovery.site} ${outcome} (${recovery.id})`;
  const lines = [
    `${what} ${recovery.id} of site ${recovery.site}: ${status.phase}.`,
    `Trigger: ${spec.trigger.source} — ${spec.trigger.summary} (outage began ${spec.trigger.outageStartedAt}).`,
  ];
  if (drill !== undefined) {
    lines.push(`Drill verdict: ${drill.verdict} — ${drill.detail}`);
    if (drill.files !== undefined) lines.push(`  files: ${drill.files.verdict} — ${drill.files.detail}`);
    if (drill.database !== undefined)
      lines.push(`  database: ${drill.database.verdict} — ${drill.database.detail}`);
  }
  if (status.failure !== undefined)
    lines.push(`Why it failed: ${status.failure.error}: ${status.failure.cause}`);
  if (status.knownGoodBackupId !== undefined) lines.push(`Backup used: ${status.knownGoodBackupId}.`);
  for (const a of status.attempts)
    lines.push(`  tried ${a.backupId}: ${a.verdict}${a.taskArn ? ` (task ${a.taskArn})` : ''}`);
  if (status.replacement !== undefined) {
    lines.push(`Serving from task ${status.replacement.taskArn} at ${status.replacement.address}.`);
  }
  if (status.dnsChange !== undefined) {
    const took = seconds(spec.trigger.receivedAt, status.dnsChange.insyncAt);
    lines.push(
      `DNS: ${status.dnsChange.recordName} -> ${status.dnsChange.value} (TTL ${status.dnsChange.ttl} s)${took === undefined ? ', not yet in sync' : `, in sync ${took} s after the alarm`}.`,
    );
  } else if (spec.kind !== 'drill') {
    lines.push('DNS was not changed.');
  }
  if (status.sandbox !== undefined) {
    lines.push(
      `Sandbox with the broken state: ${status.sandbox.recordName} -> ${status.sandbox.address} (task ${status.sandbox.taskArn}).`,
    );
  }
  if (status.brokenStateBackupId !== undefined)
    lines.push(`Broken state kept as backup ${status.brokenStateBackupId}.`);
  for (const d of status.databases ?? []) {
    const from =
      d.method === 'snapshot'
        ? `from snapshot ${d.snapshotId ?? '?'}${d.fellBack === undefined ? '' : ` (point in time not possible: ${d.fellBack})`}`
        : `to ${d.restoreTime ?? 'the latest restorable time'} of ${d.sourceId ?? 'the live database'}`;
    const now =
      d.retiredAt === undefined
        ? d.address === undefined
          ? 'not available yet'
          : `at ${d.address}`
        : `${d.retainUntil === undefined ? 'deleted' : `stopped until ${d.retainUntil}`}${d.finalSnapshotId === undefined ? '' : `, final snapshot ${d.finalSnapshotId}`}`;
    lines.push(
      `Database for the ${d.role} (backup ${d.backupId}): ${d.identifier} restored ${from}; ${now}.`,
    );
  }
  lines.push('', 'Timeline:');
  for (const t of status.timeline) {
    const took = seconds(t.startedAt, t.endedAt);
    lines.push(
      `  ${t.critical ? '*' : ' '} ${t.step}: ${t.outcome ?? 'running'}${took === undefined ? '' : ` in ${took} s`}`,
    );
  }
  return { subject, message: lines.join('\n') };
}

/**
 * Tells the operator the site is back as soon as DNS is in sync, without waiting for the sandbox
 * (whose broken-state snapshot may take many minutes); finishRun sends the full summary later.
 */
export async function announceRestored(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  recoveryId: string,
): Promise<{ subject: string }> {
  const started = clock.now();
  const recovery = await ports.catalog.getRecovery(site.name, recoveryId);
  if (recovery === undefined) return { subject: '' };
  const { message } = summarise(recovery);
  const subject = `lifeboat: ${site.name} is back on ${recovery.status.knownGoodBackupId ?? 'a known-good backup'} (${recoveryId})`;
  await ports.notifier.publish(
    subject,
    `${message}

The sandbox and the final summary follow.`,
  );
  await journal(ports.catalog, site.name, recoveryId, [
    entry('notify-restored', started, clock.now(), 'ok', false),
  ]);
  return { subject };
}

/**
 * Ends a run. On failure it first rolls back: every task the run launched is stopped, except the
 * sandbox (kept for debugging) and a task DNS already points at (it passed the gate; stopping it
 * would take the site down again); every database it restored is deleted after a final snapshot,
 * except the sandbox's and the one the serving task runs on. Then it records the outcome, notifies and releases the lock.
 * A run already ended is not ended (or notified) twice.
 */
export async function finishRun(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  recoveryId: string,
  failure?: Failure,
): Promise<{ phase: Recovery['status']['phase']; subject: string; stopped: string[] }> {
  const started = clock.now();
  const before = await ports.catalog.getRecovery(site.name, recoveryId);
  if (before === undefined) {
    // Nothing was recorded (the run failed before its record existed): nothing to roll back or release.
    return {
      phase: 'Failed',
      subject: `lifeboat: run ${recoveryId} of ${site.name} failed before it began`,
      stopped: [],
    };
  }
  if (before.status.phase !== 'Running') {
    // A retry after the record was written: only the lock may still need releasing.
    if (before.spec.kind !== 'drill') await ports.catalog.releaseLock(site.name, recoveryId);
    return { phase: before.status.phase, subject: summarise(before).subject, stopped: [] };
  }
  const stopped: string[] = [];
  const serving = before.status.dnsChange === undefined ? undefined : before.status.replacement?.taskArn;
  if (failure !== undefined) {
    for (const task of before.status.tasks ?? []) {
      if (task.role === 'sandbox' || task.stoppedAt !== undefined || task.taskArn === serving) continue;
      await ports
        .tasks(task.region)
        .stopTask(task.cluster, task.taskArn, `lifeboat ${recoveryId} failed: ${failure.error}`);
      stopped.push(task.taskArn);
    }
  }
  // Restored databases never stay behind billing: only the one the site now runs on, and the
  // sandbox's (kept with the sandbox), survive the run.
  const servingBackup = (before.status.tasks ?? []).find((t) => t.taskArn === serving)?.backupId;
  await retireDatabases(
    ports,
    clock,
    site,
    before,
    (d) => d.role !== 'sandbox' && !(d.role === 'replacement' && d.backupId === servingBackup),
  );
  const ended = clock.now();
  const recovery = await journal(
    ports.catalog,
    site.name,
    recoveryId,
    [
      entry(
        failure === undefined ? 'finish' : 'rollback',
        started,
        ended,
        failure === undefined ? 'ok' : 'failed',
        false,
        { stopped },
      ),
    ],
    (r) => {
      r.status.phase = failure === undefined ? 'Succeeded' : 'Failed';
      r.status.endedAt = ended.toISOString();
      if (failure !== undefined) r.status.failure = failure;
      for (const t of r.status.tasks ?? [])
        if (stopped.includes(t.taskArn)) t.stoppedAt ??= ended.toISOString();
    },
  );
  const summary = summarise(recovery);
  await ports.notifier.publish(summary.subject, summary.message);
  if (recovery.spec.kind !== 'drill') await ports.catalog.releaseLock(site.name, recoveryId);
  return { phase: recovery.status.phase, subject: summary.subject, stopped };
}
