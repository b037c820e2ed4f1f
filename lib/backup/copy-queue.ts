import { z } from 'zod';
import { EntryMap } from './entry-map';

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

/**
 * The queue in memory: the document's three objects as EntryMaps, so that a change costs what it
 * touches (lib/backup/entry-map.ts). `serialiseCopyQueue` writes it as the document; JSON.stringify
 * gives the same document, slower.
 */
export interface CopyQueue {
  apiVersion: 'lifeboat/v1';
  kind: 'CopyQueue';
  region: string;
  updatedAt: string;
  newest: EntryMap<NewestCopy>;
  waiting: EntryMap<QueueEntry>;
  inFlight: EntryMap<InFlightEntry>;
}

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

/** The site of a queue key (site names have no `/`: lib/config/schema.ts). */
export function siteOfKey(key: string): string {
  return key.slice(0, key.indexOf('/'));
}

/**
 * A copy of `queue` that changeCopyQueue may change without touching `queue`: the maps share
 * their buckets until either writes one (EntryMap.fork). The catalog keeps the queue it last read
 * or wrote, read-only, and hands each change a fork.
 */
export function forkCopyQueue(queue: CopyQueue): CopyQueue {
  return {
    ...queue,
    newest: queue.newest.fork(),
    waiting: queue.waiting.fork(),
    inFlight: queue.inFlight.fork(),
  };
}

/** The queue as its catalog document (compact JSON), from the kept text of every unchanged bucket. */
export function serialiseCopyQueue(queue: CopyQueue): string {
  const { apiVersion, kind, region, updatedAt } = queue;
  const head = JSON.stringify({ apiVersion, kind, region, updatedAt });
  return `${head.slice(0, -1)},"newest":${queue.newest.toJsonText()},"waiting":${queue.waiting.toJsonText()},"inFlight":${queue.inFlight.toJsonText()}}`;
}

/** An empty queue for `region`. */
export function emptyCopyQueue(region: string, now: Date): CopyQueue {
  return {
    apiVersion: 'lifeboat/v1',
    kind: 'CopyQueue',
    region,
    updatedAt: now.toISOString(),
    newest: EntryMap.empty(),
    waiting: EntryMap.empty(),
    inFlight: EntryMap.empty(),
  };
}

/** True when `a` is a newer snapshot of the volume than `b` (taken later; ids break ties). */
function newer(a: { takenAt: string; backupId: string }, b: { takenAt: string; backupId: string }): boolean {
  return a.takenAt === b.takenAt ? a.backupId > b.backupId : a.takenAt > b.takenAt;
}

// ISO times of one format differ first at a digit, so code-unit order is their localeCompare order
// at a fraction of the cost; keys (ties only) keep localeCompare.
const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A waiting entry as the queue orders it: its key and its volume's newest DR copy found once, not per comparison. */
interface Candidate {
  entry: QueueEntry;
  key: string;
  age: string;
}

function candidate(queue: CopyQueue, key: string, entry: QueueEntry): Candidate {
  return { entry, key, age: queue.newest.get(key)?.takenAt ?? '' };
}

/** Oldest DR copy first (never copied first), then the older snapshot, then the key: a total order. */
const byQueueOrder = (a: Candidate, b: Candidate): number =>
  compareStrings(a.age, b.age) ||
  compareStrings(a.entry.takenAt, b.entry.takenAt) ||
  a.key.localeCompare(b.key);

/** The waiting copies in the order they get slots (byQueueOrder). */
export function queueOrder(queue: CopyQueue): QueueEntry[] {
  return [...queue.waiting.entries()]
    .map(([key, entry]) => candidate(queue, key, entry))
    .sort(byQueueOrder)
    .map((c) => c.entry);
}

/**
 * Puts `candidate` into `best` (sorted, at most `count` long) if it is among the first `count`: a
 * bounded insertion instead of a sort of the whole queue, because a change frees a few slots while
 * thousands of copies wait.
 */
function keepFirst(best: Candidate[], candidate: Candidate, count: number): void {
  if (best.length === count && byQueueOrder(candidate, best[count - 1] as Candidate) >= 0) return;
  let at = best.length === count ? count - 1 : best.length;
  while (at > 0 && byQueueOrder(candidate, best[at - 1] as Candidate) < 0) {
    best[at] = best[at - 1] as Candidate;
    at--;
  }
  best[at] = candidate;
}

