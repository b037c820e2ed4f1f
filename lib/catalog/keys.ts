import { timestampOfId } from '../ids';

/**
 * Every key in the catalog bucket, and nothing else builds one. Records of a kind sit side by side
 * under their site, prefixed with an inverted timestamp so that a plain S3 listing (ascending)
 * returns the newest first and can be paged:
 *
 *   sites/<site>/backups/<inverted>_<id>.json
 *   sites/<site>/recoveries/<inverted>_<id>.json
 *   open-backups/<site>/<id>              marker while a backup needs the sweeper (one listing for the fleet)
 *   parked-backups/<site>/<id>            marker while an unfinished backup waits only for DR copy slots
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
  openBackupsPrefix: (site?: string) => (site === undefined ? 'open-backups/' : `open-backups/${site}/`),
  openBackup: (site: string, id: string) => `open-backups/${site}/${id}`,
  parkedBackupsPrefix: (site?: string) =>
    site === undefined ? 'parked-backups/' : `parked-backups/${site}/`,
  parkedBackup: (site: string, id: string) => `parked-backups/${site}/${id}`,
  lock: (site: string) => `sites/${site}/lock`,
  incident: (site: string, incidentKey: string) =>
    `sites/${site}/incidents/${incidentKey.replace(/[^A-Za-z0-9._-]/g, '_')}`,
  sitesPrefix: () => 'sites/',
  copyQueue: (region: string) => `regions/${region}/copy-queue.json`,
  ec2Budget: (region: string) => `regions/${region}/ec2-budget.json`,
  /** The record id stored under a backup or recovery key. */
  idFromRecordKey,
  /** The backup id of an open- or parked-backup marker key. */
  idFromMarkerKey: (key: string) => key.slice(key.lastIndexOf('/') + 1),
  /** Site and backup id of a marker key (`open-backups/<site>/<id>`). */
  refFromMarkerKey: (key: string) => {
    const [, site = '', backupId = ''] = key.split('/');
    return { site, backupId };
  },
};
