import type { Backup } from '../backup/model';
import { isTerminal } from '../backup/model';
import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { BackupUnusableError, NotFoundError, NotReadyError } from '../errors';
import { taskVolumeSelector } from '../tags/vocabulary';
import { toCandidate } from './candidates';
import { entry, journal } from './journal';
import type { Candidate, Recovery, TaskRef } from './model';
import type { RecoveryPorts } from './ports';
import { assertSandboxNotPromoted } from './start-recovery';

async function runRecord(ports: RecoveryPorts, site: Site, recoveryId: string): Promise<Recovery> {
  const recovery = await ports.catalog.getRecovery(site.name, recoveryId);
  if (recovery === undefined) {
    throw new NotFoundError(`recovery ${recoveryId} of site ${site.name} is not in the catalog`, {
      site: site.name,
      recoveryId,
    });
  }
  return recovery;
}

/**
 * Snapshots the live volume and database as they are now (kind `broken-state`, primary region only).
 * The backup's time is the run's start, so a retried task maps to the same backup and no second snapshot.
 */
export async function captureBrokenState(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  recoveryId: string,
): Promise<{ backupId: string }> {
  const started = clock.now();
  const recovery = await runRecord(ports, site, recoveryId);
  const backup = await ports.backups.start({
    site,
    kind: 'broken-state',
    at: new Date(recovery.status.startedAt),
    reason: `recovery ${recoveryId}: ${recovery.spec.trigger.summary}`,
    copyToDr: false,
  });
  await journal(
    ports.catalog,
    site.name,
    recoveryId,
    [entry('capture-broken-state', started, clock.now(), 'ok', false, { backupId: backup.id })],
    (r) => {
      r.status.brokenStateBackupId = backup.id;
    },
  );
  return { backupId: backup.id };
}

/**
 * Moves a backup one step forward and answers with its volume snapshot once it is usable;
 * NotReadyError while it is not (the state machine retries), BackupUnusableError if it never will be.
 */
export async function awaitBackup(ports: RecoveryPorts, site: Site, backupId: string): Promise<Candidate> {
  const backup: Backup = await ports.backups.advance(site, backupId);
  if (!isTerminal(backup.status.phase)) {
    throw new NotReadyError(`backup ${backupId} is ${backup.status.phase}`, { backupId });
  }
  const candidate = backup.status.phase === 'Failed' ? undefined : toCandidate(backup, site.run.volumeName);
  if (candidate === undefined) {
    throw new BackupUnusableError(
      `backup ${backupId} ended ${backup.status.phase} without a usable volume snapshot: ${backup.status.failureReason ?? 'no reason recorded'}`,
      { backupId, phase: backup.status.phase },
    );
  }
  return candidate;
}

/** The recovery whose sandbox a promote promotes: the one named, or the newest with a sandbox. */
async function sourceRecovery(
  ports: RecoveryPorts,
  site: Site,
  sourceRecoveryId?: string,
): Promise<Recovery> {
  if (sourceRecoveryId !== undefined) {
    const named = await runRecord(ports, site, sourceRecoveryId);
    if (named.status.sandbox === undefined) {
      throw new NotFoundError(`recovery ${sourceRecoveryId} of site ${site.name} has no sandbox to promote`, {
        site: site.name,
        recoveryId: sourceRecoveryId,
      });
    }
    return named;
  }
  for await (const recovery of ports.catalog.allRecoveries(site.name)) {
    if (recovery.spec.kind === 'recovery' && recovery.status.sandbox !== undefined) return recovery;
  }
  throw new NotFoundError(`site ${site.name} has no recovery with a sandbox to promote`, { site: site.name });
}

/**
 * The site as seen by a backup of a sandbox: its one volume is the sandbox task's volume (ECS tags
 * it at creation, see launch-task.ts), and the database is left alone.
 */
export function sandboxVolumeView(site: Site, sourceRecoveryId: string, stage: string): Site {
  return {
    ...site,
    protect: {
      ...site.protect,
      volumes: { tags: taskVolumeSelector(sourceRecoveryId, 'sandbox', stage) },
      database: undefined,
    },
  };
}

/**
 * Snapshots the sandbox's volume (kind `pre-promote`) and names the tasks the promote retires:
 * the source recovery's replacement and sandbox.
 */
export async function snapshotSandbox(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  recoveryId: string,
  sourceRecoveryId?: string,
): Promise<{ backupId: string; sourceRecoveryId: string; retire: TaskRef[] }> {
  const started = clock.now();
  const promote = await runRecord(ports, site, recoveryId);
  const source = await sourceRecovery(ports, site, sourceRecoveryId);
  await assertSandboxNotPromoted(ports.catalog, site.name, source.id, recoveryId);
  const backup = await ports.backups.start({
    site: sandboxVolumeView(site, source.id, ports.trust.stage),
    kind: 'pre-promote',
    at: new Date(promote.status.startedAt),
    reason: `promote ${recoveryId} of the sandbox of recovery ${source.id}`,
    copyToDr: false,
  });
  const retire = (source.status.tasks ?? [])
    .filter((t) => (t.role === 'sandbox' || t.taskArn === source.status.replacement?.taskArn) && !t.stoppedAt)
    .map((t) => ({ taskArn: t.taskArn, cluster: t.cluster, region: t.region }));
  await journal(
    ports.catalog,
    site.name,
    recoveryId,
    [entry('snapshot-sandbox', started, clock.now(), 'ok', true, { backupId: backup.id, source: source.id })],
    (r) => {
      r.status.knownGoodBackupId = backup.id;
      r.spec.options.sourceRecoveryId = source.id;
    },
  );
  return { backupId: backup.id, sourceRecoveryId: source.id, retire };
}
