import type { Clock } from '../../lib/clock';

/** A clock that stands still until told to move. */
export class FakeClock implements Clock {
  private current: Date;

  constructor(start: string | Date = '2026-11-22T02:00:00Z') {
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }

  set(at: string | Date): void {
    this.current = new Date(at);
  }
}
