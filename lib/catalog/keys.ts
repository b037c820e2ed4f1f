import { timestampOfId } from '../ids';

/**
 * Every key in the catalog bucket, and nothing else builds one. Records of a kind sit side by side
 * under their site, prefixed with an inverted timestamp so that a plain S3 listing (ascending)
 * returns the newest first and can be paged:
 *
 *   sites/<site>/backups/<inverted>_<id>.json
 *   sites/<site>/recoveries/<inverted>_<id>.json
 *   sites/<site>/open-backups/<id>        marker while a backup is unfinished (the sweeper's work list)
 *   sites/<site>/lock                     one recovery or promote at a time
 *   sites/<site>/incidents/<key>          first delivery of an incident wins (duplicate alarms)
 *   regions/<region>/copy-queue.json      DR copies into the region: slots, queue, newest per volume
 *   regions/<region>/ec2-budget.json      the region's EC2 request budget that every start spends
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
  backupsPrefix: (site: string) => `sites/${site}/backups/`,
  backup: (site: string, id: string) => `sites/${site}/backups/${inverted(id)}_${id}.json`,
  recoveriesPrefix: (site: string) => `sites/${site}/recoveries/`,
  recovery: (site: string, id: string) => `sites/${site}/recoveries/${inverted(id)}_${id}.json`,
  openBackupsPrefix: (site: string) => `sites/${site}/open-backups/`,
  openBackup: (site: string, id: string) => `sites/${site}/open-backups/${id}`,
  lock: (site: string) => `sites/${site}/lock`,
  incident: (site: string, incidentKey: string) =>
    `sites/${site}/incidents/${incidentKey.replace(/[^A-Za-z0-9._-]/g, '_')}`,
  sitesPrefix: () => 'sites/',
  copyQueue: (region: string) => `regions/${region}/copy-queue.json`,
  ec2Budget: (region: string) => `regions/${region}/ec2-budget.json`,
  /** The record id stored under a backup or recovery key. */
  idFromRecordKey,
  /** The backup id of an open-backup marker key. */
  idFromMarkerKey: (key: string) => key.slice(key.lastIndexOf('/') + 1),
};
