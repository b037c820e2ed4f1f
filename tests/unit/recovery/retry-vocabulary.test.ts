import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as errors from '../../../lib/errors';
import { isRetriedError, LifeboatError, RETRIED_ERRORS, WALK_BACK_ERRORS } from '../../../lib/errors';
import { loadDefinition, type MachineName } from '../../../local/local-runner';

const MACHINES: MachineName[] = ['recovery', 'promote', 'drill'];

type Retrier = { ErrorEquals: string[] };
type Catcher = { ErrorEquals: string[]; Next: string };
type State = {
  Type: string;
  Retry?: Retrier[];
  Catch?: Catcher[];
  Error?: string;
  Branches?: { States: Record<string, State> }[];
};

function* statesOf(definition: { States: Record<string, State> }): Generator<[string, State]> {
  for (const [name, state] of Object.entries(definition.States)) {
    yield [name, state];
    for (const branch of state.Branches ?? []) yield* statesOf(branch);
  }
}

function states(machine: MachineName): [string, State][] {
  return [...statesOf(loadDefinition(machine) as unknown as { States: Record<string, State> })];
}

/** The `name` of every error class lib/errors.ts exports. */
const CLASS_NAMES = (Object.values(errors) as unknown[])
  .filter((value): value is new (message: string) => Error => {
    return typeof value === 'function' && value.prototype instanceof Error;
  })
  .map((ErrorClass) => {
    try {
      return new ErrorClass('probe').name;
    } catch {
      // A class whose constructor needs more than a message (e.g. SnapshotMismatchError): its name is the class's.
      return ErrorClass.name;
    }
  });
const LIFEBOAT_NAMES = new Set(CLASS_NAMES);

const TRANSIENT = [...RETRIED_ERRORS.transient, ...RETRIED_ERRORS.lambda];

describe('the retry vocabulary (lib/errors.ts) and the state machine definitions', () => {
  it('names only real lifeboat errors', () => {
    for (const name of [...RETRIED_ERRORS.transient, ...RETRIED_ERRORS.poll, ...WALK_BACK_ERRORS]) {
      expect(LIFEBOAT_NAMES).toContain(name);
    }
  });

  it('retries exactly the listed errors, by name', () => {
    const retried = [errors.ThrottledError, errors.ConcurrentUpdateError, errors.NotReadyError];
    const failing = [errors.AwsCallError, errors.TaskLaunchFailedError, errors.InvalidInputError];

    expect(retried.map((E) => isRetriedError(new E('x')))).toEqual([true, true, true]);
    expect(failing.map((E) => isRetriedError(new E('x')))).toEqual([false, false, false]);
    expect(isRetriedError(new errors.ConfigError('x'))).toBe(false);
    expect(isRetriedError(Object.assign(new Error('x'), { name: 'ThrottledError' }))).toBe(false);
  });

  it.each(MACHINES)('%s: lists the transient errors once, under the transient-retrier anchor', (machine) => {
    const text = readFileSync(join(__dirname, '../../../stepfunctions', `${machine}.asl.yml`), 'utf8');

    expect(text.match(/ErrorEquals: \[ThrottledError/g)).toHaveLength(1);
    expect(text).toContain(`- &transient-retrier\n        ErrorEquals: [${TRANSIENT.join(', ')}]`);
  });

  it.each(MACHINES)(
    '%s: every task retries the transient errors, and polls only on the poll errors',
    (machine) => {
      for (const [name, state] of states(machine)) {
        if (state.Type !== 'Task') continue;
        const lists = (state.Retry ?? []).map((r) => r.ErrorEquals);
        expect({ state: name, lists }).toEqual({ state: name, lists: expect.arrayContaining([TRANSIENT]) });
        for (const list of lists) {
          const listed = [String(TRANSIENT), String(RETRIED_ERRORS.poll)].includes(String(list));
          expect({ state: name, list, listed }).toEqual({ state: name, list, listed: true });
        }
      }
    },
  );

  it.each(MACHINES)(
    '%s: catches everything, except where a named error walks back (the launch and its database)',
    (machine) => {
      for (const [name, state] of states(machine)) {
        for (const c of state.Catch ?? []) {
          if (c.ErrorEquals.includes('States.ALL')) {
            expect(c.ErrorEquals).toEqual(['States.ALL']);
            continue;
          }
          expect({ state: name, errors: c.ErrorEquals, next: c.Next }).toEqual({
            state: expect.stringMatching(/^(LaunchReplacement|RestoreDatabase|AwaitDatabase)$/),
            errors: [...WALK_BACK_ERRORS],
            next: 'RejectUnlaunched',
          });
        }
      }
    },
  );

  it.each(MACHINES)("%s: every error name it uses is lifeboat's or Step Functions'", (machine) => {
    for (const [name, state] of states(machine)) {
      const used = [
        ...(state.Retry ?? []).flatMap((r) => r.ErrorEquals),
        ...(state.Catch ?? []).flatMap((c) => c.ErrorEquals),
        ...(state.Error === undefined ? [] : [state.Error]),
      ];
      for (const error of used) {
        const known =
          error === 'States.ALL' ||
          (RETRIED_ERRORS.lambda as readonly string[]).includes(error) ||
          LIFEBOAT_NAMES.has(error);
        expect({ state: name, error, known }).toEqual({ state: name, error, known: true });
      }
    }
  });

  it('gives every error class a name of its own (Retry and Catch match on it)', () => {
    expect(LIFEBOAT_NAMES.size).toBe(CLASS_NAMES.length);
    expect(new LifeboatError('x').name).toBe('LifeboatError');
  });
});
