import type { Site } from '../config/schema';
import { isOwnResource, keptTags, TAG } from '../tags/vocabulary';
import type { Backup, BackupPart } from './model';
import type { BackupPorts, Tags, VolumeInfo } from './ports';

/**
 * The site as the backup sees it: the regions and scope recorded on the backup win over the
 * configuration, so a discovery that runs later finds what the request asked for.
 */
function siteOfBackup(site: Site, backup: Backup): Site {
  const scope = backup.spec.scope;
  return {
    ...site,
    regions: { primary: backup.spec.primaryRegion, dr: backup.spec.drRegion },
    // Field by field: a scope without a database (JSON drops undefined) must not fall back to the site's.
    protect:
      scope === undefined
        ? site.protect
        : { ...site.protect, volumes: scope.volumes, database: scope.database, keepTags: scope.keepTags },
  };
}

/**
 * The volumes a backup may cover: never one lifeboat made for its own tasks (it carries
 * lifeboat:role), unless the selector asks for that role, and then only this stage's of this site.
 */
function protectable(volumes: VolumeInfo[], selector: Tags, site: string, stage: string): VolumeInfo[] {
  return volumes.filter((v) => {
    if (isOwnResource(v.tags, selector)) return false;
    if (v.tags[TAG.role] === undefined) return true;
    return v.tags[TAG.stage] === stage && v.tags[TAG.site] === site;
  });
}

/**
 * The volume a recovery creates the task definition's volume `volumeName` from: the site's only
 * volume, or among several the one whose Name tag is `volumeName`. By name, never by order.
 */
function taskVolumeOf(volumes: VolumeInfo[], volumeName: string): string | undefined {
  if (volumes.length === 1) return volumes[0]?.volumeId;
  const named = volumes.filter((v) => v.tags.Name === volumeName);
  return named.length === 1 ? named[0]?.volumeId : undefined;
}

/**
 * Finds what a backup covers in its primary region: one part per volume (sorted by id, the one
 * backing the task definition's volume marked so) and one for the database. Reads only, so any
 * number of concurrent calls may run it; one catalog compare-and-swap decides whose parts are
 * recorded.
 */
export async function discoverParts(ports: BackupPorts, site: Site, backup: Backup): Promise<BackupPart[]> {
  const view = siteOfBackup(site, backup);
  const primary = view.regions.primary;
  const copy = {
    region: view.regions.dr,
    state: backup.spec.copyToDr ? ('waiting' as const) : ('skipped' as const),
  };
  const selector = view.protect.volumes;
  const found = await ports.ebs(primary).findVolumes(selector);
  const volumes = protectable(found, selector.tags ?? {}, site.name, ports.trust.stage);
  const taskVolume = taskVolumeOf(volumes, site.run.volumeName);
  const parts: BackupPart[] = volumes
    .sort((a, b) => a.volumeId.localeCompare(b.volumeId))
    .map((v) => ({
      kind: 'ebs-volume',
      sourceId: v.volumeId,
      ...(v.volumeId === taskVolume ? { taskVolume: site.run.volumeName } : {}),
      state: 'pending',
      encrypted: v.encrypted,
      sourceTags: keptTags(view, v.tags),
      copy: { ...copy },
    }));
  const database = view.protect.database;
  if (database !== undefined) {
    const kind = 'instance' in database ? 'rds-instance' : 'rds-cluster';
    const id = 'instance' in database ? database.instance : database.cluster;
    const db = await ports.rds(primary).describeDatabase(kind, id);
    // A database lifeboat restored for a recovery is its own, never the site's (whatever the config says).
    const own = db !== undefined && isOwnResource(db.tags);
    parts.push(
      db === undefined || own
        ? {
            kind,
            sourceId: id,
            state: 'failed',
            error: own
              ? `database ${id} is one lifeboat made (${TAG.role}=${db.tags[TAG.role]}), not a protected database`
              : `database ${id} does not exist in ${primary}`,
            copy: { ...copy, state: 'skipped' },
          }
        : {
            kind,
            sourceId: id,
            state: 'pending',
            encrypted: db.encrypted,
            sourceTags: keptTags(view, db.tags),
            copy: { ...copy },
          },
    );
  }
  return parts;
}
