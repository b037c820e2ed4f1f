import type { Catalog } from '../catalog/catalog';
import type { Recovery, TimelineEntry } from './model';

/** One finished timeline entry. */
export function entry(
  step: string,
  startedAt: Date,
  endedAt: Date,
  outcome: NonNullable<TimelineEntry['outcome']>,
  critical: boolean,
  detail: Record<string, unknown> = {},
): TimelineEntry {
  return {
    step,
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    outcome,
    critical,
    detail,
  };
}

/**
 * Applies `change` to the run's record and appends `entries` to its timeline, in one
 * compare-and-swap write. An entry already there (same step and start, a retried task) is not added twice.
 */
export async function journal(
  catalog: Catalog,
  site: string,
  recoveryId: string,
  entries: TimelineEntry[],
  change: (recovery: Recovery) => void = () => undefined,
): Promise<Recovery> {
  return catalog.updateRecovery(site, recoveryId, (recovery) => {
    change(recovery);
    for (const e of entries) {
      const duplicate = recovery.status.timeline.some(
        (t) => t.step === e.step && t.startedAt === e.startedAt,
      );
      if (!duplicate) recovery.status.timeline.push(e);
    }
    return recovery;
  });
}
