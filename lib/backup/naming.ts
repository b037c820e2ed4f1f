import type { Site } from '../config/schema';
import type { Backup, BackupPart } from './model';

/** Tags lifeboat puts on everything it makes; retention and IAM key on `lifeboat:managed`. */
export const TAG = {
  site: 'lifeboat:site',
  backupId: 'lifeboat:backup-id',
  managed: 'lifeboat:managed',
  kind: 'lifeboat:kind',
  sourceSnapshot: 'lifeboat:source-snapshot',
} as const;

/** Prefix of every DB snapshot identifier lifeboat makes. */
export const RDS_SNAPSHOT_PREFIX = 'lifeboat-';

/** The RDS snapshot identifier of a backup: `lifeboat-<site>-<backupId>` (the same in both regions). */
export function rdsSnapshotIdentifier(site: string, backupId: string): string {
  return `${RDS_SNAPSHOT_PREFIX}${site}-${backupId}`;
}

const RDS_IDENTIFIER = /^lifeboat-([a-z][a-z0-9-]*[a-z0-9])-(\d{8}t\d{6}z(?:-[a-z0-9]+)+)$/;

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

/** The tags of a backup's snapshot of `part`: lifeboat's own plus the source's kept tags. */
export function snapshotTags(backup: Backup, part: BackupPart): Record<string, string> {
  return {
    ...(part.sourceTags ?? {}),
    [TAG.site]: backup.site,
    [TAG.backupId]: backup.id,
    [TAG.kind]: backup.spec.kind,
    [TAG.managed]: 'true',
  };
}

/** The tags of a DR copy: the snapshot's tags plus the snapshot it came from. */
export function copyTags(backup: Backup, part: BackupPart, sourceSnapshotId: string): Record<string, string> {
  return { ...snapshotTags(backup, part), [TAG.sourceSnapshot]: sourceSnapshotId };
}

/** The source tags worth keeping on snapshots (config protect.keepTags); `aws:` tags are reserved. */
export function keptTags(site: Site, tags: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of site.protect.keepTags) {
    const value = tags[key];
    if (value !== undefined && !key.startsWith('aws:')) out[key] = value;
  }
  return out;
}

/** The description shown in the EC2 console for a backup's snapshot. */
export function snapshotDescription(backup: Backup, sourceId: string): string {
  return `lifeboat ${backup.spec.kind} backup ${backup.id} of ${backup.site} (${sourceId})`;
}
