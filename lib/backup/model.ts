import { z } from 'zod';

/** Why a backup was taken; drives retention and which backups recovery may pick. */
export const backupKindSchema = z.enum(['scheduled', 'manual', 'broken-state', 'pre-promote', 'drill']);
export type BackupKind = z.infer<typeof backupKindSchema>;

/**
 * A backup's lifecycle (after Velero's phases):
 * - Pending: volumes and database still to be found (`status.discovered: false`), or snapshots
 *   started and not all completed;
 * - Copying: every snapshot completed, DR copies under way or queued for a copy slot;
 * - Completed: every part snapshotted and its DR copy completed or superseded by a newer
 *   backup's copy of the same volume;
 * - PartiallyFailed: some parts are usable, some failed;
 * - Failed: nothing usable.
 */
export const backupPhaseSchema = z.enum(['Pending', 'Copying', 'Completed', 'PartiallyFailed', 'Failed']);
export type BackupPhase = z.infer<typeof backupPhaseSchema>;

export const TERMINAL_BACKUP_PHASES: readonly BackupPhase[] = ['Completed', 'PartiallyFailed', 'Failed'];

const partKindSchema = z.enum(['ebs-volume', 'rds-instance', 'rds-cluster']);
export type PartKind = z.infer<typeof partKindSchema>;
const snapshotStateSchema = z.enum(['pending', 'completed', 'failed']);
export type SnapshotState = z.infer<typeof snapshotStateSchema>;
/**
 * `waiting`: not started because the source snapshot is not done or the copy slots are full;
 * `superseded`: dropped before it started because a newer backup's snapshot of the same volume
 * completed and is copied instead (DR freshness counts the newest copy, not every night's).
 */
const copyStateSchema = z.enum(['waiting', 'pending', 'completed', 'failed', 'skipped', 'superseded']);
export type CopyState = z.infer<typeof copyStateSchema>;

const tagsSchema = z.record(z.string(), z.string());

/**
 * What a backup covers, frozen when it is recorded: discovery may run later (on the sweeper's
 * call, with the site as configured), and a pre-promote capture covers the sandbox's volume,
 * not the site's. The same fields as the site config's `protect` (lib/config/schema.ts), which
 * start-backup.ts and discover-parts.ts assign both ways, so the compiler keeps them in step.
 */
const backupScopeSchema = z.object({
  volumes: z.object({ ids: z.array(z.string()).optional(), tags: tagsSchema.optional() }),
  database: z
    .union([z.object({ instance: z.string().min(1) }), z.object({ cluster: z.string().min(1) })])
    .optional(),
  keepTags: z.array(z.string()),
});
export type BackupScope = z.infer<typeof backupScopeSchema>;

/** One protected resource (volume or database) within a backup. */
const backupPartSchema = z.object({
  kind: partKindSchema,
  /** vol-..., DB instance or cluster identifier. */
  sourceId: z.string().min(1),
  /** snap-... or the DB (cluster) snapshot identifier, once started. */
  snapshotId: z.string().optional(),
  /** ARN of a DB (cluster) snapshot: the source of its cross-region copy. */
  snapshotArn: z.string().optional(),
  /** Whether the source is encrypted (its DR copy then needs the DR region's KMS key). */
  encrypted: z.boolean().optional(),
  /**
   * EBS parts: the task definition's volume (site run.volumeName) a recovery creates from this
   * part's snapshot. Absent on parts of other volumes, and on records made before it was kept.
   */
  taskVolume: z.string().min(1).optional(),
  /** The source's own tags worth keeping (site config protect.keepTags), copied onto its snapshots. */
  sourceTags: tagsSchema.optional(),
  state: snapshotStateSchema,
  startedAt: z.string().optional(),
  completedAt: z.string().optional(),
  error: z.string().optional(),
  copy: z.object({
    region: z.string().min(1),
    state: copyStateSchema,
    snapshotId: z.string().optional(),
    startedAt: z.string().optional(),
    completedAt: z.string().optional(),
    error: z.string().optional(),
    /** When the waiting copy joined its DR region's copy queue (lib/backup/copy-queue.ts). */
    queuedAt: z.string().optional(),
    /** The newer backup whose copy of the same volume replaced this one (state `superseded`). */
    supersededBy: z.string().optional(),
  }),
});
export type BackupPart = z.infer<typeof backupPartSchema>;

