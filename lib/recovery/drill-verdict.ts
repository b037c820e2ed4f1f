import { z } from 'zod';
import type { DrillPartVerdict, DrillVerdict } from '../backup/model';
import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { NotReadyError } from '../errors';
import { entry, journal } from './journal';
import {
  type Attempt,
  type Candidate,
  caughtErrorSchema,
  type RestoredDatabase,
  restoredDatabaseSchema,
} from './model';
import type { RecoveryPorts } from './ports';
import { retireDatabases } from './restore-database';

/**
 * The database a drill's task ran against, as the drill state machine hands it on: the restored
 * one, or `keep` (nothing restored: the backup has no DB snapshot, or `failure` says why its
 * restore failed, caught by the state machine so that the files are still drilled).
 */
export const drillDatabaseSchema = z.union([
  restoredDatabaseSchema,
  z.object({ method: z.literal('keep'), failure: caughtErrorSchema.optional() }),
]);
export type DrillDatabase = z.infer<typeof drillDatabaseSchema>;

/** Lambda errors reach a Catch as `{"errorMessage": ...}` in Cause; local runs give the message itself. */
function causeOf(failure: { Error: string; Cause?: string }): string {
  try {
    const doc = JSON.parse(failure.Cause ?? '') as { errorMessage?: unknown };
    if (typeof doc.errorMessage === 'string') return `${failure.Error}: ${doc.errorMessage}`;
  } catch {
    // a plain message
  }
  return `${failure.Error}: ${failure.Cause ?? 'no cause given'}`;
}

function filesVerdict(attempt: Attempt): DrillPartVerdict {
  const from = `task ${attempt.taskArn} from volume snapshot ${attempt.snapshotId}`;
  return attempt.gate.verdict === 'healthy'
    ? { verdict: 'passed', detail: `${from} started and answered (${attempt.gate.checks} checks)` }
    : { verdict: 'failed', detail: `${from}: ${attempt.gate.reason ?? 'unhealthy'}` };
}

/** The health gate's last probe, as the evidence that the site answered with the restored database. */
function probeEvidence(site: Site, attempt: Attempt, database: RestoredDatabase): string {
  const probe = attempt.gate.lastProbe;
  const answered =
    probe === undefined
      ? 'no probe answered'
      : `answered ${probe.status ?? probe.reason ?? '?'} in ${probe.elapsedMs} ms`;
  return `GET ${site.health.path} (expected ${site.health.expectedStatus}) ${answered}, ${attempt.gate.consecutive} healthy in a row, with ${site.recovery.databaseHostVariable}=${database.address ?? '?'}`;
}

function restoredFrom(database: RestoredDatabase): string {
  return database.method === 'snapshot'
    ? `DB snapshot ${database.snapshotId ?? '?'}`
    : `${database.sourceId ?? 'the live database'} at ${database.restoreTime ?? 'its latest restorable time'}`;
}

/**
 * The database half: passed when the restored database became available and the site answered
 * with it (the health gate's probe); undefined when no database was drilled (the site protects
 * none, or the backup has no DB snapshot).
 */
function databaseVerdict(
  site: Site,
  attempt: Attempt,
  database: DrillDatabase | undefined,
): DrillPartVerdict | undefined {
  if (site.protect.database === undefined) return undefined;
  if (database === undefined || database.method === 'keep') {
    // No failure: the backup has no DB snapshot (e.g. a pre-promote one), so only its files were
    // drilled; readiness warns that the database was not proven.
    if (database?.failure === undefined) return undefined;
    return { verdict: 'failed', detail: `the database did not restore: ${causeOf(database.failure)}` };
  }
  const identifier = database.identifier;
  const restored = `${identifier} restored from ${restoredFrom(database)}`;
  if (database.address === undefined) {
    return { verdict: 'failed', identifier, detail: `${restored} never became available` };
  }
  const available = `${restored}, available at ${database.address}${database.availableAt === undefined ? '' : ` after ${Math.round((Date.parse(database.availableAt) - Date.parse(database.startedAt)) / 1000)} s`}`;
  const evidence = probeEvidence(site, attempt, database);
  return attempt.gate.verdict === 'healthy'
    ? { verdict: 'passed', identifier, evidence, detail: `${available}; the site answered with it` }
    : {
        verdict: 'failed',
        identifier,
        evidence,
        detail: `${available}, but the site did not answer with it: ${attempt.gate.reason ?? 'unhealthy'}`,
      };
}

