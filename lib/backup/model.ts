import type { Site } from '../config/schema';

/** Why a backup was taken; drives retention and which backups recovery may pick. */
export type BackupKind = 'scheduled' | 'manual' | 'broken-state' | 'pre-promote' | 'drill';

/**
 * A backup's lifecycle (after Velero's phases):
 * - Pending: volumes and database still to be found (`status.discovered: false`), or snapshots
 *   started and not all completed;
 * - Copying: every snapshot completed, DR copies under way;
 * - Completed: every part snapshotted and copied to the DR region;
 * - PartiallyFailed: some parts are usable, some failed;
 * - Failed: nothing usable.
 */
export type BackupPhase = 'Pending' | 'Copying' | 'Completed' | 'PartiallyFailed' | 'Failed';

export const TERMINAL_BACKUP_PHASES: readonly BackupPhase[] = ['Completed', 'PartiallyFailed', 'Failed'];

export type PartKind = 'ebs-volume' | 'rds-instance' | 'rds-cluster';
export type SnapshotState = 'pending' | 'completed' | 'failed';
/** `waiting`: not started because the source snapshot is not done or the copy slots are full. */
export type CopyState = 'waiting' | 'pending' | 'completed' | 'failed' | 'skipped';

/**
 * What a backup covers, frozen when it is recorded: discovery may run later (on the sweeper's
 * call, with the site as configured), and a pre-promote capture covers the sandbox's volume,
 * not the site's.
 */
export type BackupScope = Pick<Site['protect'], 'volumes' | 'database' | 'keepTags'>;

/** One protected resource (volume or database) within a backup. */
export interface BackupPart {
  kind: PartKind;
  /** vol-..., DB instance or cluster identifier. */
  sourceId: string;
  /** snap-... or the DB (cluster) snapshot identifier, once started. */
  snapshotId?: string;
  /** ARN of a DB (cluster) snapshot: the source of its cross-region copy. */
  snapshotArn?: string;
  /** Whether the source is encrypted (its DR copy then needs the DR region's KMS key). */
  encrypted?: boolean;
  /** The source's own tags worth keeping (site config protect.keepTags), copied onto its snapshots. */
  sourceTags?: Record<string, string>;
  state: SnapshotState;
  startedAt?: string;
  completedAt?: string;
  error?: string;
  copy: {
    region: string;
    state: CopyState;
    snapshotId?: string;
    startedAt?: string;
    completedAt?: string;
    error?: string;
  };
}

export interface DrillVerdict {
  verdict: 'passed' | 'failed';
  at: string;
  detail: string;
}

/** A backup: spec is the intent, status what lifeboat observed. */
export interface Backup {
  apiVersion: 'lifeboat/v1';
  kind: 'Backup';
  id: string;
  site: string;
  spec: {
    kind: BackupKind;
    /** The schedule time (or request time) the id is derived from. */
    scheduledFor: string;
    reason?: string;
    primaryRegion: string;
    drRegion: string;
    /** Broken-state captures stay in the primary region only. */
    copyToDr: boolean;
    /** What to find in the primary region; absent on records made before discovery could wait. */
    scope?: BackupScope;
  };
  status: {
    phase: BackupPhase;
    /**
     * False from the moment the backup is recorded until its volumes and database are found and
     * listed as parts; absent (= true) on records made before discovery could wait.
     */
    discovered?: boolean;
    /** Why the last attempt to find the volumes and database failed (the next call tries again). */
    discoveryError?: string;
    parts: BackupPart[];
    createdAt: string;
    updatedAt: string;
    completedAt?: string;
    failureReason?: string;
    // No expiry field: retention keeps the newest backup of each day, week and month (GFS slots,
    // lib/retention/policy.ts), so whether a backup outlives its daily slot depends on backups not
    // taken yet. The retention plan (applyRetention, dry run) says what it keeps and why.
    drill?: DrillVerdict;
  };
}

/** True while a backup's volumes and database are still to be found (no parts yet). */
export function awaitsDiscovery(backup: Backup): boolean {
  return backup.status.discovered === false;
}

/** True once a backup will not change phase again. */
export function isTerminal(phase: BackupPhase): boolean {
  return TERMINAL_BACKUP_PHASES.includes(phase);
}