/** One half of a drill's verdict: the files (the task from the volume snapshot) or the database. */
export const drillPartVerdictSchema = z.object({
  verdict: z.enum(['passed', 'failed']),
  detail: z.string(),
  /** Database: the restored instance (or cluster) the drill ran the site against. */
  identifier: z.string().optional(),
  /** What proved it: the health gate's probe of the site running against the restored database. */
  evidence: z.string().optional(),
});
export type DrillPartVerdict = z.infer<typeof drillPartVerdictSchema>;

/**
 * A restore drill's verdict on a backup: `verdict` passes only when every part drilled passed.
 * `files` and `database` are absent on verdicts recorded before drills restored the database;
 * `database` is absent when the site protects none.
 */
export const drillVerdictSchema = z.object({
  verdict: z.enum(['passed', 'failed']),
  at: z.string(),
  detail: z.string(),
  files: drillPartVerdictSchema.optional(),
  database: drillPartVerdictSchema.optional(),
  /** The drill run (its Recovery record) that recorded it. */
  drillId: z.string().optional(),
});
export type DrillVerdict = z.infer<typeof drillVerdictSchema>;

/** A backup record (`sites/<site>/backups/...json`): spec is the intent, status what lifeboat observed. */
export const backupSchema = z.object({
  apiVersion: z.literal('lifeboat/v1'),
  kind: z.literal('Backup'),
  id: z.string().min(1),
  site: z.string().min(1),
  spec: z.object({
    kind: backupKindSchema,
    /** The schedule time (or request time) the id is derived from. */
    scheduledFor: z.string(),
    reason: z.string().optional(),
    primaryRegion: z.string().min(1),
    drRegion: z.string().min(1),
    /** Broken-state captures stay in the primary region only. */
    copyToDr: z.boolean(),
    /** What to find in the primary region; absent on records made before discovery could wait. */
    scope: backupScopeSchema.optional(),
  }),
  status: z.object({
    phase: backupPhaseSchema,
    /**
     * False from the moment the backup is recorded until its volumes and database are found and
     * listed as parts; absent (= true) on records made before discovery could wait.
     */
    discovered: z.boolean().optional(),
    /** Why the last attempt to find the volumes and database failed (the next call tries again). */
    discoveryError: z.string().optional(),
    parts: z.array(backupPartSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
    completedAt: z.string().optional(),
    failureReason: z.string().optional(),
    // No expiry field: retention keeps the newest backup of each day, week and month (GFS slots,
    // lib/retention/policy.ts), so whether a backup outlives its daily slot depends on backups not
    // taken yet. The retention plan (applyRetention, dry run) says what it keeps and why.
    drill: drillVerdictSchema.optional(),
  }),
});
export type Backup = z.infer<typeof backupSchema>;

/** True while a backup's volumes and database are still to be found (no parts yet). */
export function awaitsDiscovery(backup: Backup): boolean {
  return backup.status.discovered === false;
}

/**
 * What a backup needs from the sweeper: `active` while it has discovery, snapshots, copies to
 * queue or copies in flight (events may be lost: the sweeper advances it); `parked` while all it
 * waits for is a copy slot (the DR copy queue moves it, the sweeper only checks it now and then);
 * `done` once terminal.
 */
export type BackupWork = 'active' | 'parked' | 'done';

/** The sweeper's view of a backup (which open-work index its marker is in). */
export function workOf(backup: Backup): BackupWork {
  if (isTerminal(backup.status.phase)) return 'done';
  if (awaitsDiscovery(backup)) return 'active';
  const parked = backup.status.parts.every(
    (p) =>
      p.state !== 'pending' &&
      p.copy.state !== 'pending' &&
      (p.copy.state !== 'waiting' || p.copy.queuedAt !== undefined),
  );
  return parked ? 'parked' : 'active';
}

/** The key of one backup in a map or set (`<site>/<backupId>`; site names have no `/`). */
export function backupKey(ref: { site: string; backupId: string }): string {
  return `${ref.site}/${ref.backupId}`;
}

/** True once a backup will not change phase again. */
export function isTerminal(phase: BackupPhase): boolean {
  return TERMINAL_BACKUP_PHASES.includes(phase);
}
