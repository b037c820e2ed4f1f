import type { Catalog } from '../catalog/catalog';
import type { DatabaseMode, Site } from '../config/schema';
import { NoKnownGoodBackupError } from '../errors';
import type { Candidate, CandidateQueue } from '../recovery/candidates';
import { catalogCandidates, planOf } from '../recovery/pick-known-good';
import { type DatabasePlan, describeDatabasePlan, planDatabase } from '../recovery/restore-database';
import { formatDuration, formatTime } from '../report/format';

/** What a recovery would do, worked out from the catalog and the config without changing anything. */
export interface RecoveryPlan {
  site: string;
  outageStartedAt: string;
  /** The first backup tried, then the walk-back, best first; empty if none qualifies. */
  candidates: Candidate[];
  /** Why no backup qualifies, as the recovery would say it (NoKnownGoodBackupError). */
  refusal?: { error: string; message: string };
  /** Which DB snapshot, or which point in time, the replacement's database would come from. */
  database: DatabasePlan;
  steps: string[];
}

/** The recovery's own pick; a NoKnownGoodBackupError becomes an empty queue and its reason. */
async function pick(
  catalog: Catalog,
  site: Site,
  before: Date,
  backupId: string | undefined,
): Promise<{ queue: CandidateQueue; refusal?: NoKnownGoodBackupError }> {
  // The plan reads only the catalog: the recovery itself checks each snapshot in AWS.
  try {
    const queue = await catalogCandidates({ catalog }, site, {
      before,
      backupId,
      limit: site.recovery.maxWalkBack + 1,
      preferDrilled: true,
    });
    return { queue };
  } catch (error) {
    if (!(error instanceof NoKnownGoodBackupError)) throw error;
    return { queue: { rest: [] }, refusal: error };
  }
}

/** The plan of a recovery of `site` for an outage that began at `since`. */
export async function planRecovery(
  catalog: Catalog,
  site: Site,
  since: Date,
  options: { backupId?: string; skipSandbox: boolean; database?: DatabaseMode },
): Promise<RecoveryPlan> {
  const { queue, refusal } = await pick(catalog, site, since, options.backupId);
  const plan = planOf(site, queue);
  const database = planDatabase(
    site,
    options.database ?? site.recovery.database,
    queue.next,
    since.toISOString(),
    options.backupId !== undefined,
  );
  const first = plan.backup;
  const candidates = first === undefined ? [] : [first, ...queue.rest];
  const run = site.run;
  const steps = [
    `capture the broken state: snapshot the site's volumes${site.protect.database === undefined ? '' : ' and database'} now (kept in ${site.regions.primary})`,
    first === undefined
      ? `pick a backup: NONE — ${refusal?.message ?? 'no backup qualifies'}; the recovery would fail`
      : `launch from backup ${first.backupId} (taken ${formatTime(first.takenAt)}, ${formatDuration(since.getTime() - new Date(first.takenAt).getTime())} before the outage${first.drilled ? ', restore drill passed' : ''}), volume ${plan.launch.volumeName} from ${plan.launch.snapshotId}`,
    ...(plan.walkBack.length > 0 ? [`if it is unhealthy, walk back to: ${plan.walkBack.join(', ')}`] : []),
    ...(first === undefined ? [] : [describeDatabasePlan(site, database)]),
    `run task definition ${plan.launch.taskDefinition} on cluster ${plan.launch.cluster} in ${site.regions.primary} (subnets ${run.subnets.join(', ')})`,
    `health gate: GET ${site.health.path} on port ${run.containerPort} must answer ${site.health.expectedStatus} ${site.health.healthyThreshold} time(s) in a row within ${site.health.deadlineSeconds} s`,
    `switch DNS: UPSERT ${plan.dns.recordName} (zone ${plan.dns.hostedZoneId}) A → the replacement's address, TTL ${plan.dns.ttl} s`,
    options.skipSandbox
      ? 'no sandbox (--skip-sandbox)'
      : `open the sandbox ${plan.sandbox.recordName} from the broken state, reachable only from ${plan.sandbox.allowedCidr}`,
  ];
  const sandboxDb = site.sandbox.databaseSecurityGroups;
  if (!options.skipSandbox && site.protect.database !== undefined && sandboxDb !== undefined) {
    // Before the sandbox step: it runs on its own restore of the broken-state DB snapshot.
    steps.splice(
      steps.length - 1,
      0,
      `sandbox database: restore the broken-state DB snapshot (taken with the volume) behind ${sandboxDb.join(', ')}, reachable only from the sandbox`,
    );
  }
  return {
    site: site.name,
    outageStartedAt: since.toISOString(),
    candidates,
    ...(refusal === undefined ? {} : { refusal: { error: refusal.name, message: refusal.message } }),
    database,
    steps,
  };
}
