import { z } from 'zod';
import type { Clock } from '../clock';
import { findSite } from '../config/load';
import type { LifeboatConfig, Site } from '../config/schema';
import { asError, InvalidInputError, isRetriedError, LifeboatError } from '../errors';
import { compactTimestamp } from '../ids';
import { beginRun } from './begin';
import { awaitBackup, captureBrokenState, snapshotSandbox } from './capture';
import { awaitSandboxAddress, checkHealth } from './check-health';
import { discardDrillDatabases, drillDatabaseSchema, recordDrillVerdict } from './drill-verdict';
import { announceRestored, finishRun } from './finish';
import { entry, journal } from './journal';
import { launchTask } from './launch-task';
import { measureFixFootprint, measureReplacementChanges } from './measure-changes';
import {
  attemptSchema,
  type CaughtError,
  candidateQueueSchema,
  candidateSchema,
  caughtErrorSchema,
  dnsTargetSchema,
  type RunHeader,
  restoredDatabaseSchema,
  runHeaderSchema,
  submittedChangeSchema,
  taskDatabaseSchema,
  taskRefSchema,
  taskRoleSchema,
} from './model';
import { findCandidates, pickKnownGood, planOf } from './pick-known-good';
import type { RecoveryPorts } from './ports';
import { rejectCandidate } from './reject-candidate';
import { awaitDatabase, planDatabase, restoreDatabase } from './restore-database';
import { retirePromoted } from './retire-databases';
import { retireTasks } from './retire-tasks';
import { awaitDnsInsync, switchDns } from './switch-dns';

/** What every step runs against: the site config, the ports and the clock. */
export interface RecoveryContext {
  config: LifeboatConfig;
  ports: RecoveryPorts;
  clock: Clock;
}

/** The execution input of any of the three state machines, plus the execution's start time. */
const beginInput = z.object({
  input: runHeaderSchema.extend({
    recoveryId: runHeaderSchema.shape.recoveryId.optional(),
    kind: runHeaderSchema.shape.kind.default('recovery'),
    trigger: runHeaderSchema.shape.trigger.optional(),
  }),
  startedAt: z.iso.datetime({ offset: true }),
  executionArn: z.string().min(1).optional(),
});

function parse<T extends z.ZodType>(schema: T, value: unknown, step: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidInputError(`invalid ${step} input: ${z.prettifyError(result.error)}`);
  return result.data;
}

/** `options.restoreDatabase` was replaced by `options.database`: say so instead of dropping it. */
function refuseOldDatabaseOption(event: unknown): void {
  const options = (event as { input?: { options?: Record<string, unknown> } } | null)?.input?.options;
  if (options !== undefined && options !== null && 'restoreDatabase' in options) {
    throw new InvalidInputError(
      'invalid recovery input: options.restoreDatabase was replaced by options.database (keep, snapshot or point-in-time)',
    );
  }
}

/** The run header of a drill or promote started without one (a schedule gives only the site). */
function header(input: z.infer<typeof beginInput>): RunHeader {
  const { input: given, startedAt } = input;
  if (given.recoveryId !== undefined && given.trigger !== undefined) {
    return { ...given, recoveryId: given.recoveryId, trigger: given.trigger };
  }
  if (given.kind === 'recovery') {
    throw new InvalidInputError('invalid recovery input: recoveryId and trigger are required for a recovery');
  }
  const at = new Date(startedAt);
  return {
    site: given.site,
    kind: given.kind,
    recoveryId: given.recoveryId ?? `${compactTimestamp(at)}-${given.kind}`,
    trigger: given.trigger ?? {
      source: 'manual',
      incidentKey: `${given.kind}/${given.site}/${compactTimestamp(at)}`,
      outageStartedAt: at.toISOString(),
      receivedAt: at.toISOString(),
      summary: given.kind === 'drill' ? 'scheduled restore drill' : 'manual promote of the sandbox',
    },
    options: given.options,
  };
}

function safeHeader(value: unknown): RunHeader | undefined {
  const parsed = beginInput.safeParse(value);
  if (!parsed.success) return undefined;
  try {
    return header(parsed.data);
  } catch {
    return undefined;
  }
}

/** Lambda errors reach a Catch as `{"errorType","errorMessage",...}` in Cause; local runs give the message. */
function failureOf(value: CaughtError): { error: string; cause: string } {
  try {
    const doc = JSON.parse(value.Cause ?? '') as { errorMessage?: unknown };
    if (typeof doc.errorMessage === 'string') return { error: value.Error, cause: doc.errorMessage };
  } catch {
    // a plain message
  }
  return { error: value.Error, cause: value.Cause ?? '' };
}

type Step = (ctx: RecoveryContext, event: unknown) => Promise<unknown>;

/** The input schema of a step that works on a run: the run header and the step's own fields. */
function stepInput<T extends z.ZodRawShape>(shape: T) {
  return z.object({ run: runHeaderSchema, ...shape });
}

