import type { Clock } from '../clock';
import type { LifeboatConfig } from '../config/schema';
import { AwsCallError, NotFoundError, ThrottledError } from '../errors';
import { parseRdsSnapshotIdentifier, TAG } from '../tags/vocabulary';
import { advanceBackup, type BackupLimits } from './advance-backup';
import type { SnapshotSignal } from './events';
import { type Backup, isTerminal } from './model';
import type { BackupPorts } from './ports';

/** Which backup a snapshot belongs to. */
export interface BackupRef {
  site: string;
  backupId: string;
}

export interface EventOutcome {
  /** Backups advanced, with the phase they reached. */
  advanced: { site: string; backupId: string; phase: Backup['status']['phase'] }[];
  /** Signals that concern no lifeboat backup, and why. */
  ignored: { snapshotId: string; reason: string }[];
}

/** Looks an EBS snapshot up by id; undefined if it is gone (a failed copy leaves nothing behind). */
async function ebsTags(
  ports: BackupPorts,
  region: string,
  snapshotId: string,
): Promise<Record<string, string> | undefined> {
  try {
    const [found] = await ports.ebs(region).findSnapshots({ ids: [snapshotId] });
    return found?.tags;
  } catch (error) {
    if (error instanceof AwsCallError && String(error.context.code).startsWith('InvalidSnapshot'))
      return undefined;
    throw error;
  }
}

/** The backup a signal is about: RDS by identifier (no call), EBS by the snapshot's (or its source's) tags. */
async function resolve(ports: BackupPorts, signal: SnapshotSignal): Promise<BackupRef | undefined> {
  if (signal.service === 'rds') return parseRdsSnapshotIdentifier(signal.snapshotId);
  let tags = await ebsTags(ports, signal.region, signal.snapshotId);
  if (tags === undefined && signal.sourceSnapshotId !== undefined && signal.sourceRegion !== undefined) {
    tags = await ebsTags(ports, signal.sourceRegion, signal.sourceSnapshotId);
  }
  const site = tags?.[TAG.site];
  const backupId = tags?.[TAG.backupId];
  if (tags?.[TAG.managed] !== 'true' || site === undefined || backupId === undefined) return undefined;
  return { site, backupId };
}

/**
 * Records AWS's cause of a failure the event reports on the part it names, before advancing:
 * AWS's describe calls often carry no reason, the event does. Forward-only, like every update.
 */
async function recordFailure(
  ports: BackupPorts,
  ref: BackupRef,
  signal: SnapshotSignal,
  at: string,
): Promise<void> {
  const cause = signal.failure;
  if (cause === undefined) return;
  await ports.catalog.updateBackup(ref.site, ref.backupId, (b) => {
    if (isTerminal(b.status.phase)) return undefined;
    const inDr = signal.region === b.spec.drRegion && signal.region !== b.spec.primaryRegion;
    const part = b.status.parts.find((p) =>
      inDr
        ? p.copy.snapshotId === signal.snapshotId || p.snapshotId === signal.sourceSnapshotId
        : p.snapshotId === signal.snapshotId ||
          (p.snapshotId === undefined && p.sourceId === signal.volumeId),
    );
    if (part === undefined) return undefined;
    if (inDr && part.copy.state === 'pending') {
      part.copy = { ...part.copy, state: 'failed', error: cause, completedAt: at };
    } else if (!inDr && part.state === 'pending') {
      part.snapshotId ??= signal.snapshotId;
      part.state = 'failed';
      part.error = cause;
      part.completedAt = at;
    } else {
      return undefined;
    }
    b.status.updatedAt = at;
    return b;
  });
}

/**
 * Handles an EBS or RDS snapshot event: finds the backups it concerns and advances each one step.
 * Events only make a backup move sooner; a lost, duplicated or out-of-order event changes nothing
 * the sweeper would not do, because advance reads AWS's state rather than trusting the event.
 */
export async function onSnapshotEvent(
  ports: BackupPorts,
  clock: Clock,
  config: LifeboatConfig,
  signals: SnapshotSignal[],
  limits: Partial<BackupLimits> = {},
): Promise<EventOutcome> {
  const outcome: EventOutcome = { advanced: [], ignored: [] };
  const refs = new Map<string, { ref: BackupRef; signals: SnapshotSignal[] }>();
  for (const signal of signals) {
    let ref: BackupRef | undefined;
    try {
      ref = await resolve(ports, signal);
    } catch (error) {
      // Throttled looking the snapshot up: the sweeper advances its backup anyway.
      if (!(error instanceof ThrottledError)) throw error;
      outcome.ignored.push({ snapshotId: signal.snapshotId, reason: 'throttled; left for the sweeper' });
      continue;
    }
    if (ref === undefined) {
      outcome.ignored.push({ snapshotId: signal.snapshotId, reason: 'not a lifeboat snapshot' });
      continue;
    }
    const key = `${ref.site}/${ref.backupId}`;
    const entry = refs.get(key) ?? { ref, signals: [] };
    entry.signals.push(signal);
    refs.set(key, entry);
  }
  for (const { ref, signals: forRef } of refs.values()) {
    const site = config.sites.find((s) => s.name === ref.site);
    if (site === undefined) {
      outcome.ignored.push({
        snapshotId: forRef[0]?.snapshotId ?? '',
        reason: `site ${ref.site} is not in the config`,
      });
      continue;
    }
    try {
      for (const signal of forRef) await recordFailure(ports, ref, signal, clock.now().toISOString());
      const backup = await advanceBackup(ports, clock, site, ref.backupId, limits, { sites: config.sites });
      outcome.advanced.push({ site: ref.site, backupId: ref.backupId, phase: backup.status.phase });
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      outcome.ignored.push({ snapshotId: forRef[0]?.snapshotId ?? '', reason: error.message });
    }
  }
  return outcome;
}
