import { formatElapsed } from '../lib/cli/output';
import { formatDuration, humaniseStep } from '../lib/report/format';
import type { StateProgress } from './local-runner';

interface Lane {
  name: string;
  count: number;
  firstAt: number;
  /** The last round's output, which holds a health gate's verdict. */
  output?: unknown;
  /** The gate the state was entered with: a state that leaves it as it was is no gate round. */
  gateIn?: string;
}

function gateOf(data: unknown): string | undefined {
  const gate = (data as { attempt?: { gate?: unknown } } | undefined)?.attempt?.gate;
  return gate === undefined ? undefined : JSON.stringify(gate);
}

/**
 * How a Task state's round ended, from the health gate in its output (`$.attempt.gate`, as the
 * recovery, promote and drill machines write it): a Task that ran fine may still have failed the gate.
 */
function outcomeOf(output: unknown): { mark: string; note?: string } {
  const gate = (output as { attempt?: { gate?: { verdict?: unknown; reason?: unknown } } } | undefined)
    ?.attempt?.gate;
  if (gate?.verdict === 'pending') return { mark: '…', note: 'pending' };
  if (gate?.verdict === 'healthy') return { mark: '✓', note: 'healthy' };
  if (gate?.verdict === 'unhealthy') {
    return { mark: '✗', note: typeof gate.reason === 'string' ? `unhealthy — ${gate.reason}` : 'unhealthy' };
  }
  return { mark: '✓' };
}

/**
 * Prints a local execution's progress, one line per Task state entered and left, with the time
 * since the run began. States off the critical path (other branches of a Parallel) are marked
 * `┊`. A state polled in a loop (a health gate waiting for its verdict) prints once, then a
 * summary line with how often and how long it ran. A health gate's round is marked by its
 * verdict: … pending, ✓ healthy, ✗ unhealthy (with the reason).
 */
export class StateProgressPrinter {
  private readonly lanes = new Map<'main' | 'side', Lane>();
  private readonly startedAt: number;

  constructor(
    private readonly print: (line: string) => void,
    private readonly sideStates: ReadonlySet<string>,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  private at(): string {
    return `  [${formatElapsed(this.now() - this.startedAt)}]`;
  }

  private label(name: string): string {
    return `${this.sideStates.has(name) ? '  ┊ ' : ''}${humaniseStep(name)}`;
  }

  private laneOf(name: string): 'main' | 'side' {
    return this.sideStates.has(name) ? 'side' : 'main';
  }

  private flush(key: 'main' | 'side'): void {
    const lane = this.lanes.get(key);
    if (lane !== undefined && lane.count > 1) {
      const { mark, note } = outcomeOf(lane.output);
      this.print(
        `${this.at()} ${mark} ${this.label(lane.name)} ×${lane.count} over ${formatDuration(this.now() - lane.firstAt)}${note === undefined ? '' : `: ${note}`}`,
      );
    }
    this.lanes.delete(key);
  }

  entered(state: StateProgress): void {
    if (state.type !== 'Task') return;
    const key = this.laneOf(state.name);
    const lane = this.lanes.get(key);
    if (lane?.name === state.name) {
      lane.count += 1;
      return;
    }
    this.flush(key);
    this.lanes.set(key, { name: state.name, count: 1, firstAt: this.now(), gateIn: gateOf(state.input) });
    this.print(`${this.at()} ▶ ${this.label(state.name)}`);
  }

  exited(state: StateProgress): void {
    if (state.type === 'Succeed' || state.type === 'Fail') {
      this.flush('main');
      this.flush('side');
      this.print(`${this.at()} ■ ${this.label(state.name)}`);
      return;
    }
    if (state.type !== 'Task') return;
    const lane = this.lanes.get(this.laneOf(state.name));
    if (lane !== undefined && lane.name === state.name) lane.output = state.output;
    if (lane !== undefined && lane.name === state.name && lane.count > 1) return;
    // Steps after a rejected candidate (walk-back, the next database restore) carry its gate along.
    const carried = lane?.gateIn !== undefined && lane.gateIn === gateOf(state.output);
    const { mark, note } = carried ? { mark: '✓', note: undefined } : outcomeOf(state.output);
    this.print(
      `${this.at()} ${mark} ${this.label(state.name)} (${formatDuration(state.elapsedMs ?? 0)})${note === undefined ? '' : `: ${note}`}`,
    );
  }

  failed(state: StateProgress): void {
    this.print(`${this.at()} ✗ ${this.label(state.name)}: ${state.error ?? 'failed'}`);
  }

  /** The last line: how the execution ended. */
  finished(status: string, error?: string): void {
    this.flush('main');
    this.flush('side');
    this.print(`${this.at()} execution ${status}${error === undefined ? '' : ` (${error})`}`);
  }
}
