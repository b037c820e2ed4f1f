import { createHash } from 'node:crypto';
import type { Catalog } from '../catalog/catalog';
import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { ExecutionAlreadyExistsError, InvalidInputError, SandboxAlreadyPromotedError } from '../errors';
import { compactTimestamp } from '../ids';
import type { Recovery, RecoveryExecutionInput, RecoveryOptions, Trigger } from './model';

/** Starts and looks up executions of the recovery state machine (lib/aws/sfn.ts SfnAdapter). */
export interface RecoveryExecutions {
  start(name: string, input: unknown): Promise<{ executionArn: string }>;
  find(name: string): Promise<{ executionArn: string; status: string } | undefined>;
}

export interface StartRecoveryPorts {
  catalog: Pick<Catalog, 'readLock' | 'claimIncident'>;
  executions: RecoveryExecutions;
}

export interface StartRecoveryRequest {
  site: Site;
  /** The trigger as recorded, less the time it is received (now), with the outage start as a Date. */
  trigger: Omit<Trigger, 'outageStartedAt' | 'receivedAt'> & { outageStartedAt: Date };
  options?: Partial<RecoveryOptions>;
}

/** Why a trigger did not start a recovery. */
export type IgnoreReason = 'duplicate-incident' | 'already-recovering';

export type StartRecoveryResult =
  | {
      outcome: 'started';
      site: string;
      recoveryId: string;
      executionName: string;
      executionArn: string;
    }
  | {
      outcome: 'ignored';
      reason: IgnoreReason;
      why: string;
      site: string;
      recoveryId: string;
      /** The recovery that holds the site (already-recovering) or handles the incident (duplicate). */
      holder?: string;
      executionArn?: string;
    };

const MAX_INCIDENT_KEY = 256;

/**
 * The recovery id of an incident: `<compact outage start>-<8 hex of sha256(incidentKey)>`, so every
 * delivery of the same incident maps to the same id and the same execution name.
 */
export function recoveryIdFor(outageStartedAt: Date, incidentKey: string): string {
  const digest = createHash('sha256').update(incidentKey).digest('hex').slice(0, 8);
  return `${compactTimestamp(outageStartedAt)}-${digest}`;
}

/** The incident key of a manual recovery: one per site and stated outage start. */
export function manualIncidentKey(site: string, outageStartedAt: Date): string {
  return `manual-${site}-${compactTimestamp(outageStartedAt)}`;
}

/** The Step Functions execution name of a recovery. */
export function recoveryExecutionName(site: string, recoveryId: string): string {
  return `${site}-${recoveryId}`;
}

function validate(request: StartRecoveryRequest): void {
  const { incidentKey, outageStartedAt, summary } = request.trigger;
  const issues: string[] = [];
  if (incidentKey.trim() === '' || incidentKey.length > MAX_INCIDENT_KEY)
    issues.push(`trigger.incidentKey: must be 1-${MAX_INCIDENT_KEY} characters`);
  if (Number.isNaN(outageStartedAt.getTime())) issues.push('trigger.outageStartedAt: not a valid time');
  if (summary.length > 1024) issues.push('trigger.summary: at most 1024 characters');
  if (issues.length > 0) {
    throw new InvalidInputError(`invalid recovery request: ${issues.join('; ')}`, { issues });
  }
}

/**
 * Starts one recovery of a site for an incident, used by every trigger: the same incident twice
 * starts one execution, and a site that is already recovering is left alone.
 */
