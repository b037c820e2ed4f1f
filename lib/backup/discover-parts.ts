import type { Site } from '../config/schema';
import { keptTags } from '../tags/vocabulary';
import type { Backup, BackupPart } from './model';
import type { BackupPorts } from './ports';

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
 * Finds what a backup covers in its primary region: one part per volume (sorted by id) and one
 * for the database. Reads only, so any number of concurrent calls may run it; one catalog
 * compare-and-swap decides whose parts are recorded.
 */
export async function discoverParts(ports: BackupPorts, site: Site, backup: Backup): Promise<BackupPart[]> {
  const view = siteOfBackup(site, backup);
  const primary = view.regions.primary;
  const copy = {
    region: view.regions.dr,
    state: backup.spec.copyToDr ? ('waiting' as const) : ('skipped' as const),
  };
  const volumes = await ports.ebs(primary).findVolumes(view.protect.volumes);
  const parts: BackupPart[] = volumes
    .sort((a, b) => a.volumeId.localeCompare(b.volumeId))
    .map((v) => ({
      kind: 'ebs-volume',
      sourceId: v.volumeId,
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
    parts.push(
      db === undefined
        ? {
            kind,
            sourceId: id,
            state: 'failed',
            error: `database ${id} does not exist in ${primary}`,
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
