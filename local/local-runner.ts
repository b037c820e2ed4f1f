import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { parse } from 'yaml';
import { InvalidInputError } from '../lib/errors';
import { type RecoveryContext, type RecoveryStepName, recoverySteps } from '../lib/recovery/steps';

/**
 * Runs lifeboat's state machines in-process (aws-local-stepfunctions), every Task state calling
 * the same step its Lambda function runs (lib/recovery/steps.ts) against the ports you pass: real
 * AWS, moto, or fakes. For `npm run demo` and the state machine tests.
 *
 * Usage:
 *
 *   const run = await runStateMachineLocally({
 *     machine: 'recovery',
 *     input: { site: 'blog', recoveryId, kind: 'recovery', trigger, options },
 *     context: {
 *       config,
 *       ports: recoveryPorts({ clients, catalog, clock: systemClock, adapters: ALL_RECOVERY_ADAPTERS, topicArn, endpointOf }),
 *       clock: systemClock,
 *     },
 *     waitMs: 1000,                      // each Wait state pauses this long instead of its Seconds
 *     onStateEntered: (s) => console.log(`→ ${s.name}`),
 *     onStateExited: (s) => console.log(`✓ ${s.name} ${s.elapsedMs} ms`),
 *   });
 *   run.status;   // 'SUCCEEDED' | 'FAILED'; run.error / run.cause on failure (e.g. SiteLockedError)
 *   run.events;   // the full execution event log, for assertions
 *
 * Parallel branches run concurrently, so callbacks of the sandbox branch interleave with the
 * critical path's, as in Step Functions.
 */
export type MachineName = 'recovery' | 'promote' | 'drill';

/** A state entered or left, with what went in and (on exit) what came out. */
export interface StateProgress {
  name: string;
  type: string;
  at: Date;
  /** Milliseconds since the state was entered (exit, failure and retry events). */
  elapsedMs?: number;
  input?: unknown;
  output?: unknown;
  /** The error name on `StateFailed` / `StateRetried`-style events. */
  error?: string;
  cause?: unknown;
}

export interface LocalRunOptions {
  machine: MachineName;
  input: unknown;
  context: RecoveryContext;
  /** Pause of every Wait state in ms (default 0); the definition's Seconds are ignored. */
  waitMs?: number;
  /** Pause before every Retry in ms (default 0). */
  retryMs?: number;
  /** The execution's name (Step Functions uses `<site>-<recoveryId>`); `$$.Execution.Id` ends with it. */
  executionName?: string;
  /** The ARN of the execution this run stands in for (`$$.Execution.Id`); its name wins over executionName. */
  executionArn?: string;
  /** Directory holding the `<machine>.asl.yml` files (default: the repository's stepfunctions/). */
  definitionsDir?: string;
  onStateEntered?: (state: StateProgress) => void;
  onStateExited?: (state: StateProgress) => void;
  /** Task failures, caught or retried (the state machine may still go on). */
  onStateFailed?: (state: StateProgress) => void;
}

export interface LocalRunResult {
  status: 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  error?: string;
  cause?: unknown;
  /** The execution's event log (aws-local-stepfunctions EventLog objects). */
  events: LocalEvent[];
}

/** One entry of aws-local-stepfunctions' event log (only the fields lifeboat reads are typed). */
export interface LocalEvent {
  type: string;
  timestamp: number;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  Error?: string;
  Cause?: unknown;
  output?: unknown;
  [field: string]: unknown;
}

type State = Record<string, unknown> & { Type?: string; Resource?: unknown; Branches?: Definition[] };
type Definition = { States: Record<string, State> };

/** Reads a definition as serverless.yml would include it. */
export function loadDefinition(
  machine: MachineName,
  dir = join(__dirname, '..', 'stepfunctions'),
): Definition {
  return parse(readFileSync(join(dir, `${machine}.asl.yml`), 'utf8'), { merge: true }) as Definition;
}

function functionOf(resource: unknown): string | undefined {
  const getAtt = (resource as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

/** Every state of a definition, branches included (state names are unique across a machine). */
function* allStates(definition: Definition): Generator<[string, State]> {
  for (const [name, state] of Object.entries(definition.States)) {
    yield [name, state];
    for (const branch of state.Branches ?? []) yield* allStates(branch);
  }
}

/** Runs one of lifeboat's state machines locally; resolves when the execution ends. */
export async function runStateMachineLocally(options: LocalRunOptions): Promise<LocalRunResult> {
  const definition = loadDefinition(options.machine, options.definitionsDir);
  const handlers: Record<string, (input: unknown) => Promise<never>> = {};
  const waits: Record<string, number> = {};
  const retries: Record<string, number> = {};
  for (const [name, state] of allStates(definition)) {
    if (state.Type === 'Wait') waits[name] = options.waitMs ?? 0;
    if (state.Retry !== undefined) retries[name] = options.retryMs ?? 0;
    if (state.Type !== 'Task') continue;
    const fn = functionOf(state.Resource);
    if (fn === undefined || !(fn in recoverySteps)) {
      throw new InvalidInputError(`state ${name} of ${options.machine} calls an unknown function`, {
        state: name,
      });
    }
    const step = recoverySteps[fn as RecoveryStepName];
    // The ARN only has to look like one: the local handler runs instead.
    state.Resource = `arn:aws:lambda:us-east-1:123456789012:function:lifeboat-local-${fn}`;
    handlers[name] = (input) => step(options.context, input) as Promise<never>;
  }
  const machine = new StateMachine(definition as unknown as StateMachineDefinition, {
    validationOptions: { checkPaths: true, checkArn: true },
  });
  const execution = machine.run(options.input as never, {
    overrides: {
      taskResourceLocalHandlers: handlers as never,
      waitTimeOverrides: waits,
      retryIntervalOverrides: retries,
    },
    context: {
      Execution: {
        Id:
          options.executionArn ??
          `arn:aws:states:local:000000000000:execution:${options.machine}:${options.executionName ?? 'local'}`,
        Name: options.executionArn?.split(':').pop() ?? options.executionName ?? 'local',
        Input: options.input as never,
        StartTime: options.context.clock.now().toISOString(),
      },
    },
  });
  const events: LocalEvent[] = [];
  const entered = new Map<string, number>();
  const follow = (async () => {
    for await (const raw of execution.eventLogs) {
      const event = raw as unknown as LocalEvent;
      events.push(event);
      const state = event.state;
      if (state === undefined) continue;
      const progress: StateProgress = { name: state.name, type: state.type, at: new Date(event.timestamp) };
      if (event.type === 'StateEntered') {
        entered.set(state.name, event.timestamp);
        options.onStateEntered?.({ ...progress, input: state.input });
        continue;
      }
      const since = entered.get(state.name);
      progress.elapsedMs = since === undefined ? undefined : event.timestamp - since;
      if (event.type === 'StateExited') options.onStateExited?.({ ...progress, output: state.output });
      if (event.type === 'StateFailed')
        options.onStateFailed?.({ ...progress, error: event.Error, cause: event.Cause });
    }
  })();
  try {
    const output = await execution.result;
    await follow;
    return { status: 'SUCCEEDED', output, events };
  } catch {
    await follow;
    const failed = events.find((e) => e.type === 'ExecutionFailed');
    return { status: 'FAILED', error: failed?.Error, cause: failed?.Cause, events };
  }
}
