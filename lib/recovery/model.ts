import { z } from 'zod';
import { drillVerdictSchema } from '../backup/model';
import { databaseModeSchema } from '../config/schema';
import { isLifeboatId } from '../ids';

/**
 * The recovery's shapes, each written once as a zod schema: the Recovery record
 * (`sites/<site>/recoveries/...json`, parsed on every read by lib/catalog/catalog.ts) and what the
 * recovery, promote and drill state machines pass between their steps (parsed by
 * lib/recovery/steps.ts). Types are inferred from the schemas.
 */

const isoTime = z.iso.datetime({ offset: true });
const nonEmpty = z.string().min(1);

/** What started a recovery or promote. */
export const triggerSourceSchema = z.enum(['pingdom', 'cloudwatch', 'manual']);
export type TriggerSource = z.infer<typeof triggerSourceSchema>;

export const recoveryKindSchema = z.enum(['recovery', 'promote', 'drill']);
export type RecoveryKind = z.infer<typeof recoveryKindSchema>;

/** Running until the state machine ends; Succeeded or Failed after. */
export const recoveryPhaseSchema = z.enum(['Running', 'Succeeded', 'Failed']);
export type RecoveryPhase = z.infer<typeof recoveryPhaseSchema>;

/** What the trigger said: in the execution input, on every step's run header and on the record. */
export const triggerSchema = z.object({
  source: triggerSourceSchema,
  /** Stable key of the incident (check id + state change time, alarm + transition time, ...). */
  incidentKey: nonEmpty,
  /** When the outage began according to the trigger. */
  outageStartedAt: isoTime,
  receivedAt: isoTime,
  summary: z.string(),
});
export type Trigger = z.infer<typeof triggerSchema>;

export const recoveryOptionsSchema = z.object({
  dryRun: z.boolean().default(false),
  backupId: nonEmpty.optional(),
  skipSandbox: z.boolean().default(false),
  /** What the replacement runs against (default: the site's recovery.database). */
  database: databaseModeSchema.default('keep'),
  /** Promote only: the recovery whose sandbox is promoted (default: the newest one with a sandbox). */
  sourceRecoveryId: nonEmpty.optional(),
  /** Promote only: go ahead although the replacement changed blocks or data since it was launched. */
  discardChanges: z.boolean().optional(),
  /** Promote only: the database the final task runs against (default: the sandbox's). */
  promoteDatabase: z.enum(['sandbox', 'replacement']).optional(),
});
export type RecoveryOptions = z.infer<typeof recoveryOptionsSchema>;

export const recoveryIdSchema = z
  .string()
  .refine(isLifeboatId, 'a lifeboat id such as 20261122t093900z-1a2b3c4d');

