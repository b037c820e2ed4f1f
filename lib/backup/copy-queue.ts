import { z } from 'zod';

/**
 * The DR copy queue of one destination region: which copies hold one of AWS's concurrent-copy
 * slots, which wait for one, and the newest completed DR copy of every protected volume and
 * database (the DR freshness that orders the queue and that the DR RPO is measured on). One record
 * per destination region (lib/catalog/keys.ts), changed by compare-and-swap only, so the slot
 * count is exact however many invocations take from it at once.
 *
 * Entries are keyed by volume (`<site>/<sourceId>`): one waiting copy per volume (a newer backup's
 * snapshot replaces an older one that never started: coalescing) and one copy in flight per
 * volume. Waiting copies get slots oldest DR copy first (never copied first), across sites.
 */
export const COPY_KINDS = ['ebs', 'rds'] as const;
export type CopyKind = (typeof COPY_KINDS)[number];

const entrySchema = z.object({
  site: z.string().min(1),
  backupId: z.string().min(1),
  sourceId: z.string().min(1),
  kind: z.enum(COPY_KINDS),
  /** When the snapshot being copied was taken (its data's point in time). */
  takenAt: z.string(),
  queuedAt: z.string(),
});
export type QueueEntry = z.infer<typeof entrySchema>;

const inFlightSchema = entrySchema.extend({ claimedAt: z.string() });
export type InFlightEntry = z.infer<typeof inFlightSchema>;

const newestSchema = z.object({ backupId: z.string(), takenAt: z.string(), copiedAt: z.string() });
export type NewestCopy = z.infer<typeof newestSchema>;

export const copyQueueSchema = z.object({
  apiVersion: z.literal('lifeboat/v1'),
  kind: z.literal('CopyQueue'),
  region: z.string().min(1),
  updatedAt: z.string(),
  newest: z.record(z.string(), newestSchema),
  waiting: z.record(z.string(), entrySchema),
  inFlight: z.record(z.string(), inFlightSchema),
});
export type CopyQueue = z.infer<typeof copyQueueSchema>;

/** A copy a backup wants made: its part's snapshot is completed. */
export type CopyRequest = Omit<QueueEntry, 'queuedAt'>;

/** What became of a copy that held a slot. */
export interface CopyRelease {
  site: string;
  backupId: string;
  sourceId: string;
  /** `retry`: AWS did not start it (throttled, quota): it goes back to the queue. */
  outcome: 'completed' | 'failed' | 'retry';
  /** completed: when the copy was seen complete. */
  at?: string;
}

/** A waiting copy dropped for a newer backup's copy of the same volume. */
export interface Supersession {
  site: string;
  backupId: string;
  sourceId: string;
  by: string;
}

export interface QueueChange {
  release?: readonly CopyRelease[];
  enqueue?: readonly CopyRequest[];
  /** Slots per kind (the quota), and copies in flight per kind that AWS reports (others' too). */
  take?: {
    slots: Record<CopyKind, number>;
    inFlightInAws?: Partial<Record<CopyKind, number>>;
    /** Only these kinds (default both): a freed EBS slot is refilled by an EBS copy. */
    kinds?: readonly CopyKind[];
  };
  /** Only entries of sites this caller can start (it needs their config). */
  canStart?: (site: string) => boolean;
}

export interface QueueOutcome {
  /** Copies moved into a slot by this change: the caller starts them now. */
  taken: InFlightEntry[];
  /** Older waiting copies replaced by the requests (their backups are marked superseded). */
  superseded: Supersession[];
  /** Requests not queued because a newer copy of the volume is queued, in flight or done. */
  rejected: Supersession[];
  /** Requests now in the queue (or already in it). */
  queued: CopyRequest[];
  /** Requests whose copy the queue knows completed (a record that missed it): look it up in AWS. */
  copied: CopyRequest[];
}

/** The key of one volume or database in the queue. */
export function queueKey(ref: { site: string; sourceId: string }): string {
  return `${ref.site}/${ref.sourceId}`;
}

/** An empty queue for `region`. */
export function emptyCopyQueue(region: string, now: Date): CopyQueue {
  return {
    apiVersion: 'lifeboat/v1',
    kind: 'CopyQueue',
    region,
    updatedAt: now.toISOString(),
    newest: {},
    waiting: {},
    inFlight: {},
  };
}

/** True when `a` is a newer snapshot of the volume than `b` (taken later; ids break ties). */
function newer(a: { takenAt: string; backupId: string }, b: { takenAt: string; backupId: string }): boolean {
  return a.takenAt === b.takenAt ? a.backupId > b.backupId : a.takenAt > b.takenAt;
}

/** Oldest DR copy first (never copied first), then the older snapshot, then the key: a total order. */
export function queueOrder(queue: CopyQueue): QueueEntry[] {
  const age = (e: QueueEntry) => queue.newest[queueKey(e)]?.takenAt ?? '';
  return Object.values(queue.waiting).sort(
    (a, b) =>
      age(a).localeCompare(age(b)) ||
      a.takenAt.localeCompare(b.takenAt) ||
      queueKey(a).localeCompare(queueKey(b)),
  );
}

