import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import type { BackupRef } from './on-snapshot-event';
import type { BackupPorts } from './ports';

/** Hands open backups to whoever advances them: an SQS queue in AWS, a direct call locally. */
export type BackupDispatch = (refs: BackupRef[]) => Promise<void>;

/** Per-site freshness, for the "no backup completed in 26 h" alarm. */
export interface SweepTelemetry {
  newestCompletedBackup(site: string, ageSeconds: number | undefined): void;
}

const SITES_IN_PARALLEL = 16;

export interface SweepResult {
  dispatched: BackupRef[];
  sites: { site: string; open: number; newestCompletedAgeSeconds?: number }[];
}

/**
 * Age of the site's newest Completed backup. Listing is newest first and each listed record is
 * read, so small pages: usually the first page of five has it.
 */
async function newestCompletedAge(ports: BackupPorts, site: string, now: Date): Promise<number | undefined> {
  let pageToken: string | undefined;
  do {
    const page = await ports.catalog.listBackups(site, { pageSize: 5, pageToken });
    const completed = page.items.find((b) => b.status.phase === 'Completed');
    if (completed !== undefined) {
      const at = completed.status.completedAt ?? completed.status.updatedAt;
      return Math.max(0, Math.round((now.getTime() - new Date(at).getTime()) / 1000));
    }
    pageToken = page.nextToken;
  } while (pageToken !== undefined);
  return undefined;
}

/**
 * The reconciler: lists every site's unfinished backups and dispatches each one to `advance`,
 * so a backup whose events were lost still finishes. Reports each site's newest completed backup.
 */
export async function sweepBackups(
  ports: BackupPorts,
  clock: Clock,
  sites: readonly Site[],
  dispatch: BackupDispatch,
  telemetry?: SweepTelemetry,
): Promise<SweepResult> {
  const result: SweepResult = { dispatched: [], sites: [] };
  const sweepSite = async (site: Site) => {
    const ids = await ports.catalog.openBackupIds(site.name);
    const refs = ids.map((backupId) => ({ site: site.name, backupId }));
    if (refs.length > 0) await dispatch(refs);
    const age = await newestCompletedAge(ports, site.name, clock.now());
    telemetry?.newestCompletedBackup(site.name, age);
    return { refs, summary: { site: site.name, open: ids.length, newestCompletedAgeSeconds: age } };
  };
  // A few sites at a time: thousands of sites fit one run, and S3 sees a bounded request rate.
  for (let start = 0; start < sites.length; start += SITES_IN_PARALLEL) {
    const done = await Promise.all(sites.slice(start, start + SITES_IN_PARALLEL).map(sweepSite));
    for (const d of done) {
      result.dispatched.push(...d.refs);
      result.sites.push(d.summary);
    }
  }
  return result;
}
