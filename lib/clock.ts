/** The only source of "now" for use cases, so tests can inject a fixed or advancing time. */
export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** True once `at` has come (never, when there is no `at`). */
export function reached(clock: Clock, at: Date | undefined): boolean {
  return at !== undefined && clock.now().getTime() >= at.getTime();
}
