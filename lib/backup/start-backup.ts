import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { AlreadyExistsError, ThrottledError } from '../errors';
import { backupIdFor } from '../ids';
import { advanceBackup, type BackupLimits } from './advance-backup';
import { awaitsDiscovery, type Backup, type BackupKind } from './model';
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

/** The backup as first recorded: Pending, its scope frozen, its volumes and database still to find. */
function newBackup(request: StartBackupRequest, id: string, now: string): Backup {
  const { site, kind, at } = request;
  return {
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
      copyToDr: request.copyToDr ?? !PRIMARY_ONLY.includes(kind),
      scope: {
        volumes: site.protect.volumes,
        database: site.protect.database,
        keepTags: site.protect.keepTags,
      },
    },
    status: { phase: 'Pending', discovered: false, parts: [], createdAt: now, updatedAt: now },
  };
}

/**
 * Starts a backup of a site: records it first (phase Pending, no parts yet), then finds its
 * volumes and database and starts their snapshots. Idempotent: the id comes from site, kind and
 * time, so a duplicate request returns the backup already made and starts no second snapshot.
 */
export async function startBackup(
  ports: BackupPorts,
  clock: Clock,
  request: StartBackupRequest,
  limits: Partial<BackupLimits> = {},
): Promise<Backup> {
  const { site, kind, at } = request;
  const id = backupIdFor(kind, at);
  const advance = async (): Promise<Backup> => {
    try {
      return await advanceBackup(ports, clock, site, id, limits);
    } catch (error) {
      // Throttled once the backup is recorded: the sweeper takes the next step. Throwing would
      // only count as a Lambda error, and Lambda's retry would find the record and stop there.
      if (!(error instanceof ThrottledError)) throw error;
      const recorded = await ports.catalog.getBackup(site.name, id);
      if (recorded === undefined) throw error;
      return recorded;
    }
  };
  // A duplicate finds the record; it only helps along a discovery that is still to do.
  const continueExisting = (existing: Backup) => (awaitsDiscovery(existing) ? advance() : existing);
  const existing = await ports.catalog.getBackup(site.name, id);
  if (existing !== undefined) return continueExisting(existing);

  // Recorded before any EC2/RDS call: when every site's schedule fires in the same minute, the
  // Describe calls are throttled, and a backup that exists only as a record (with its open marker)
  // is still finished by the sweeper; one that was never recorded would be a night without backup.
  try {
    await ports.catalog.createBackup(newBackup(request, id, clock.now().toISOString()));
  } catch (error) {
    // A concurrent delivery of the same request created it first.
    if (!(error instanceof AlreadyExistsError)) throw error;
    const created = await ports.catalog.getBackup(site.name, id);
    if (created !== undefined) return continueExisting(created);
  }
  return advance();
}