export async function startRecovery(
  ports: StartRecoveryPorts,
  clock: Clock,
  request: StartRecoveryRequest,
): Promise<StartRecoveryResult> {
  validate(request);
  const { site, trigger } = request;
  const now = clock.now();
  const recoveryId = recoveryIdFor(trigger.outageStartedAt, trigger.incidentKey);
  const executionName = recoveryExecutionName(site.name, recoveryId);
  const base = { site: site.name, recoveryId };

  // A best-effort early answer: the state machine's first task takes the lock for real and ends
  // a second recovery with SiteLockedError, so a race here cannot run two recoveries at once.
  const lock = await ports.catalog.readLock(site.name);
  if (lock !== undefined && lock.holder !== recoveryId && new Date(lock.expiresAt) > now) {
    return {
      outcome: 'ignored',
      reason: 'already-recovering',
      why: `site ${site.name} is already recovering (${lock.holder})`,
      holder: lock.holder,
      ...base,
    };
  }

  const claim = await ports.catalog.claimIncident(site.name, trigger.incidentKey, recoveryId);
  if (!claim.claimed) {
    // The claim is written before StartExecution, so a start that failed after its claim would
    // leave the incident claimed but never recovered: only an existing execution proves a duplicate.
    const existing = await ports.executions.find(recoveryExecutionName(site.name, claim.recoveryId));
    if (existing !== undefined) return duplicate(base, claim.recoveryId, existing.executionArn);
  }

  const input: RecoveryExecutionInput = {
    site: site.name,
    recoveryId,
    kind: 'recovery',
    trigger: {
      source: trigger.source,
      incidentKey: trigger.incidentKey,
      outageStartedAt: trigger.outageStartedAt.toISOString(),
      receivedAt: now.toISOString(),
      summary: trigger.summary,
    },
    options: optionsFor(site, request.options),
  };
  try {
    const started = await ports.executions.start(executionName, input);
    return { outcome: 'started', executionName, executionArn: started.executionArn, ...base };
  } catch (error) {
    // Execution names are unique per state machine: a concurrent delivery that got past the claim
    // check lands here. https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
    if (error instanceof ExecutionAlreadyExistsError) {
      const arn = error.context.executionArn;
      return duplicate(base, recoveryId, typeof arn === 'string' ? arn : undefined);
    }
    throw error;
  }
}

function optionsFor(site: Site, given: Partial<RecoveryOptions> = {}): RecoveryOptions {
  const options: RecoveryOptions = {
    dryRun: given.dryRun ?? false,
    skipSandbox: given.skipSandbox ?? false,
    database: given.database ?? site.recovery.database,
  };
  if (given.backupId !== undefined) options.backupId = given.backupId;
  return options;
}

function duplicate(
  base: { site: string; recoveryId: string },
  holder: string,
  executionArn: string | undefined,
): StartRecoveryResult {
  return {
    outcome: 'ignored',
    reason: 'duplicate-incident',
    why: `incident already handled by recovery ${holder}`,
    holder,
    executionArn,
    ...base,
  };
}

/** Whether a promote run got its final task to serve the site: it succeeded, or retired what it replaced. */
function promoted(run: Recovery): boolean {
  return (
    run.status.phase === 'Succeeded' ||
    run.status.timeline.some((e) => e.step === 'retire-replaced' && e.outcome === 'ok')
  );
}

/**
 * Refuses a promote of the sandbox of recovery `sourceRecoveryId` when another promote (not
 * `exceptRunId`, the run asking) already promoted it: that promote switched the site to its final
 * task and retired the sandbox and the replacement, so a second one would promote a stopped sandbox
 * and switch the site back to it. SandboxAlreadyPromotedError names the promote that did it.
 */
export async function assertSandboxNotPromoted(
  catalog: Pick<Catalog, 'allRecoveries'>,
  site: string,
  sourceRecoveryId: string,
  exceptRunId?: string,
): Promise<void> {
  for await (const run of catalog.allRecoveries(site)) {
    if (run.spec.kind !== 'promote' || run.id === exceptRunId) continue;
    if (run.spec.options.sourceRecoveryId !== sourceRecoveryId || !promoted(run)) continue;
    throw new SandboxAlreadyPromotedError(
      `the sandbox of recovery ${sourceRecoveryId} of ${site} was already promoted by promote ${run.id} (its sandbox and replacement are retired): nothing to promote`,
      { site, recoveryId: sourceRecoveryId, promotedBy: run.id },
    );
  }
}