/**
 * Records on the backup and on the drill's record whether the backup restores: its files (the task
 * from its volume snapshot passed the health gate) and its database (restored, available, and the
 * site answered with it); the drill passes only when both did. Without `attempt` no task was
 * started: the database did not restore, and a drill's task never runs against the live database.
 */
export async function recordDrillVerdict(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  recoveryId: string,
  drilled: { attempt: Attempt } | { candidate: Candidate },
  database?: DrillDatabase,
): Promise<DrillVerdict> {
  const started = clock.now();
  const attempt = 'attempt' in drilled ? drilled.attempt : undefined;
  const backupId = 'attempt' in drilled ? drilled.attempt.backupId : drilled.candidate.backupId;
  const files = attempt === undefined ? undefined : filesVerdict(attempt);
  const db =
    attempt === undefined
      ? {
          verdict: 'failed' as const,
          detail: `the database did not restore: ${database?.method === 'keep' && database.failure !== undefined ? causeOf(database.failure) : 'no restore'}`,
        }
      : databaseVerdict(site, attempt, database);
  const passed = files?.verdict === 'passed' && (db === undefined || db.verdict === 'passed');
  const ran =
    attempt === undefined
      ? 'no task started: a drill never runs the files against the live database'
      : attempt.gate.verdict === 'healthy'
        ? `restored into task ${attempt.taskArn}, healthy after ${attempt.gate.checks} checks`
        : `restored into task ${attempt.taskArn}, ${attempt.gate.reason ?? 'unhealthy'}`;
  const verdict: DrillVerdict = {
    verdict: passed ? 'passed' : 'failed',
    at: started.toISOString(),
    detail: `${ran} (drill ${recoveryId})${db === undefined ? '' : `; database ${db.verdict}: ${db.detail}`}`,
    ...(files === undefined ? {} : { files }),
    ...(db === undefined ? {} : { database: db }),
    drillId: recoveryId,
  };
  await ports.catalog.updateBackup(site.name, backupId, (backup) => {
    backup.status.drill = verdict;
    return backup;
  });
  await journal(
    ports.catalog,
    site.name,
    recoveryId,
    [
      entry('record-drill-verdict', started, clock.now(), passed ? 'ok' : 'failed', false, {
        backupId,
        verdict: verdict.verdict,
        ...(files === undefined ? {} : { files: files.verdict }),
        ...(db === undefined ? {} : { database: db.verdict, databaseDetail: db.detail }),
      }),
    ],
    (r) => {
      r.status.drill = verdict;
    },
  );
  return verdict;
}

/**
 * Deletes the databases a drill restored, without a final snapshot and only once AWS shows them
 * tagged as this drill's; NotReadyError (called again later) while RDS cannot delete one yet.
 */
export async function discardDrillDatabases(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  recoveryId: string,
): Promise<{ discarded: string[] }> {
  const recovery = await ports.catalog.getRecovery(site.name, recoveryId);
  if (recovery === undefined) return { discarded: [] };
  const drilled = (d: RestoredDatabase) => d.role === 'drill';
  const { retired } = await retireDatabases(ports, clock, site, recovery, drilled);
  const left = (recovery.status.databases ?? [])
    .filter((d) => drilled(d) && d.retiredAt === undefined && !retired.includes(d.identifier))
    .map((d) => d.identifier);
  if (left.length > 0) {
    throw new NotReadyError(`RDS cannot delete the drill's database yet: ${left.join(', ')}`, { left });
  }
  return { discarded: retired };
}