/**
 * A step that works on a run: parses `{ run, ...rest }`, finds the site and runs the use case. A
 * failure (other than one the state machine retries) is written to the run's timeline before it propagates, so
 * the record says which step failed and why even when the state machine catches the error.
 */
function runStep<S extends z.ZodType<{ run: RunHeader }>>(
  name: string,
  schema: S,
  critical: boolean,
  body: (ctx: RecoveryContext, site: Site, input: z.output<S>) => Promise<unknown>,
): Step {
  return async function step(ctx, event) {
    const input = parse(schema, event, name);
    const { run }: { run: RunHeader } = input;
    const site = findSite(ctx.config, run.site);
    const started = ctx.clock.now();
    try {
      return await body(ctx, site, input);
    } catch (error) {
      if (!isRetriedError(error) && !run.options.dryRun) {
        await noteFailure(ctx, site, run.recoveryId, name, started, critical, asError(error));
      }
      throw error;
    }
  };
}

async function noteFailure(
  ctx: RecoveryContext,
  site: Site,
  id: string,
  step: string,
  started: Date,
  critical: boolean,
  error: Error,
): Promise<void> {
  try {
    await journal(ctx.ports.catalog, site.name, id, [
      entry(step, started, ctx.clock.now(), 'failed', critical, {
        error: error.name,
        message: error.message,
        ...(error instanceof LifeboatError ? { context: error.context } : {}),
      }),
    ]);
  } catch {
    // The record may not exist (the run failed before it began); the error itself still propagates.
  }
}

/** Promote: what promoting would discard of the replacement; refuses unless `discardChanges`. */
const measureReplacement = runStep(
  'measure-replacement',
  stepInput({ subject: z.literal('replacement') }),
  true,
  (ctx, site, { run }) =>
    measureReplacementChanges(
      ctx.ports,
      ctx.clock,
      site,
      run.recoveryId,
      run.options.discardChanges === true,
      run.options.promoteDatabase ?? 'sandbox',
    ),
);

/** Promote: the fix's footprint, the sandbox's pre-promote snapshot (`candidate`) against its broken state. */
const measureFix = runStep(
  'measure-fix',
  stepInput({ subject: z.literal('fix'), candidate: candidateSchema }),
  false,
  (ctx, site, input) =>
    measureFixFootprint(ctx.ports, ctx.clock, site, input.run.recoveryId, input.candidate.snapshotId),
);

/**
 * Every task of the recovery, promote and drill state machines, by the name of the Lambda function
 * that runs it (serverless.yml). functions/<name>.ts and the local runner both call these, so a
 * local run executes exactly what Lambda does.
 */
