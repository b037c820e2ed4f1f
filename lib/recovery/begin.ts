import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { AlreadyExistsError, SiteLockedError } from '../errors';
import { entry, journal } from './journal';
import type { Recovery, RunHeader } from './model';
import type { RecoveryPorts } from './ports';

/**
 * The lock outlives the state machines' own timeout (TimeoutSeconds in stepfunctions/*.asl.yml, at
 * most 5 h: a slow point-in-time restore may take hours), so it never expires under a live run, and
 * frees the site if a run dies without releasing it (tests/unit/recovery/time-budgets.test.ts).
 */
export const LOCK_TTL_MS = 5.25 * 60 * 60 * 1000;

function newRecovery(run: RunHeader, now: Date): Recovery {
  return {
    apiVersion: 'lifeboat/v1',
    kind: 'Recovery',
    id: run.recoveryId,
    site: run.site,
    spec: { kind: run.kind, trigger: run.trigger, options: run.options },
    status: {
      phase: 'Running',
      attempts: [],
      tasks: [],
      timeline: [],
      signals: [],
      startedAt: now.toISOString(),
    },
  };
}

/**
 * Creates the run's record (create-only: a duplicate delivery finds it and goes on) and takes the
 * site's lock for recoveries and promotes (a drill changes nothing users see, so it takes none).
 * A lock held by another run is recorded on this run and raised as SiteLockedError. A dry run
 * changes nothing.
 */
export async function beginRun(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  run: RunHeader,
  executionArn?: string,
): Promise<RunHeader> {
  if (run.options.dryRun) return run;
  const now = clock.now();
  try {
    const recovery = newRecovery(run, now);
    recovery.status.executionArn = executionArn;
    await ports.catalog.createRecovery(recovery);
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
  }
  if (run.kind === 'drill') {
    await journal(ports.catalog, site.name, run.recoveryId, [entry('begin', now, clock.now(), 'ok', false)]);
    return run;
  }
  try {
    const lock = await ports.catalog.acquireLock(site.name, run.recoveryId, now, LOCK_TTL_MS);
    await journal(ports.catalog, site.name, run.recoveryId, [
      entry('begin', now, clock.now(), 'ok', true, {
        lockExpiresAt: lock.expiresAt,
        database: run.options.database,
      }),
    ]);
    return run;
  } catch (error) {
    if (error instanceof SiteLockedError) {
      await journal(ports.catalog, site.name, run.recoveryId, [
        entry('begin', now, clock.now(), 'failed', true, { lockedBy: error.context.holder }),
      ]);
    }
    throw error;
  }
}
