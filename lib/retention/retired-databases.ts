import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { asError } from '../errors';
import { MANAGED, TAG, type Tags } from '../tags/vocabulary';
import type { RetentionPorts, RetiredDatabase, RetiredSnapshot } from './ports';

/**
 * A database a promote stopped is kept, stopped, with its final snapshot until its
 * lifeboat:retain-until (the site's daily retention window after the switch). Then retention
 * deletes it without another snapshot (the stop's holds its data) and deletes that final
 * snapshot too once its own retain-until (the same time) has passed: what a promote dropped
 * lives as long as a nightly backup of that day. RDS starts a stopped database again after 7
 * days; retention stops one it finds running before its retain-until.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_StopInstance.html
 */

/** What retention did with one retired database or final snapshot. */
export interface RetiredItem {
  kind: 'database' | 'final-snapshot';
  identifier: string;
  retainUntil: string;
  outcome: 'kept' | 'stopped' | 'deleted' | 'would-stop' | 'would-delete' | 'busy' | 'failed';
  error?: string;
}

/** The tags that select this stage's retired databases of `site` (lifeboat:retain-until is also required). */
export function retiredSelector(site: string, stage: string): Tags {
  return { [TAG.managed]: MANAGED, [TAG.stage]: stage, [TAG.site]: site };
}

function retainUntilOf(tags: Tags): Date | undefined {
  const at = Date.parse(tags[TAG.retainUntil] ?? '');
  return Number.isNaN(at) ? undefined : new Date(at);
}

/** A retired database must also name the recovery and the role it was restored for. */
const isRestored = (d: RetiredDatabase | RetiredSnapshot) =>
  d.tags[TAG.role] !== undefined && d.tags[TAG.recoveryId] !== undefined;

/**
 * Deletes the retired databases (and then their final snapshots) of `site` in its primary region
 * whose retain-until has passed, and stops the ones RDS started again before it; a dry run only
 * says what it would do. One that fails is reported and left to the next run.
 */
export async function applyRetiredDatabaseRetention(
  ports: RetentionPorts,
  clock: Clock,
  site: Site,
  options: { dryRun: boolean; stage: string },
): Promise<RetiredItem[]> {
  if (ports.retired === undefined) return [];
  const port = ports.retired(site.regions.primary);
  const now = clock.now();
  const selector = retiredSelector(site.name, options.stage);
  const items: RetiredItem[] = [];
  const databases = (await port.databases(selector)).filter(isRestored);
  for (const db of databases) {
    const until = retainUntilOf(db.tags);
    if (until === undefined) continue;
    const item: RetiredItem = {
      kind: 'database',
      identifier: db.identifier,
      retainUntil: until.toISOString(),
      outcome: 'kept',
    };
    items.push(item);
    try {
      if (until.getTime() <= now.getTime()) {
        if (options.dryRun) item.outcome = 'would-delete';
        else item.outcome = (await port.delete(db)) === 'busy' ? 'busy' : 'deleted';
      } else if (db.status === 'available') {
        if (options.dryRun) item.outcome = 'would-stop';
        else item.outcome = (await port.stop(db.kind, db.identifier)) === 'busy' ? 'busy' : 'stopped';
      }
    } catch (error) {
      item.outcome = 'failed';
      item.error = asError(error).message;
    }
  }
  const stillThere = new Set(items.filter((i) => i.outcome !== 'deleted').map((i) => i.identifier));
  for (const snapshot of (await port.snapshots(selector)).filter(isRestored)) {
    const until = retainUntilOf(snapshot.tags);
    if (until === undefined || until.getTime() > now.getTime()) continue;
    // The final snapshot goes only after its database: never the last copy of a database still kept.
    const of = snapshot.identifier.replace(/-final$/, '');
    if (stillThere.has(of)) continue;
    const item: RetiredItem = {
      kind: 'final-snapshot',
      identifier: snapshot.identifier,
      retainUntil: until.toISOString(),
      outcome: options.dryRun ? 'would-delete' : 'deleted',
    };
    items.push(item);
    if (options.dryRun) continue;
    try {
      await ports.rds(site.regions.primary).deleteSnapshot(snapshot.kind, snapshot.identifier);
    } catch (error) {
      item.outcome = 'failed';
      item.error = asError(error).message;
    }
  }
  return items;
}
