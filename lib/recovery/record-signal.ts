import type { Catalog } from '../catalog/catalog';
import type { Clock } from '../clock';
import { NotFoundError } from '../errors';
import type { TriggerSource } from './model';

export interface RecordSignalPorts {
  catalog: Pick<Catalog, 'readLock' | 'updateRecovery' | 'listRecoveries'>;
}

export interface RecordSignalRequest {
  site: string;
  signal: { source: TriggerSource; state: string; at: Date };
}

export type RecordSignalResult =
  | { outcome: 'recorded'; site: string; recoveryId: string }
  | {
      outcome: 'ignored';
      reason: 'no-open-recovery' | 'recovery-not-recorded-yet' | 'duplicate-signal';
      why: string;
      site: string;
      recoveryId?: string;
    };

/** A signal this long after a finished recovery started still belongs to its incident. */
export const RECENT_RECOVERY_MS = 24 * 3_600_000;

/**
 * The recovery a signal belongs to: the holder of the site lock while one runs; otherwise the
 * site's newest recovery if it started within RECENT_RECOVERY_MS before the signal (a recovery
 * usually ends minutes before Pingdom sees the site UP again).
 */
async function recoveryForSignal(ports: RecordSignalPorts, clock: Clock, site: string, at: Date) {
  const lock = await ports.catalog.readLock(site);
  if (lock !== undefined && new Date(lock.expiresAt) > clock.now()) return lock.holder;
  const newest = (await ports.catalog.listRecoveries(site, { pageSize: 1 })).items[0];
  if (newest === undefined || newest.spec.kind !== 'recovery' || newest.spec.options.dryRun) return undefined;
  const age = at.getTime() - new Date(newest.status.startedAt).getTime();
  return age >= 0 && age <= RECENT_RECOVERY_MS ? newest.id : undefined;
}

/**
 * Records a later signal about an outage (Pingdom UP, an alarm back to OK) on the site's open or
 * just-finished recovery. Recording the same signal twice changes nothing.
 */
export async function recordSignal(
  ports: RecordSignalPorts,
  clock: Clock,
  request: RecordSignalRequest,
): Promise<RecordSignalResult> {
  const { site } = request;
  const recoveryId = await recoveryForSignal(ports, clock, site, request.signal.at);
  if (recoveryId === undefined) {
    return {
      outcome: 'ignored',
      reason: 'no-open-recovery',
      why: `site ${site} has no open or recent recovery`,
      site,
    };
  }
  const signal = {
    source: request.signal.source,
    state: request.signal.state,
    at: request.signal.at.toISOString(),
  };
  let added = false;
  try {
    await ports.catalog.updateRecovery(site, recoveryId, (recovery) => {
      const signals = recovery.status.signals ?? [];
      if (signals.some((s) => s.source === signal.source && s.state === signal.state && s.at === signal.at)) {
        added = false;
        return undefined;
      }
      added = true;
      return { ...recovery, status: { ...recovery.status, signals: [...signals, signal] } };
    });
  } catch (error) {
    // The lock is taken a moment before the record is written by the state machine's first task.
    if (error instanceof NotFoundError) {
      return {
        outcome: 'ignored',
        reason: 'recovery-not-recorded-yet',
        why: `recovery ${recoveryId} holds the lock of site ${site} but has no record yet`,
        site,
        recoveryId,
      };
    }
    throw error;
  }
  if (!added) {
    return {
      outcome: 'ignored',
      reason: 'duplicate-signal',
      why: `signal ${signal.source} ${signal.state} at ${signal.at} is already recorded`,
      site,
      recoveryId,
    };
  }
  return { outcome: 'recorded', site, recoveryId };
}