/** One step of the timeline: what ran, when, how it ended and the ids it touched. */
export const timelineEntrySchema = z.object({
  step: nonEmpty,
  startedAt: z.string(),
  endedAt: z.string().optional(),
  outcome: z.enum(['ok', 'failed', 'skipped']).optional(),
  /** True for steps between alarm and DNS switch (launch, health gate, DNS). */
  critical: z.boolean().optional(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

/** Why a task was launched: the recovery's candidate, the sandbox, a promote's final task, a drill. */
export const taskRoleSchema = z.enum(['replacement', 'sandbox', 'final', 'drill']);
export type TaskRole = z.infer<typeof taskRoleSchema>;

/** Where a task runs: enough to describe or stop it. */
export const taskRefSchema = z.object({ taskArn: nonEmpty, cluster: nonEmpty, region: nonEmpty });
export type TaskRef = z.infer<typeof taskRefSchema>;

const launchedFromSchema = taskRefSchema.extend({
  role: taskRoleSchema,
  backupId: nonEmpty,
  snapshotId: nonEmpty,
  launchedAt: isoTime,
});

/** A task launched by a recovery, promote or drill, as the record keeps it. */
export const launchedTaskSchema = launchedFromSchema.extend({ stoppedAt: z.string().optional() });
export type LaunchedTask = z.infer<typeof launchedTaskSchema>;

/** An RDS DB instance or an Aurora cluster (the kinds of a backup's database part). */
export const databaseKindSchema = z.enum(['rds-instance', 'rds-cluster']);
export type DatabaseKind = z.infer<typeof databaseKindSchema>;

/** How a database was restored: from a backup's DB snapshot, or to a point in time of the live one. */
export const restoreMethodSchema = z.enum(['snapshot', 'point-in-time']);

/**
 * A database a recovery restored for one of its tasks, as the steps pass it on and the record keeps
 * it: where it came from, and (once available) the address the task is started against.
 */
export const restoredDatabaseSchema = z.object({
  role: taskRoleSchema,
  backupId: nonEmpty,
  kind: databaseKindSchema,
  /** The restored DB instance, or the restored Aurora cluster. */
  identifier: nonEmpty,
  /** Aurora: the instance created in the restored cluster. */
  instanceIdentifier: nonEmpty.optional(),
  method: restoreMethodSchema,
  /** The DB (cluster) snapshot restored from (method snapshot). */
  snapshotId: nonEmpty.optional(),
  /** Point in time: the source database and the time asked for (absent: its latest restorable time). */
  sourceId: nonEmpty.optional(),
  restoreTime: isoTime.optional(),
  /** Why a point-in-time restore fell back to the snapshot. */
  fellBack: z.string().optional(),
  startedAt: isoTime,
  availableAt: isoTime.optional(),
  address: nonEmpty.optional(),
  port: z.number().int().optional(),
  /** When it was deleted (or stopped), and the final snapshot kept of it. */
  retiredAt: z.string().optional(),
  finalSnapshotId: z.string().optional(),
  /** Stopped by a promote rather than deleted: retention deletes it (and its final snapshot) after this. */
  retainUntil: isoTime.optional(),
});
export type RestoredDatabase = z.infer<typeof restoredDatabaseSchema>;

/** What a task is started against: a restored database, or the live one the task definition names. */
export const taskDatabaseSchema = z.union([z.object({ method: z.literal('keep') }), restoredDatabaseSchema]);
export type TaskDatabase = z.infer<typeof taskDatabaseSchema>;

/** How a candidate's health gate went, as the record keeps it. */
export const attemptVerdictSchema = z.enum(['healthy', 'unhealthy', 'launch-failed']);

/** The name a DNS change moves: the site's record or the sandbox's. */
export const dnsTargetSchema = z.enum(['site', 'sandbox']);
export type DnsTarget = z.infer<typeof dnsTargetSchema>;

// ---- Promote: what it would discard and what the fix changed (lib/recovery/measure-changes.ts) ----

/**
 * The blocks of a task's volume that differ between the snapshot it was launched from and a later
 * one of the same volume (EBS ListChangedBlocks). Without counts, `unmeasured` says why.
 */
export const volumeChangesSchema = z.object({
  taskArn: nonEmpty.optional(),
  volumeId: nonEmpty.optional(),
  /** The snapshot the volume was created from. */
  fromSnapshotId: nonEmpty,
  /** The snapshot of the volume as it is now. */
  toSnapshotId: nonEmpty.optional(),
  /** When the task was launched: the changes counted are the ones made since. */
  since: isoTime,
  changedBlocks: z.number().int().min(0).optional(),
  changedBytes: z.number().int().min(0).optional(),
  blockSize: z.number().int().min(1).optional(),
  unmeasured: z.string().optional(),
});
export type VolumeChanges = z.infer<typeof volumeChangesSchema>;

/**
 * Writes to the database a recovery restored, since its restore (`restored: false`: no database was
 * restored, nothing to measure). `writes` counts in `unit` (e.g. binlog bytes, rows of a table).
 */
export const databaseWritesSchema = z.object({
  restored: z.boolean(),
  database: nonEmpty.optional(),
  since: isoTime.optional(),
  writes: z.number().min(0).optional(),
  unit: nonEmpty.optional(),
  /** The AWS/RDS metric the writes were read from (BinLogDiskUsage, TransactionLogsGeneration, DMLThroughput). */
  metric: nonEmpty.optional(),
  unmeasured: z.string().optional(),
  /** The final snapshot the dropped database is kept in once promote stops it. */
  keptIn: nonEmpty.optional(),
});
export type DatabaseWrites = z.infer<typeof databaseWritesSchema>;

/** What a promote measured before switching: what it would discard and the fix's own footprint. */
export const promoteChangesSchema = z.object({
  /** The recovery's replacement: what promote drops. */
  replacement: volumeChangesSchema.optional(),
  database: databaseWritesSchema.optional(),
  /** The sandbox since the broken-state snapshot: the fix that promote keeps. */
  fix: volumeChangesSchema.optional(),
  /** The operator passed --discard-changes. */
  discarded: z.boolean().optional(),
  /** Which database the final task runs against, and which one the promote stops. */
  databasePlan: z
    .object({
      serving: z.enum(['sandbox', 'replacement']),
      /** The restored database the final task uses, or `live` (the task definition's). */
      final: nonEmpty,
      /** The restored databases promote stops after DNS switched. */
      retire: z.array(nonEmpty),
      summary: z.string(),
    })
    .optional(),
});
export type PromoteChanges = z.infer<typeof promoteChangesSchema>;

/** The Recovery record of a recovery, promote or drill run. */
export const recoverySchema = z.object({
  apiVersion: z.literal('lifeboat/v1'),
  kind: z.literal('Recovery'),
  id: nonEmpty,
  site: nonEmpty,
  spec: z.object({
    kind: recoveryKindSchema,
    trigger: triggerSchema,
    options: recoveryOptionsSchema,
  }),
  status: z.object({
    phase: recoveryPhaseSchema,
    executionArn: z.string().optional(),
    knownGoodBackupId: z.string().optional(),
    brokenStateBackupId: z.string().optional(),
    /** Every candidate tried, in order, with how its health gate went. */
    attempts: z.array(
      z.object({
        backupId: nonEmpty,
        taskArn: z.string().optional(),
        address: z.string().optional(),
        verdict: attemptVerdictSchema,
      }),
    ),
    replacement: z.object({ taskArn: nonEmpty, address: nonEmpty }).optional(),
    dnsChange: z
      .object({
        changeId: nonEmpty,
        recordName: nonEmpty,
        value: nonEmpty,
        ttl: z.number(),
        submittedAt: z.string(),
        insyncAt: z.string().optional(),
      })
      .optional(),
    sandbox: z.object({ taskArn: nonEmpty, address: nonEmpty, recordName: nonEmpty }).optional(),
    /** Every task this run launched, so a failure (or a promote) knows what to stop. */
    tasks: z.array(launchedTaskSchema).optional(),
    /** Every database this run restored, so a failure or a walk-back knows what to retire. */
    databases: z.array(restoredDatabaseSchema).optional(),
    /** Promote only: what it measured before switching. */
    changes: promoteChangesSchema.optional(),
    /** Drill only: the verdict it recorded on the backup (files and database). */
    drill: drillVerdictSchema.optional(),
    timeline: z.array(timelineEntrySchema),
    /** Later signals about the same incident (e.g. Pingdom UP). */
    signals: z.array(z.object({ source: triggerSourceSchema, state: z.string(), at: z.string() })),
    startedAt: z.string(),
    endedAt: z.string().optional(),
    failure: z.object({ error: z.string(), cause: z.string() }).optional(),
  }),
});
export type Recovery = z.infer<typeof recoverySchema>;

// ---- What the state machines pass between steps (stepfunctions/*.asl.yml) ----

/** The header every step of a recovery, promote or drill receives (Begin's result, `$.run`). */
export const runHeaderSchema = z.object({
  site: nonEmpty,
  recoveryId: recoveryIdSchema,
  kind: recoveryKindSchema,
  trigger: triggerSchema,
  options: recoveryOptionsSchema.default({ dryRun: false, skipSandbox: false, database: 'keep' }),
});
export type RunHeader = z.infer<typeof runHeaderSchema>;

/** A backup a task can be launched from: its id, the EBS snapshot of the site's volume and its DB snapshot. */
export const candidateSchema = z.object({
  backupId: nonEmpty,
  snapshotId: nonEmpty,
  takenAt: z.string(),
  drilled: z.boolean(),
  /** The backup's completed DB (cluster) snapshot, when it has one. */
  database: z.object({ kind: databaseKindSchema, snapshotId: nonEmpty }).optional(),
});
export type Candidate = z.infer<typeof candidateSchema>;

/** The candidates still to try: the next one, then the rest (older or less trusted). */
export const candidateQueueSchema = z.object({
  next: candidateSchema.optional(),
  rest: z.array(candidateSchema),
});
export type CandidateQueue = z.infer<typeof candidateQueueSchema>;

/** How a task's health gate stands, carried from one check to the next by the state machine. */
export const gateSchema = z.object({
  startedAt: isoTime,
  deadlineAt: isoTime,
  checks: z.number().int().min(0),
  /** Healthy answers in a row. */
  consecutive: z.number().int().min(0),
  verdict: z.enum(['pending', 'healthy', 'unhealthy']),
  address: z.string().optional(),
  lastProbe: z
    .object({ status: z.number().optional(), reason: z.string().optional(), elapsedMs: z.number() })
    .optional(),
  reason: z.string().optional(),
});
export type Gate = z.infer<typeof gateSchema>;

/** A launched task and its gate. */
export const attemptSchema = launchedFromSchema.extend({ gate: gateSchema });
export type Attempt = z.infer<typeof attemptSchema>;

/** A record change submitted by switchDns, followed by awaitDnsInsync. */
export const submittedChangeSchema = z.object({
  target: dnsTargetSchema,
  changeId: nonEmpty,
  recordName: nonEmpty,
  value: nonEmpty,
  submittedAt: isoTime,
});
export type SubmittedChange = z.infer<typeof submittedChangeSchema>;

/** A Step Functions Catch result: `Cause` is the error message, or Lambda's JSON error document. */
export const caughtErrorSchema = z.object({ Error: z.string(), Cause: z.string().optional() });
export type CaughtError = z.infer<typeof caughtErrorSchema>;

/**
 * What the recovery state machine receives (stepfunctions/README.md); events/recovery/manual.json is a
 * sample. A manual recovery: `trigger.source` "manual", `trigger.summary` the operator's reason,
 * `incidentKey` from manualIncidentKey, `recoveryId` from recoveryIdFor (the CLI computes both;
 * from the console, any `<yyyymmddThhmmssZ>-<8 hex>` id works) and the execution named
 * `<site>-<recoveryId>`. Options: `dryRun` (plan only), `backupId` (restore this backup instead of
 * picking the known-good one), `skipSandbox`, `database` (keep | snapshot | point-in-time; default
 * the site's recovery.database).
 * Drills and promotes may leave out the id and trigger (Begin derives them).
 */
export const recoveryExecutionInputSchema = runHeaderSchema.extend({ kind: z.literal('recovery') });
export type RecoveryExecutionInput = z.infer<typeof recoveryExecutionInputSchema>;
