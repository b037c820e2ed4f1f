import type { Clock } from '../../lib/clock';

interface Sleeper {
  at: number;
  seq: number;
  /** True when the sleeper is an SDK call that counts as busy again once it wakes. */
  inCall: boolean;
  wake: () => void;
}

const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));
const realPause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A discrete-event clock for benchmarks and fault tests: simulated time stands still while real
 * work (an SDK call to moto) is in flight, and jumps to the next sleeper's wake-up time once
 * nothing is busy. Token buckets, retry back-off and modelled AWS latencies all sleep on it, so a
 * run that would take hours of AWS time finishes in seconds.
 */
export class SimulatedClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];
  private seq = 0;
  private busy = 0;

  constructor(start: string | Date = '2026-11-22T02:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  nowMs(): number {
    return this.current;
  }

  /** Number of real operations in flight (time does not move while this is above zero). */
  get busyCount(): number {
    return this.busy;
  }

  /** Sleeps for `ms` of simulated time. */
  sleep(ms: number): Promise<void> {
    return this.enqueue(ms, false);
  }

  /** Sleeps inside a tracked call: the call stops counting as busy until it wakes. */
  sleepInCall(ms: number): Promise<void> {
    this.busy -= 1;
    return this.enqueue(ms, true);
  }

  /** Counts `work` as busy while it runs, so simulated time waits for it. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.busy += 1;
    try {
      return await work();
    } finally {
      this.busy -= 1;
    }
  }

  /** Moves time forward by `ms`, waking every sleeper due on the way (in order). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (let next = this.sleepers[0]; next !== undefined && next.at <= target; next = this.sleepers[0]) {
      this.wakeNext();
    }
    this.current = target;
  }

  /**
   * Runs `main` to completion, advancing simulated time whenever no tracked work is in flight and
   * the event loop has settled. Untracked real timers (e.g. a catalog CAS back-off) only delay it.
   */
  async drive<T>(main: () => Promise<T>): Promise<T> {
    let done = false;
    const result = main().finally(() => {
      done = true;
    });
    result.catch(() => undefined);
    while (!done) {
      if (!(await this.settled())) {
        await realPause(1);
        continue;
      }
      if (done) break;
      const first = this.sleepers[0];
      if (first === undefined) await realPause(1);
      // Everyone due at the same instant wakes together: one settle per instant, not per sleeper.
      else while (this.sleepers[0] !== undefined && this.sleepers[0].at === first.at) this.wakeNext();
    }
    return result;
  }

  private async settled(): Promise<boolean> {
    for (let i = 0; i < 3; i += 1) {
      if (this.busy > 0) return false;
      await nextMacrotask();
    }
    return this.busy === 0;
  }

  private wakeNext(): void {
    const sleeper = this.sleepers.shift();
    if (sleeper === undefined) return;
    this.current = Math.max(this.current, sleeper.at);
    if (sleeper.inCall) this.busy += 1;
    sleeper.wake();
  }

  private enqueue(ms: number, inCall: boolean): Promise<void> {
    return new Promise<void>((wake) => {
      this.seq += 1;
      const sleeper: Sleeper = { at: this.current + Math.max(0, ms), seq: this.seq, inCall, wake };
      const index = this.sleepers.findIndex((s) => s.at > sleeper.at);
      if (index === -1) this.sleepers.push(sleeper);
      else this.sleepers.splice(index, 0, sleeper);
    });
  }
}
