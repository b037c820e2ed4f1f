import { createHash } from 'node:crypto';
import type { Backup, BackupPart } from '../backup/model';
import type { Site } from '../config/schema';

/**
 * Every `lifeboat:*` tag and every name lifeboat gives to what it makes, and nothing else spells
 * one. IAM conditions in serverless.yml key on these tags (tests/security/tags.test.ts holds the
 * template to this list):
 *
 *   lifeboat:managed=true          everything lifeboat makes; destructive IAM actions require it
 *   lifeboat:site=<site>           snapshots, copies, tasks and their volumes
 *   lifeboat:backup-id=<id>        snapshots and copies of a backup; tasks launched from it
 *   lifeboat:kind=<backup kind>    snapshots and copies
 *   lifeboat:source-snapshot=<id>  DR copies: the snapshot they were copied from
 *   lifeboat:recovery-id=<id>      tasks, volumes and databases a recovery launched or restored
 *   lifeboat:role=<role>           tasks, volumes and databases a recovery launched or restored
 *                                  (ROLES): never protected
 *   lifeboat:stage=<stage>         everything lifeboat makes: the stage (deployment) that made it;
 *                                  destructive IAM actions require this stage's
 *   lifeboat:retain-until=<time>   a restored database a promote stopped, and its final snapshot:
 *                                  retention deletes them once this ISO time has passed
 *
 *   lifeboat-<site>-<backupId>     the DB (cluster) snapshot of a backup, the same in both regions
 *   lifeboat-<site>-<role>-<hash>  a database a recovery restored (its final snapshot: ...-final)
 */
export const TAG = {
  managed: 'lifeboat:managed',
  site: 'lifeboat:site',
  backupId: 'lifeboat:backup-id',
  kind: 'lifeboat:kind',
  sourceSnapshot: 'lifeboat:source-snapshot',
  recoveryId: 'lifeboat:recovery-id',
  role: 'lifeboat:role',
  stage: 'lifeboat:stage',
  retainUntil: 'lifeboat:retain-until',
} as const;

export type TagKey = (typeof TAG)[keyof typeof TAG];

/** Every key of the vocabulary. */
export const TAG_KEYS: readonly TagKey[] = Object.values(TAG);

/** The value of `lifeboat:managed` on everything lifeboat makes (and what IAM conditions compare with). */
export const MANAGED = 'true';

/** What a task (and its volume) launched by a recovery is for: the values of `lifeboat:role`. */
export const ROLES = ['replacement', 'sandbox', 'final', 'drill'] as const;
export type Role = (typeof ROLES)[number];

/** Tags as lifeboat handles them: key → value. */
export type Tags = Record<string, string>;

/** A tag as EC2 and RDS send and take it (both SDKs have this shape). */
export interface AwsTag {
  Key?: string;
  Value?: string;
}

/** A tag as ECS sends and takes it. */
export interface EcsTag {
  key?: string;
  value?: string;
}