export const recoverySteps = {
  recoveryBegin: async (ctx, event) => {
    refuseOldDatabaseOption(event);
    const input = parse(beginInput, event, 'recoveryBegin');
    const run = header(input);
    return beginRun(ctx.ports, ctx.clock, findSite(ctx.config, run.site), run, input.executionArn);
  },
  recoveryPickKnownGood: runStep('pick-known-good', stepInput({}), true, async (ctx, site, { run }) => {
    const drill = run.kind === 'drill';
    const request = {
      before: drill ? ctx.clock.now() : new Date(run.trigger.outageStartedAt),
      backupId: run.options.backupId,
      limit: drill ? 1 : 1 + site.recovery.maxWalkBack,
      preferDrilled: !drill,
    };
    if (run.options.dryRun) {
      const found = await findCandidates(ctx.ports, site, request);
      const database = planDatabase(
        site,
        run.options.database,
        found.next,
        run.trigger.outageStartedAt,
        run.options.backupId !== undefined,
      );
      return { ...found, plan: { ...planOf(site, found), database } };
    }
    return pickKnownGood(ctx.ports, ctx.clock, site, run.recoveryId, request);
  }),
  recoveryCaptureBrokenState: runStep('capture-broken-state', stepInput({}), false, (ctx, site, { run }) =>
    captureBrokenState(ctx.ports, ctx.clock, site, run.recoveryId),
  ),
  recoveryAwaitBackup: runStep(
    'await-backup',
    stepInput({ backupId: z.string().min(1) }),
    false,
    (ctx, site, input) => awaitBackup(ctx.ports, site, input.backupId),
  ),
  recoveryRestoreDatabase: runStep(
    'restore-database',
    stepInput({ role: taskRoleSchema, candidate: candidateSchema }),
    true,
    (ctx, site, input) => restoreDatabase(ctx.ports, ctx.clock, site, input.run, input.role, input.candidate),
  ),
  recoveryAwaitDatabase: runStep(
    'database-available',
    stepInput({ database: restoredDatabaseSchema }),
    true,
    (ctx, site, input) => awaitDatabase(ctx.ports, ctx.clock, site, input.run.recoveryId, input.database),
  ),
  recoveryLaunchTask: runStep(
    'launch-task',
    stepInput({ role: taskRoleSchema, candidate: candidateSchema, database: taskDatabaseSchema.optional() }),
    true,
    (ctx, site, input) =>
      launchTask(
        ctx.ports,
        ctx.clock,
        site,
        input.run.recoveryId,
        input.role,
        input.candidate,
        input.database,
      ),
  ),
  recoveryCheckHealth: runStep(
    'health-gate',
    stepInput({ attempt: attemptSchema }),
    true,
    (ctx, site, input) => checkHealth(ctx.ports, ctx.clock, site, input.run.recoveryId, input.attempt),
  ),
  recoveryAwaitSandbox: runStep(
    'sandbox-running',
    stepInput({ attempt: attemptSchema }),
    false,
    (ctx, site, input) =>
      awaitSandboxAddress(ctx.ports, ctx.clock, site, input.run.recoveryId, input.attempt),
  ),
  recoveryRejectCandidate: runStep(
    'walk-back',
    stepInput({
      queue: candidateQueueSchema,
      attempt: attemptSchema.optional(),
      launchError: caughtErrorSchema.optional(),
    }),
    true,
    (ctx, site, input) =>
      rejectCandidate(
        ctx.ports,
        ctx.clock,
        site,
        input.run.recoveryId,
        input.queue,
        input.attempt,
        input.launchError === undefined ? undefined : failureOf(input.launchError).cause,
      ),
  ),
  recoverySwitchDns: runStep(
    'switch-dns',
    stepInput({ target: dnsTargetSchema, taskArn: z.string().min(1) }),
    true,
    (ctx, site, input) =>
      switchDns(ctx.ports, ctx.clock, site, input.run.recoveryId, input.target, input.taskArn),
  ),
  recoveryAwaitDns: runStep(
    'dns-insync',
    stepInput({ change: submittedChangeSchema }),
    true,
    (ctx, site, input) => awaitDnsInsync(ctx.ports, ctx.clock, site, input.run.recoveryId, input.change),
  ),
  recoveryRetireTasks: runStep(
    'retire-tasks',
    stepInput({ step: z.string().regex(/^[a-z-]+$/), tasks: z.array(taskRefSchema) }),
    false,
    (ctx, site, input) =>
      input.step === 'retire-replaced' && input.run.kind === 'promote'
        ? retirePromoted(ctx.ports, ctx.clock, site, input.run.recoveryId, input.tasks)
        : retireTasks(ctx.ports, ctx.clock, site, input.run.recoveryId, input.step, input.tasks),
  ),
  recoveryAnnounceRestored: runStep('notify-restored', stepInput({}), false, (ctx, site, { run }) =>
    announceRestored(ctx.ports, ctx.clock, site, run.recoveryId),
  ),
  recoveryFinish: async (ctx, event) => {
    const input = parse(
      z.object({
        run: runHeaderSchema.optional(),
        begin: z.unknown().optional(),
        failure: caughtErrorSchema.optional(),
      }),
      event,
      'recoveryFinish',
    );
    const failure = input.failure === undefined ? undefined : failureOf(input.failure);
    // A run that failed in Begin has no header yet: derive it from the execution input, as Begin does.
    const runHeader = input.run ?? (input.begin === undefined ? undefined : safeHeader(input.begin));
    if (runHeader === undefined)
      return { phase: 'Failed', subject: 'lifeboat: run failed before it began', stopped: [] };
    const site = findSite(ctx.config, runHeader.site);
    return finishRun(ctx.ports, ctx.clock, site, runHeader.recoveryId, failure);
  },
  promoteSnapshotSandbox: runStep('snapshot-sandbox', stepInput({}), true, (ctx, site, { run }) =>
    snapshotSandbox(ctx.ports, ctx.clock, site, run.recoveryId, run.options.sourceRecoveryId),
  ),
  promoteMeasureChanges: (ctx, event) =>
    (event as { subject?: unknown } | null)?.subject === 'fix'
      ? measureFix(ctx, event)
      : measureReplacement(ctx, event),
  drillRecordVerdict: runStep(
    'record-drill-verdict',
    z.union([
      stepInput({ attempt: attemptSchema, database: drillDatabaseSchema.optional() }),
      // No task was started: the database did not restore (a drill never uses the live one).
      stepInput({ candidate: candidateSchema, database: drillDatabaseSchema.optional() }),
    ]),
    false,
    (ctx, site, input) =>
      recordDrillVerdict(
        ctx.ports,
        ctx.clock,
        site,
        input.run.recoveryId,
        'attempt' in input ? { attempt: input.attempt } : { candidate: input.candidate },
        input.database,
      ),
  ),
  drillDiscardDatabase: runStep('discard-drill-database', stepInput({}), false, (ctx, site, { run }) =>
    discardDrillDatabases(ctx.ports, ctx.clock, site, run.recoveryId),
  ),
} satisfies Record<string, Step>;

/** The name of a task's Lambda function, as declared in serverless.yml. */
export type RecoveryStepName = keyof typeof recoverySteps;
