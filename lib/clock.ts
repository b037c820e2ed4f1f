/** The only source of "now" for use cases, so tests can inject a fixed or advancing time. */
export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };
