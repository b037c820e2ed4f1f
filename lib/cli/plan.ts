import type { Backup } from '../backup/model';
import type { Catalog } from '../catalog/catalog';
import type { Site } from '../config/schema';
import { NotFoundError } from '../errors';
import { type Candidate, toCandidate } from '../recovery/candidates';
import { rankCandidates } from '../recovery/pick-known-good';
import { formatDuration, formatTime } from '../report/format';

/** What a recovery would do, worked out from the catalog and the config without changing anything. */
export interface RecoveryPlan {
  site: string;
  outageStartedAt: string;
  /** The first backup tried, then the walk-back, best first; empty if none qualifies. */
  candidates: Candidate[];
  steps: string[];
}

async function candidatesFor(
  catalog: Catalog,
  site: Site,
  before: Date,
  backupId?: string,
): Promise<Candidate[]> {
  if (backupId !== undefined) {
    const backup = await catalog.getBackup(site.name, backupId);
    if (backup === undefined)
      throw new NotFoundError(`backup ${backupId} of ${site.name} is not in the catalog`);
    const candidate = backup.status.phase === 'Completed' ? toCandidate(backup) : undefined;
    return candidate === undefined ? [] : [candidate];
  }
  const backups: Backup[] = [];
  for await (const backup of catalog.allBackups(site.name)) backups.push(backup);
  return rankCandidates(backups, { before, limit: site.recovery.maxWalkBack + 1, preferDrilled: true });
}

/** The plan of a recovery of `site` for an outage that began at `since`. */
export async function planRecovery(
  catalog: Catalog,
  site: Site,
  since: Date,
  options: { backupId?: string; skipSandbox: boolean },
): Promise<RecoveryPlan> {
  const candidates = await candidatesFor(catalog, site, since, options.backupId);
  const [first, ...rest] = candidates;
  const run = site.run;
  const steps = [
    `capture the broken state: snapshot the site's volumes${site.protect.database === undefined ? '' : ' and database'} now (kept in ${site.regions.primary})`,
    first === undefined
      ? `pick a backup: NONE — no completed backup taken before ${formatTime(since.toISOString())}; the recovery would fail`
      : `launch from backup ${first.backupId} (taken ${formatTime(first.takenAt)}, ${formatDuration(since.getTime() - new Date(first.takenAt).getTime())} before the outage${first.drilled ? ', restore drill passed' : ''}), volume ${run.volumeName} from ${first.snapshotId}`,
    ...(rest.length > 0
      ? [`if it is unhealthy, walk back to: ${rest.map((c) => c.backupId).join(', ')}`]
      : []),
    `run task definition ${run.taskDefinition} on cluster ${run.cluster} in ${site.regions.primary} (subnets ${run.subnets.join(', ')})`,
    `health gate: GET ${site.health.path} on port ${run.containerPort} must answer ${site.health.expectedStatus} ${site.health.healthyThreshold} time(s) in a row within ${site.health.deadlineSeconds} s`,
    `switch DNS: UPSERT ${site.dns.recordName} (zone ${site.dns.hostedZoneId}) A → the replacement's address, TTL ${site.dns.ttl} s`,
    options.skipSandbox
      ? 'no sandbox (--skip-sandbox)'
      : `open the sandbox ${site.sandbox.recordName} from the broken state, reachable only from ${site.sandbox.allowedCidr}`,
  ];
  return { site: site.name, outageStartedAt: since.toISOString(), candidates, steps };
}