function release(queue: CopyQueue, r: CopyRelease, outcome: QueueOutcome, now: string): boolean {
  const key = queueKey(r);
  const held = queue.inFlight[key];
  if (held === undefined || held.backupId !== r.backupId) return false;
  delete queue.inFlight[key];
  if (r.outcome === 'completed') {
    const best = queue.newest[key];
    if (best === undefined || newer(held, best))
      queue.newest[key] = { backupId: held.backupId, takenAt: held.takenAt, copiedAt: r.at ?? now };
  } else if (r.outcome === 'retry') {
    const { claimedAt: _, ...entry } = held;
    enqueue(queue, entry, outcome, now);
  }
  return true;
}

function enqueue(queue: CopyQueue, request: CopyRequest, outcome: QueueOutcome, now: string): boolean {
  const key = queueKey(request);
  const by = (other: { backupId: string }) => ({
    site: request.site,
    backupId: request.backupId,
    sourceId: request.sourceId,
    by: other.backupId,
  });
  const done = queue.newest[key];
  if (done !== undefined && done.backupId !== request.backupId && !newer(request, done)) {
    outcome.rejected.push(by(done));
    return false;
  }
  if (done?.backupId === request.backupId) {
    // Copied, but the answer never reached the backup record: it looks the copy up by its tags.
    outcome.copied.push(request);
    return false;
  }
  const flying = queue.inFlight[key];
  if (flying?.backupId === request.backupId) {
    outcome.queued.push(request);
    return false;
  }
  if (flying !== undefined && newer(flying, request)) {
    outcome.rejected.push(by(flying));
    return false;
  }
  const waiting = queue.waiting[key];
  if (waiting?.backupId === request.backupId) {
    outcome.queued.push(request);
    return false;
  }
  if (waiting !== undefined && newer(waiting, request)) {
    outcome.rejected.push(by(waiting));
    return false;
  }
  if (waiting !== undefined)
    outcome.superseded.push({
      site: waiting.site,
      backupId: waiting.backupId,
      sourceId: waiting.sourceId,
      by: request.backupId,
    });
  queue.waiting[key] = { ...request, queuedAt: now };
  outcome.queued.push(request);
  return true;
}

function take(queue: CopyQueue, change: QueueChange, outcome: QueueOutcome, now: string): boolean {
  const spec = change.take;
  if (spec === undefined) return false;
  const free: Record<CopyKind, number> = { ebs: 0, rds: 0 };
  for (const kind of COPY_KINDS) {
    const ours = Object.values(queue.inFlight).filter((e) => e.kind === kind).length;
    free[kind] = spec.slots[kind] - Math.max(ours, spec.inFlightInAws?.[kind] ?? 0);
  }
  let changed = false;
  for (const entry of queueOrder(queue)) {
    const key = queueKey(entry);
    // One copy per volume at a time: the one in flight refreshes it, and the next is ordered after.
    if (free[entry.kind] <= 0 || queue.inFlight[key] !== undefined) continue;
    if (spec.kinds !== undefined && !spec.kinds.includes(entry.kind)) continue;
    if (change.canStart !== undefined && !change.canStart(entry.site)) continue;
    delete queue.waiting[key];
    const claimed: InFlightEntry = { ...entry, claimedAt: now };
    queue.inFlight[key] = claimed;
    outcome.taken.push(claimed);
    free[entry.kind] -= 1;
    changed = true;
  }
  return changed;
}

/**
 * Applies releases, then requests, then takes free slots, to `queue` in place; returns what the
 * caller must do and whether the queue changed. Pure: the catalog runs it inside a compare-and-swap.
 */
export function changeCopyQueue(
  queue: CopyQueue,
  change: QueueChange,
  now: Date,
): { outcome: QueueOutcome; changed: boolean } {
  const at = now.toISOString();
  const outcome: QueueOutcome = { taken: [], superseded: [], rejected: [], queued: [], copied: [] };
  let changed = false;
  for (const r of change.release ?? []) changed = release(queue, r, outcome, at) || changed;
  for (const r of change.enqueue ?? []) changed = enqueue(queue, r, outcome, at) || changed;
  changed = take(queue, change, outcome, at) || changed;
  if (changed) queue.updatedAt = at;
  return { outcome, changed };
}

/** In-flight entries claimed longer ago than `olderThanMs` (a caller that crashed, or a slow copy). */
export function staleInFlight(queue: CopyQueue, now: Date, olderThanMs: number): InFlightEntry[] {
  return Object.values(queue.inFlight).filter(
    (e) => now.getTime() - new Date(e.claimedAt).getTime() > olderThanMs,
  );
}

/** Age in seconds of every volume's newest completed DR copy (volumes never copied are not listed). */
export function drCopyAges(queue: CopyQueue, now: Date): Map<string, number> {
  const ages = new Map<string, number>();
  for (const [key, n] of Object.entries(queue.newest))
    ages.set(key, Math.max(0, (now.getTime() - new Date(n.takenAt).getTime()) / 1000));
  return ages;
}
