import type { Catalog } from '../catalog/catalog';
import type { Clock } from '../clock';
import { NotFoundError } from '../errors';
import type { TriggerSource } from './model';

export interface RecordSignalPorts {
  catalog: Pick<Catalog, 'readLock' | 'updateRecovery'>;
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

/**
 * Records a later signal about an outage (Pingdom UP, an alarm back to OK) on the site's open
 * recovery, the holder of the site lock. Recording the same signal twice changes nothing.
 */
export async function recordSignal(
  ports: RecordSignalPorts,
  clock: Clock,
  request: RecordSignalRequest,
): Promise<RecordSignalResult> {
  const { site } = request;
  const lock = await ports.catalog.readLock(site);
  if (lock === undefined || new Date(lock.expiresAt) <= clock.now()) {
    return { outcome: 'ignored', reason: 'no-open-recovery', why: `site ${site} has no open recovery`, site };
  }
  const recoveryId = lock.holder;
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
