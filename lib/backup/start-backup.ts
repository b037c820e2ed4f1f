import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { AlreadyExistsError } from '../errors';
import { backupIdFor } from '../ids';
import { advanceBackup, type BackupLimits } from './advance-backup';
import type { Backup, BackupKind, BackupPart } from './model';
import { keptTags } from './naming';
import type { BackupPorts } from './ports';

export interface StartBackupRequest {
  site: Site;
  kind: BackupKind;
  /** The schedule time (or request time); the backup id is derived from it. */
  at: Date;
  reason?: string;
  /** Copy to the DR region; default true, false for broken-state and pre-promote captures. */
  copyToDr?: boolean;
}

const PRIMARY_ONLY: readonly BackupKind[] = ['broken-state', 'pre-promote'];

/** Finds what the site protects in its primary region: one part per volume and one for the database. */
async function discoverParts(ports: BackupPorts, site: Site, copyToDr: boolean): Promise<BackupPart[]> {
  const primary = site.regions.primary;
  const copy = { region: site.regions.dr, state: copyToDr ? ('waiting' as const) : ('skipped' as const) };
  const volumes = await ports.ebs(primary).findVolumes(site.protect.volumes);
  const parts: BackupPart[] = volumes
    .sort((a, b) => a.volumeId.localeCompare(b.volumeId))
    .map((v) => ({
      kind: 'ebs-volume',
      sourceId: v.volumeId,
      state: 'pending',
      encrypted: v.encrypted,
      sourceTags: keptTags(site, v.tags),
      copy: { ...copy },
    }));
  const database = site.protect.database;
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
            sourceTags: keptTags(site, db.tags),
            copy: { ...copy },
          },
    );
  }
  return parts;
}

/**
 * Starts a backup of a site: records it (phase Pending) with one part per volume and database,
 * then starts the snapshots. Idempotent: the id comes from site, kind and time, so a duplicate
 * request returns the backup already made and starts no second snapshot.
 */
export async function startBackup(
  ports: BackupPorts,
  clock: Clock,
  request: StartBackupRequest,
  limits: Partial<BackupLimits> = {},
): Promise<Backup> {
  const { site, kind, at } = request;
  const id = backupIdFor(kind, at);
  const existing = await ports.catalog.getBackup(site.name, id);
  if (existing !== undefined) return existing;

  const copyToDr = request.copyToDr ?? !PRIMARY_ONLY.includes(kind);
  const parts = await discoverParts(ports, site, copyToDr);
  const now = clock.now().toISOString();
  const backup: Backup = {
    apiVersion: 'lifeboat/v1',
    kind: 'Backup',
    id,
    site: site.name,
    spec: {
      kind,
      scheduledFor: at.toISOString(),
      reason: request.reason,
      primaryRegion: site.regions.primary,
      drRegion: site.regions.dr,
      copyToDr,
    },
    status: { phase: 'Pending', parts, createdAt: now, updatedAt: now },
  };
  try {
    await ports.catalog.createBackup(backup);
  } catch (error) {
    // A concurrent delivery of the same request created it first: its snapshots are its own.
    if (!(error instanceof AlreadyExistsError)) throw error;
    return (await ports.catalog.getBackup(site.name, id)) ?? backup;
  }
  return advanceBackup(ports, clock, site, id, limits);
}
