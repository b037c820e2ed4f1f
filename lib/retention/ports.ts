import type { DatabaseKind, SnapshotLockPort, Tags } from '../backup/ports';
import type { Catalog } from '../catalog/catalog';
import type { ObservedSnapshot } from '../trust/verify-snapshot';

export type { SnapshotLockPort };

/** EBS snapshots in one region as AWS reports them (owner included), and their deletion. */
export interface RetentionEbsPort {
  /** This account's snapshots carrying all these tags. */
  snapshotsWithTags(tags: Tags): Promise<ObservedSnapshot[]>;
  /** The snapshot with this id, whoever owns it, or undefined if it does not exist. */
  snapshotById(snapshotId: string): Promise<ObservedSnapshot | undefined>;
  deleteSnapshot(snapshotId: string): Promise<void>;
}

/** DB (cluster) snapshots in one region as AWS reports them, and their deletion. */
export interface RetentionRdsPort {
  snapshot(kind: DatabaseKind, identifier: string): Promise<ObservedSnapshot | undefined>;
  deleteSnapshot(kind: DatabaseKind, identifier: string): Promise<void>;
}

/** Told what retention did per site (metrics); optional so tests can leave it out. */
export interface RetentionTelemetry {
  /** Snapshots retention refused to delete because AWS did not confirm what the record says. */
  refused(site: string, count: number): void;
  deleted(site: string, count: number): void;
  /** Catalog records that did not parse (quarantined, never deleted). */
  unreadableRecords?(site: string, count: number): void;
}

/** Everything retention touches: the catalog, per-region EBS, RDS and Snapshot Lock. */
export interface RetentionPorts {
  catalog: Catalog;
  ebs(region: string): RetentionEbsPort;
  rds(region: string): RetentionRdsPort;
  locks(region: string): SnapshotLockPort;
  /** The databases promotes stopped (absent: retention leaves them to a later run that has it). */
  retired?(region: string): RetiredDatabasesPort;
  telemetry?: RetentionTelemetry;
}

/** A restored database a promote stopped, as retention finds it by its tags. */
export interface RetiredDatabase {
  kind: DatabaseKind;
  identifier: string;
  /** RDS's status: stopped, or available again (RDS restarts a stopped database after 7 days). */
  status: string;
  /** Aurora: the cluster's instances, deleted before it. */
  members?: string[];
  tags: Tags;
}

/** The final snapshot of a database a promote stopped. */
export interface RetiredSnapshot {
  kind: DatabaseKind;
  identifier: string;
  tags: Tags;
}

/** Retired restored databases and their final snapshots in one region (lib/aws/rds-retired.ts). */
export interface RetiredDatabasesPort {
  /** This stage's databases carrying lifeboat:retain-until and every tag of `selector`. */
  databases(selector: Tags): Promise<RetiredDatabase[]>;
  snapshots(selector: Tags): Promise<RetiredSnapshot[]>;
  stop(kind: DatabaseKind, identifier: string): Promise<'stopping' | 'busy' | 'gone'>;
  delete(database: RetiredDatabase): Promise<'deleting' | 'busy' | 'gone'>;
}
