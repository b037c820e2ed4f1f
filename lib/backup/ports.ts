// The shapes are the adapters' own (plain data, no SDK types), so the ports re-use them.

import type { SnapshotInfo, VolumeInfo } from '../aws/ec2';
import type { DatabaseInfo, DatabaseKind, DbSnapshotInfo } from '../aws/rds';
import type { SnapshotLockInfo, SnapshotLockRequest } from '../aws/snapshot-lock';
import type { Catalog } from '../catalog/catalog';
import type { Tags } from '../tags/vocabulary';
import type { SnapshotTrust, TrustTelemetry } from '../trust/snapshot-trust';
import type { CopyLimits } from './copy-limits';
import type { Backup } from './model';
import type { RequestPacer } from './pacer';

export type {
  DatabaseInfo,
  DatabaseKind,
  DbSnapshotInfo,
  SnapshotInfo,
  SnapshotLockInfo,
  SnapshotLockRequest,
  Tags,
  VolumeInfo,
};

/** EBS volumes and snapshots in one region (implemented by lib/aws/ec2.ts Ec2Adapter). */
export interface EbsPort {
  readonly region: string;
  findVolumes(selector: { ids?: string[]; tags?: Tags }): Promise<VolumeInfo[]>;
  createSnapshot(volumeId: string, description: string, tags: Tags): Promise<SnapshotInfo>;
  findSnapshots(selector: { ids?: string[]; tags?: Tags }): Promise<SnapshotInfo[]>;
  /** One snapshot by id whoever owns it, or undefined if this account cannot see it. */
  describeSnapshot(snapshotId: string): Promise<SnapshotInfo | undefined>;
  /** The snapshots with these ids whoever owns them, in as few calls as AWS allows; missing ones left out. */
  describeSnapshots(snapshotIds: readonly string[]): Promise<SnapshotInfo[]>;
  copySnapshotFrom(input: {
    sourceRegion: string;
    sourceSnapshotId: string;
    description: string;
    tags: Tags;
    kmsKeyId?: string;
  }): Promise<string>;
  countPendingCopies(): Promise<number>;
  deleteSnapshot(snapshotId: string): Promise<void>;
}

/**
 * RDS instances, Aurora clusters and their snapshots in one region (lib/aws/rds.ts RdsAdapter, one
 * strategy per kind behind it). `listSnapshots` and `countPendingCopies` cover both kinds unless told fewer.
 */
export interface RdsPort {
  readonly region: string;
  describeDatabase(kind: DatabaseKind, id: string): Promise<DatabaseInfo | undefined>;
  createSnapshot(
    kind: DatabaseKind,
    sourceId: string,
    identifier: string,
    tags: Tags,
  ): Promise<DbSnapshotInfo>;
  findSnapshot(kind: DatabaseKind, identifier: string): Promise<DbSnapshotInfo | undefined>;
  /** Both kinds' snapshots unless `kinds` names fewer. */
  listSnapshots(prefix: string, kinds?: readonly DatabaseKind[]): Promise<DbSnapshotInfo[]>;
  /** Lifeboat's DB snapshot copies of `kinds` (default both) still in progress in this region (for the copy limit). */
  countPendingCopies(kinds?: readonly DatabaseKind[]): Promise<number>;
  copySnapshotFrom(input: {
    kind: DatabaseKind;
    sourceRegion: string;
    sourceArn: string;
    targetIdentifier: string;
    tags: Tags;
    kmsKeyId?: string;
  }): Promise<DbSnapshotInfo>;
  deleteSnapshot(kind: DatabaseKind, identifier: string): Promise<void>;
}

/** EBS Snapshot Lock in one region (lib/aws/snapshot-lock.ts SnapshotLockAdapter). */
export interface SnapshotLockPort {
  lockSnapshot(snapshotId: string, lock: SnapshotLockRequest): Promise<void>;
  lockedSnapshots(snapshotIds: readonly string[]): Promise<SnapshotLockInfo[]>;
}

/** Told once when a backup reaches a terminal phase (metrics); optional so tests can leave it out. */
export interface BackupTelemetry extends Partial<TrustTelemetry> {
  backupFinished(backup: Backup): void;
  /** How many of a site's catalog records did not parse (quarantined), told by every retention run. */
  unreadableRecords?(site: string, count: number): void;
}

/** Everything the backup use cases touch: the catalog and per-region EBS and RDS. */
export interface BackupPorts {
  catalog: Catalog;
  ebs(region: string): EbsPort;
  rds(region: string): RdsPort;
  /** Snapshot Lock for DR copies of sites with `protection.snapshotLock`; absent, nothing is locked. */
  locks?(region: string): SnapshotLockPort;
  /** Checks in AWS every snapshot the backup adopts or copies; its stage is written on all it makes. */
  trust: SnapshotTrust;
  telemetry?: BackupTelemetry;
  /** The region's EC2 request budget that snapshot starts spend (lib/backup/pacer.ts); none: unpaced. */
  pacer?: RequestPacer;
  /** A DR region's copy-concurrency quotas (Service Quotas); none: the limits the caller passes. */
  copyLimits?(region: string): Promise<CopyLimits>;
}
