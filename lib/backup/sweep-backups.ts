import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { ThrottledError } from '../errors';
import { type BackupLimits, fillCopySlots } from './advance-backup';
import { type CopyQueue, drCopyAges, siteOfKey } from './copy-queue';
import { backupKey } from './model';
import type { BackupRef } from './on-snapshot-event';
import type { BackupPorts } from './ports';

/** Hands open backups to whoever advances them: an SNS topic in AWS, a direct call locally. */
export type BackupDispatch = (refs: BackupRef[]) => Promise<void>;

/** DR freshness (age of each volume's newest completed DR copy), fleet-wide or for one site. */
export interface DrFreshness {
  /** Volumes and databases with a DR copy, or waiting for their first. */
  volumes: number;
  /** Of those, how many have never had a DR copy completed. */
  neverCopied: number;
  /** DR RPO: the largest and the 95th-percentile age, in seconds (absent when nothing was copied). */
  maxSeconds?: number;
  p95Seconds?: number;
}

/** Fleet-wide signals the sweeper reports every run (a few metrics, not a few per site). */
export interface SweepTelemetry {
  drFreshness(fleet: DrFreshness): void;
}

export interface SweepResult {
  dispatched: BackupRef[];
  /** Whether backups parked on the copy queue were checked too (once an hour). */
  parkedChecked: boolean;
  copiesStarted: number;
  fleet: DrFreshness;
  /** Per site: the detail behind the fleet figures, for logs and the CLI. */
  sites: { site: string; drFreshness: DrFreshness }[];
}

export interface SweepOptions {
  limits?: Partial<BackupLimits>;
  /** How often parked backups are advanced anyway, in case their queue entry was lost (default 1 h). */
  parkedEveryMs?: number;
  /** The sweeper's own period (the schedule's rate), to know which run is the hour's first. */
  sweepEveryMs?: number;
}

function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The freshness figures of a set of volumes, from their DR copy ages (seconds). */
function freshnessOf(volumes: number, ages: number[]): DrFreshness {
  ages.sort((a, b) => a - b);
  const round = (v: number | undefined) => (v === undefined ? undefined : Math.round(v));
  return {
    volumes,
    neverCopied: volumes - ages.length,
    maxSeconds: round(ages[ages.length - 1]),
    p95Seconds: round(percentile(ages, 95)),
  };
}

/**
 * DR freshness of the volumes in `queues`, fleet-wide and per site, in one pass over the queues
 * (a pass per site was sites × volumes at every sweep).
 */
export function drFreshness(
  queues: readonly CopyQueue[],
  now: Date,
): { fleet: DrFreshness; bySite: Map<string, DrFreshness> } {
  const perSite = new Map<string, { keys: Set<string>; ages: number[] }>();
  const of = (site: string) => {
    const found = perSite.get(site);
    if (found !== undefined) return found;
    const entry = { keys: new Set<string>(), ages: [] as number[] };
    perSite.set(site, entry);
    return entry;
  };
  for (const queue of queues) {
    for (const [key, age] of drCopyAges(queue, now)) {
      const site = of(siteOfKey(key));
      site.ages.push(age);
      site.keys.add(key);
    }
    for (const map of [queue.waiting, queue.inFlight])
      for (const [key, entry] of map.entries()) of(entry.site).keys.add(key);
  }
  const bySite = new Map<string, DrFreshness>();
  const allAges: number[] = [];
  let volumes = 0;
  for (const [site, { keys, ages }] of perSite) {
    volumes += keys.size;
    allAges.push(...ages);
    bySite.set(site, freshnessOf(keys.size, ages));
  }
  return { fleet: freshnessOf(volumes, allAges), bySite };
}

const NOTHING_PROTECTED: DrFreshness = { volumes: 0, neverCopied: 0 };

/** The backups (by backupKey) that have a copy waiting or in flight in one of `queues`. */
function backupsQueued(queues: readonly CopyQueue[]): Set<string> {
  const found = new Set<string>();
  for (const queue of queues)
    for (const map of [queue.waiting, queue.inFlight])
      for (const entry of map.values()) found.add(backupKey(entry));
  return found;
}

/**
 * The reconciler: reads the open-work index (one listing for the fleet, not one per site) and
 * dispatches every backup that needs a step (those waiting only for a copy slot once an hour),
 * fills each DR region's free copy slots from its queue, and reports DR freshness.
 */
export async function sweepBackups(
  ports: BackupPorts,
  clock: Clock,
  sites: readonly Site[],
  dispatch: BackupDispatch,
  telemetry?: SweepTelemetry,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const now = clock.now();
  const known = new Set(sites.map((s) => s.name));
  const parkedEveryMs = options.parkedEveryMs ?? 3_600_000;
  const sweepEveryMs = options.sweepEveryMs ?? 5 * 60_000;
  const parkedChecked = now.getTime() % parkedEveryMs < sweepEveryMs;
  await ports.catalog.migrateLegacyMarkers([...known], now);
  // Every unfinished backup has an open marker; those that also have a parked one wait only for
  // copy slots: their queue entries start them, and each copy's completion event advances them.
  const open = await ports.catalog.openWork('active');
  const parked = await ports.catalog.openWork('parked');

  const parkedKeys = new Set(parked.map(backupKey));
  const active = open.filter((r) => !parkedKeys.has(backupKey(r)) && known.has(r.site));
  if (active.length > 0) await dispatch(active);

  const regions = [...new Set(sites.map((s) => s.regions.dr))];
  const filled = await Promise.all(
    // The queue's slots are exact; AWS's count (other stages' copies share the quota) hourly.
    regions.map(async (region) => {
      try {
        return await fillCopySlots(ports, clock, sites, region, options.limits, {
          countInAws: parkedChecked,
        });
      } catch (error) {
        // Throttled: the region's slots wait for the next event or sweep; the sweep goes on.
        if (!(error instanceof ThrottledError)) throw error;
        return { started: 0, queue: await ports.catalog.getCopyQueue(region, clock.now()) };
      }
    }),
  );
  const queues = filled.map((f) => f.queue);

  // Once an hour, the parked backups with no copy in any queue are advanced: their entries were
  // lost (a crash between claim and record), and no event will come for them. One that still has
  // a copy queued or in flight is advanced by that copy's event (and re-queues what it lost); a
  // finished backup's leftover parked marker has nothing queued either, and its advance clears it.
  const queued = parkedChecked ? backupsQueued(queues) : undefined;
  const lost = parked.filter((r) => queued !== undefined && !queued.has(backupKey(r)) && known.has(r.site));
  if (lost.length > 0) await dispatch(lost);
  const refs = [...active, ...lost];

  const { fleet, bySite } = drFreshness(queues, clock.now());
  telemetry?.drFreshness(fleet);
  return {
    dispatched: refs,
    parkedChecked,
    copiesStarted: filled.reduce((a, f) => a + f.started, 0),
    fleet,
    sites: sites.map((s) => ({ site: s.name, drFreshness: bySite.get(s.name) ?? NOTHING_PROTECTED })),
  };
}
