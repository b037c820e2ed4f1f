import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock';

/**
 * True if `presented` equals `expected`, in time independent of where they differ: both are hashed
 * first so timingSafeEqual compares equal-length digests and the length of the secret leaks nothing.
 */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined || presented === '' || expected === '') return false;
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * Wraps a secret reader with a cache: one read per `ttlMs` (so a rotated secret takes effect
 * within the TTL), concurrent callers share one read, and a failed read is not cached.
 * Kept instead of Powertools' cache, which runs on the wall clock rather than the injected one and
 * lets concurrent callers each read.
 */
export function cachedSecret(
  read: () => Promise<string>,
  clock: Clock,
  ttlMs: number,
): () => Promise<string> {
  let cached: { value: string; readAt: number } | undefined;
  let inFlight: Promise<string> | undefined;
  return async function readCachedSecret() {
    const now = clock.now().getTime();
    if (cached !== undefined && now - cached.readAt < ttlMs) return cached.value;
    inFlight ??= read()
      .then((value) => {
        cached = { value, readAt: now };
        return value;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}