function release(queue: CopyQueue, r: CopyRelease, outcome: QueueOutcome, now: string): boolean {
  const key = queueKey(r);
  const held = queue.inFlight.get(key);
  if (held === undefined || held.backupId !== r.backupId) return false;
  queue.inFlight.delete(key);
  if (r.outcome === 'completed') {
    const best = queue.newest.get(key);
    if (best === undefined || newer(held, best))
      queue.newest.set(key, { backupId: held.backupId, takenAt: held.takenAt, copiedAt: r.at ?? now });
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
  const done = queue.newest.get(key);
  if (done !== undefined && done.backupId !== request.backupId && !newer(request, done)) {
    outcome.rejected.push(by(done));
    return false;
  }
  if (done?.backupId === request.backupId) {
    // Copied, but the answer never reached the backup record: it looks the copy up by its tags.
    outcome.copied.push(request);
    return false;
  }
  const flying = queue.inFlight.get(key);
  if (flying?.backupId === request.backupId) {
    outcome.queued.push(request);
    return false;
  }
  if (flying !== undefined && newer(flying, request)) {
    outcome.rejected.push(by(flying));
    return false;
  }
  const waiting = queue.waiting.get(key);
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
  queue.waiting.set(key, { ...request, queuedAt: now });
  outcome.queued.push(request);
  return true;
}

function take(queue: CopyQueue, change: QueueChange, outcome: QueueOutcome, now: string): boolean {
  const spec = change.take;
  if (spec === undefined) return false;
  const ours: Record<CopyKind, number> = { ebs: 0, rds: 0 };
  for (const entry of queue.inFlight.values()) ours[entry.kind] += 1;
  const free: Record<CopyKind, number> = { ebs: 0, rds: 0 };
  for (const kind of COPY_KINDS)
    if (spec.kinds === undefined || spec.kinds.includes(kind))
      free[kind] = spec.slots[kind] - Math.max(ours[kind], spec.inFlightInAws?.[kind] ?? 0);
  if (free.ebs <= 0 && free.rds <= 0) return false;
  // Per kind, the first `free` eligible entries in queue order: what a walk of the whole sorted
  // queue would take, in one pass and without sorting it. One copy per volume at a time: the one
  // in flight refreshes it, and the next is ordered after.
  const best: Record<CopyKind, Candidate[]> = { ebs: [], rds: [] };
  const flying = new Set(queue.inFlight.keys());
  for (const [key, entry] of queue.waiting.entries()) {
    const count = free[entry.kind];
    if (count <= 0 || flying.has(key)) continue;
    if (change.canStart !== undefined && !change.canStart(entry.site)) continue;
    keepFirst(best[entry.kind], candidate(queue, key, entry), count);
  }
  const chosen = [...best.ebs, ...best.rds].sort(byQueueOrder);
  for (const { entry, key } of chosen) {
    queue.waiting.delete(key);
    const claimed: InFlightEntry = { ...entry, claimedAt: now };
    queue.inFlight.set(key, claimed);
    outcome.taken.push(claimed);
  }
  return chosen.length > 0;
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
  return [...queue.inFlight.values()].filter(
    (e) => now.getTime() - new Date(e.claimedAt).getTime() > olderThanMs,
  );
}

/** Age in seconds of every volume's newest completed DR copy (volumes never copied are not listed). */
export function drCopyAges(queue: CopyQueue, now: Date): Map<string, number> {
  const ages = new Map<string, number>();
  for (const [key, n] of queue.newest.entries())
    ages.set(key, Math.max(0, (now.getTime() - new Date(n.takenAt).getTime()) / 1000));
  return ages;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function checkEntries(
  value: unknown,
  path: string,
  fields: Record<string, 'id' | 'text' | 'kind'>,
): string | undefined {
  if (!isObject(value)) return `${path}: expected an object`;
  for (const key in value) {
    const entry = value[key];
    if (!isObject(entry)) return `${path}.${key}: expected an object`;
    for (const field in fields) {
      const v = entry[field];
      const rule = fields[field];
      if (typeof v !== 'string') return `${path}.${key}.${field}: expected a string`;
      if (rule === 'id' && v.length === 0) return `${path}.${key}.${field}: must not be empty`;
      if (rule === 'kind' && v !== 'ebs' && v !== 'rds')
        return `${path}.${key}.${field}: expected ebs or rds`;
    }
  }
  return undefined;
}

const ENTRY_FIELDS = {
  site: 'id',
  backupId: 'id',
  sourceId: 'id',
  kind: 'kind',
  takenAt: 'text',
  queuedAt: 'text',
} as const;

/** The queue as its catalog document holds it (JSON objects where the queue has EntryMaps). */
type CopyDocument = Omit<CopyQueue, 'newest' | 'waiting' | 'inFlight'> & {
  newest: Record<string, NewestCopy>;
  waiting: Record<string, QueueEntry>;
  inFlight: Record<string, InFlightEntry>;
};

/**
 * Checks a parsed copy-queue document by hand (the entry schemas above, field by field: zod over
 * every entry of a 10,000-volume queue on every change cost more CPU than the rest of the night)
 * and returns it as the queue in memory. Throws an Error naming the first bad field.
 */
export function checkCopyQueue(value: unknown): CopyQueue {
  const problem = ((): string | undefined => {
    if (!isObject(value)) return '(root): expected an object';
    if (value.apiVersion !== 'lifeboat/v1') return 'apiVersion: expected lifeboat/v1';
    if (value.kind !== 'CopyQueue') return 'kind: expected CopyQueue';
    if (typeof value.region !== 'string' || value.region.length === 0) return 'region: expected a region';
    if (typeof value.updatedAt !== 'string') return 'updatedAt: expected a string';
    return (
      checkEntries(value.newest, 'newest', { backupId: 'text', takenAt: 'text', copiedAt: 'text' }) ??
      checkEntries(value.waiting, 'waiting', ENTRY_FIELDS) ??
      checkEntries(value.inFlight, 'inFlight', { ...ENTRY_FIELDS, claimedAt: 'text' })
    );
  })();
  if (problem !== undefined) throw new Error(problem);
  const document = value as unknown as CopyDocument;
  return {
    apiVersion: document.apiVersion,
    kind: document.kind,
    region: document.region,
    updatedAt: document.updatedAt,
    newest: EntryMap.fromRecord(document.newest),
    waiting: EntryMap.fromRecord(document.waiting),
    inFlight: EntryMap.fromRecord(document.inFlight),
  };
}