/** Tags → the EC2/RDS tag list. */
export function toTagList(tags: Tags): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** The EC2/RDS tag list → tags. An absent value is the empty one (AWS allows empty tag values). */
export function fromTagList(list: readonly AwsTag[] | undefined): Tags {
  const out: Tags = {};
  for (const t of list ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

/** Tags → the ECS tag list. */
export function toEcsTagList(tags: Tags): { key: string; value: string }[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

/** The ECS tag list → tags. An absent value is the empty one, as with EC2. */
export function fromEcsTagList(list: readonly EcsTag[] | undefined): Tags {
  const out: Tags = {};
  for (const t of list ?? []) if (t.key !== undefined) out[t.key] = t.value ?? '';
  return out;
}

/** Whether these tags say lifeboat made the resource. */
export function isManaged(tags: Tags | undefined): boolean {
  return tags?.[TAG.managed] === MANAGED;
}

/** Prefix of every DB snapshot identifier lifeboat makes (serverless.yml's RDS ARNs end in it, then `*`). */
export const RDS_SNAPSHOT_PREFIX = 'lifeboat-';

/** The RDS snapshot identifier of a backup: `lifeboat-<site>-<backupId>` (the same in both regions). */
export function rdsSnapshotIdentifier(site: string, backupId: string): string {
  return `${RDS_SNAPSHOT_PREFIX}${site}-${backupId}`;
}

const RDS_IDENTIFIER = new RegExp(
  `^${RDS_SNAPSHOT_PREFIX}([a-z][a-z0-9-]*[a-z0-9])-(\\d{8}t\\d{6}z(?:-[a-z0-9]+)+)$`,
);

/** The site and backup id named by a lifeboat RDS snapshot identifier (or ARN), or undefined. */
export function parseRdsSnapshotIdentifier(
  identifierOrArn: string,
): { site: string; backupId: string } | undefined {
  const identifier = identifierOrArn.slice(identifierOrArn.lastIndexOf(':') + 1);
  const match = RDS_IDENTIFIER.exec(identifier);
  if (match === null) return undefined;
  const [, site, backupId] = match;
  return site !== undefined && backupId !== undefined ? { site, backupId } : undefined;
}

/** The tags that find every snapshot (or copy) of one backup made by `stage` (and no other stage's). */
export function backupSelector(site: string, backupId: string, stage: string): Tags {
  return { [TAG.site]: site, [TAG.backupId]: backupId, [TAG.stage]: stage };
}

/** The tags of `stage`'s snapshot of a backup's `part`: lifeboat's own plus the source's kept tags. */
export function snapshotTags(backup: Backup, part: BackupPart, stage: string): Tags {
  return {
    ...(part.sourceTags ?? {}),
    ...backupSelector(backup.site, backup.id, stage),
    [TAG.kind]: backup.spec.kind,
    [TAG.managed]: MANAGED,
  };
}

/** The tags of a DR copy: the snapshot's tags plus the snapshot it came from. */
export function copyTags(backup: Backup, part: BackupPart, sourceSnapshotId: string, stage: string): Tags {
  return { ...snapshotTags(backup, part, stage), [TAG.sourceSnapshot]: sourceSnapshotId };
}

/**
 * The source tags worth keeping on snapshots (config protect.keepTags). `aws:` tags are reserved,
 * and `lifeboat:` ones are lifeboat's own to write (a kept role or stage would lie about the snapshot).
 */
export function keptTags(site: Site, tags: Tags): Tags {
  const out: Tags = {};
  for (const key of site.protect.keepTags) {
    const value = tags[key];
    if (value !== undefined && !key.startsWith('aws:') && !isLifeboatKey(key)) out[key] = value;
  }
  return out;
}

/** Whether `key` is one of lifeboat's own tag keys. */
export function isLifeboatKey(key: string): boolean {
  return (TAG_KEYS as readonly string[]).includes(key);
}

/**
 * Whether a volume (or database) is one lifeboat made for its own tasks, so never a protected
 * resource of a site: it carries lifeboat:role. A selector that asks for that very role (a
 * promote snapshots the sandbox's volume) is the one exception.
 */
export function isOwnResource(tags: Tags, selector: Tags = {}): boolean {
  const role = tags[TAG.role];
  return role !== undefined && selector[TAG.role] !== role;
}

/** The description shown in the EC2 console for a backup's snapshot. */
export function snapshotDescription(backup: Backup, sourceId: string): string {
  return `lifeboat ${backup.spec.kind} backup ${backup.id} of ${backup.site} (${sourceId})`;
}

/** The tags of a task `stage` launches from a backup, and of the volume ECS creates for it. */
export function taskTags(
  site: string,
  recoveryId: string,
  role: Role,
  backupId: string,
  stage: string,
): Tags {
  return {
    [TAG.managed]: MANAGED,
    [TAG.site]: site,
    [TAG.recoveryId]: recoveryId,
    [TAG.role]: role,
    [TAG.backupId]: backupId,
    [TAG.stage]: stage,
  };
}

/** The tags that find the volume of `stage`'s recovery's task of `role` (ECS tags it at creation). */
export function taskVolumeSelector(recoveryId: string, role: Role, stage: string): Tags {
  return { [TAG.recoveryId]: recoveryId, [TAG.role]: role, [TAG.stage]: stage };
}

/**
 * The tags of the snapshot a promote takes of a task's volume to measure what it changed (kind
 * `pre-promote`, the task's role): found again by them when the step is retried.
 */
export function changesSnapshotTags(site: string, promoteId: string, role: Role, stage: string): Tags {
  return {
    [TAG.managed]: MANAGED,
    [TAG.stage]: stage,
    [TAG.site]: site,
    [TAG.recoveryId]: promoteId,
    [TAG.role]: role,
    [TAG.kind]: 'pre-promote',
  };
}

/** RunTask's `startedBy` of a task of `role` (ECS allows 36 characters). */
export function taskStartedBy(role: Role): string {
  return `lifeboat-${role}`.slice(0, 36);
}

/** The tags of a database `stage`'s recovery restores for its task of `role` (tagged at creation). */
export function restoredDatabaseTags(
  site: string,
  recoveryId: string,
  role: Role,
  backupId: string,
  stage: string,
): Tags {
  return taskTags(site, recoveryId, role, backupId, stage);
}

/**
 * The identifier of the database a recovery restores for its task of `role` from `backupId`:
 * `lifeboat-<site>-<role>-<6 hex>`, the same on every retry (the restore's idempotency key), at
 * most 60 characters so an Aurora instance (`-w`) stays within RDS's 63, and starting with
 * RDS_SNAPSHOT_PREFIX so serverless.yml's `db:lifeboat-*` ARNs cover it.
 */
export function restoredDatabaseIdentifier(
  site: string,
  recoveryId: string,
  role: Role,
  backupId: string,
): string {
  const hash = createHash('sha256').update(`${recoveryId}/${role}/${backupId}`).digest('hex').slice(0, 6);
  // RDS identifiers take no two hyphens in a row.
  return `${RDS_SNAPSHOT_PREFIX}${site}-${role}-${hash}`.replace(/-{2,}/g, '-');
}

/** The final snapshot kept of a restored database when lifeboat deletes it. */
export function finalSnapshotIdentifier(restoredIdentifier: string): string {
  return `${restoredIdentifier}-final`;
}

/**
 * The tags a promote checks on a restored database before it stops it (lifeboat's, this stage's,
 * the site's, the source recovery's, with its role): the site's own database carries none of
 * them. Its final snapshot gets them too, so retention finds it by site.
 */
export function retiredDatabaseSelector(site: string, recoveryId: string, role: Role, stage: string): Tags {
  return {
    [TAG.managed]: MANAGED,
    [TAG.stage]: stage,
    [TAG.site]: site,
    [TAG.recoveryId]: recoveryId,
    [TAG.role]: role,
  };
}

/** The retain-until tag of a database a promote stopped (ISO time, which tag values allow). */
export function retainUntilTags(retainUntil: Date): Tags {
  return { [TAG.retainUntil]: retainUntil.toISOString() };
}
