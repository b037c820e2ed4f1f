import { LOCK_TTL_MS } from '../../../lib/recovery/begin';
import { loadDefinition, type MachineName } from '../../../local/local-runner';

type Retrier = {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
};
type State = { Retry?: Retrier[]; Branches?: { States: Record<string, State> }[] };
type Machine = { TimeoutSeconds: number; States: Record<string, State> };

function machine(name: MachineName): Machine {
  return loadDefinition(name) as unknown as Machine;
}

function* statesOf(states: Record<string, State>): Generator<[string, State]> {
  for (const [name, state] of Object.entries(states)) {
    yield [name, state];
    for (const branch of state.Branches ?? []) yield* statesOf(branch.States);
  }
}

/** The longest a Retry lets a polling task wait in all (Step Functions' defaults filled in). */
function pollBudgetSeconds(retrier: Retrier): number {
  let wait = retrier.IntervalSeconds ?? 1;
  let total = 0;
  for (let attempt = 0; attempt < (retrier.MaxAttempts ?? 3); attempt++) {
    total += Math.min(wait, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
    wait *= retrier.BackoffRate ?? 2;
  }
  return total;
}

function databasePolls(name: MachineName): [string, number][] {
  return [...statesOf(machine(name).States)]
    .filter(([state]) => state.endsWith('Database') && state.startsWith('Await'))
    .map(([state, s]) => {
      const poll = s.Retry?.find((r) => r.ErrorEquals.includes('NotReadyError'));
      if (poll === undefined) throw new Error(`${name}.${state} has no NotReadyError poll`);
      return [state, pollBudgetSeconds(poll)];
    });
}

describe('time budgets of the state machines', () => {
  it.each<MachineName>(['recovery', 'promote', 'drill'])(
    'the site lock outlives the %s execution, so it never expires under a live run',
    (name) => {
      expect(LOCK_TTL_MS / 1000).toBeGreaterThan(machine(name).TimeoutSeconds);
    },
  );

  it.each<MachineName>(['recovery', 'drill'])(
    "%s: waiting for a restored database may take hours (a slow point-in-time restore), yet ends inside the execution's timeout, so the failure path cleans up",
    (name) => {
      const polls = databasePolls(name);
      expect(polls.length).toBeGreaterThan(0);
      for (const [, seconds] of polls) {
        expect(seconds).toBeGreaterThan(3 * 3600);
        expect(seconds).toBeLessThan(machine(name).TimeoutSeconds - 30 * 60);
      }
    },
  );
});
