import { timestampOfId } from '../ids';

/**
 * Every key in the catalog bucket, and nothing else builds one. Records of a kind sit side by side
 * under their site, prefixed with an inverted timestamp so that a plain S3 listing (ascending)
 * returns the newest first and can be paged:
 *
 *   sites/<site>/backups/<inverted>_<id>.json
 *   sites/<site>/recoveries/<inverted>_<id>.json
 *   sites/_index/open/<site>/<id>         marker while a backup needs the sweeper (one listing for the fleet)
 *   sites/_index/parked/<site>/<id>       marker while an unfinished backup waits only for DR copy slots
 *   sites/_index/legacy-migrated          written once the markers of earlier versions were moved (below)
 *   sites/<site>/open-backups/<id>        earlier versions' open-backup marker: moved into the index, never written
 *   sites/<site>/lock                     one recovery or promote at a time
 *   sites/<site>/incidents/<key>          first delivery of an incident wins (duplicate alarms)
 *   sites/<site>/readiness.json           the latest readiness check (lib/readiness)
 *   sites/_regions/<region>/copy-queue.json   DR copies into the region: slots, queue, newest per volume
 *   sites/_regions/<region>/ec2-budget.json   the region's EC2 request budget that every start spends
 *
 * The fleet's documents sit under `sites/` too, so every role that may write a backup (recovery's
 * captures included) reaches them with its `sites/*` grant; `_index` and `_regions` cannot be site
 * names (lowercase letters, digits and hyphens).
 */
const MAX_EPOCH_SECONDS = 9_999_999_999;

function inverted(id: string): string {
  const seconds = Math.floor(timestampOfId(id).getTime() / 1000);
  return String(MAX_EPOCH_SECONDS - seconds).padStart(10, '0');
}

function idFromRecordKey(key: string): string {
  const file = key.slice(key.lastIndexOf('/') + 1);
  return file.slice(file.indexOf('_') + 1, -'.json'.length);
}

export const catalogKeys = {
  readiness: (site: string) => `sites/${site}/readiness.json`,
  backupsPrefix: (site: string) => `sites/${site}/backups/`,
  backup: (site: string, id: string) => `sites/${site}/backups/${inverted(id)}_${id}.json`,
  recoveriesPrefix: (site: string) => `sites/${site}/recoveries/`,
  recovery: (site: string, id: string) => `sites/${site}/recoveries/${inverted(id)}_${id}.json`,
  openBackupsPrefix: (site?: string) =>
    site === undefined ? 'sites/_index/open/' : `sites/_index/open/${site}/`,
  openBackup: (site: string, id: string) => `sites/_index/open/${site}/${id}`,
  parkedBackupsPrefix: (site?: string) =>
    site === undefined ? 'sites/_index/parked/' : `sites/_index/parked/${site}/`,
  parkedBackup: (site: string, id: string) => `sites/_index/parked/${site}/${id}`,
  legacyOpenBackupsPrefix: (site: string) => `sites/${site}/open-backups/`,
  legacyMigrated: () => 'sites/_index/legacy-migrated',
  lock: (site: string) => `sites/${site}/lock`,
  incident: (site: string, incidentKey: string) =>
    `sites/${site}/incidents/${incidentKey.replace(/[^A-Za-z0-9._-]/g, '_')}`,
  sitesPrefix: () => 'sites/',
  copyQueue: (region: string) => `sites/_regions/${region}/copy-queue.json`,
  ec2Budget: (region: string) => `sites/_regions/${region}/ec2-budget.json`,
  /** The record id stored under a backup or recovery key. */
  idFromRecordKey,
  /** The backup id of an open- or parked-backup marker key. */
  idFromMarkerKey: (key: string) => key.slice(key.lastIndexOf('/') + 1),
  /** Site and backup id of a marker key (`sites/_index/open/<site>/<id>`). */
  refFromMarkerKey: (key: string) => {
    const parts = key.split('/');
    return { site: parts[parts.length - 2] ?? '', backupId: parts[parts.length - 1] ?? '' };
  },
};
