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

export interface SweepResult {
  dispatched: BackupRef[];
  sites: { site: string; open: number; newestCompletedAgeSeconds?: number }[];
}

/** Age of the site's newest Completed backup; listing is newest first, so this reads a page or two. */
async function newestCompletedAge(ports: BackupPorts, site: string, now: Date): Promise<number | undefined> {
  for await (const backup of ports.catalog.allBackups(site)) {
    if (backup.status.phase === 'Completed') {
      const at = backup.status.completedAt ?? backup.status.updatedAt;
      return Math.max(0, Math.round((now.getTime() - new Date(at).getTime()) / 1000));
    }
  }
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
  for (const site of sites) {
    const ids = await ports.catalog.openBackupIds(site.name);
    const refs = ids.map((backupId) => ({ site: site.name, backupId }));
    if (refs.length > 0) await dispatch(refs);
    result.dispatched.push(...refs);
    const age = await newestCompletedAge(ports, site.name, clock.now());
    telemetry?.newestCompletedBackup(site.name, age);
    result.sites.push({ site: site.name, open: ids.length, newestCompletedAgeSeconds: age });
  }
  return result;
}
