import type { Clock } from '../../../lib/clock';

/**
 * A clock that moves forward a fixed step on every reading, so a health gate's deadline passes
 * after a known number of checks while Wait states are overridden to zero.
 */
export class SteppingClock implements Clock {
  private current: number;

  constructor(
    start: string,
    private readonly stepMs = 1000,
  ) {
    this.current = Date.parse(start);
  }

  now(): Date {
    this.current += this.stepMs;
    return new Date(this.current);
  }
}
