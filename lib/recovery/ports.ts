import type { BlockChanges } from '../aws/ebs-direct';
import type { SnapshotInfo, VolumeInfo } from '../aws/ec2';
import type { Backup, BackupKind } from '../backup/model';
import type { Catalog } from '../catalog/catalog';
import type { Site } from '../config/schema';
import type { HttpProbe } from '../health/http-probe';
import type { Tags } from '../tags/vocabulary';
import type { SnapshotTrust } from '../trust/snapshot-trust';
import type { DatabaseKind, DatabaseWrites } from './model';

export type { BlockChanges, SnapshotInfo, Tags, VolumeInfo };

/** What lifeboat asks ECS to run: one Fargate task whose data volume is created from an EBS snapshot. */
export interface RunTaskRequest {
  cluster: string;
  taskDefinition: string;
  subnets: string[];
  securityGroups: string[];
  assignPublicIp: boolean;
  volume: {
    name: string;
    snapshotId: string;
    volumeType: string;
    /** Provisioned IOPS (required by EBS for io1/io2). */
    iops?: number;
    /** The snapshot's file system: ECS assumes xfs without it, and a mismatch fails the task. */
    filesystemType: 'xfs' | 'ext3' | 'ext4' | 'ntfs';
    /** MiB/s at which EBS fills the volume from the snapshot (100-300); lazy loading without it. */
    initializationRateMiBps?: number;
    /** The ECS infrastructure role that creates the volume. */
    roleArn: string;
    /** Tags ECS puts on the volume it creates (so a later step can find and snapshot it). */
    tags: Tags;
  };
  tags: Tags;
  /** Container environment overrides (the restored database's host), so the task definition stays as it is. */
  environment?: { container: string; variables: Record<string, string> };
  startedBy: string;
  /** Same token, same task: RunTask is idempotent per clientToken (at most 64 characters). */
  clientToken: string;
}

/** The observed state of a task and the addresses of its network interface. */
export interface TaskInfo {
  taskArn: string;
  cluster: string;
  lastStatus: string;
  desiredStatus: string;
  stoppedReason?: string;
  privateIp?: string;
  publicIp?: string;
  tags: Tags;
}

/** Who a security group lets in: IPv4 and IPv6 ranges and prefix lists (other groups are internal). */
export interface GroupIngress {
  groupId: string;
  cidrs: string[];
  ipv6Cidrs: string[];
  prefixLists: string[];
}

/** ECS tasks in one region and their network (lib/aws/ecs.ts EcsAdapter). */
export interface TaskPort {
  runTask(request: RunTaskRequest): Promise<TaskInfo>;
  describeTask(cluster: string, taskArn: string): Promise<TaskInfo>;
  stopTask(cluster: string, taskArn: string, reason: string): Promise<void>;
  ingressOf(groupIds: string[]): Promise<GroupIngress[]>;
}

/** The live database a restore copies its network and size from, and how far back it can be restored. */
export interface SourceDatabase {
  kind: DatabaseKind;
  id: string;
  engine: string;
  /** DB instance class (Aurora: of the cluster's writer). */
  instanceClass: string;
  subnetGroup?: string;
  securityGroups: string[];
  /** The point-in-time restore window; undefined when automated backups are off. */
  restoreWindow?: { earliest: string; latest: string };
}

/** A restore of a DB (cluster) snapshot, or of the live database to a point in time. */
export interface DatabaseRestoreRequest {
  kind: DatabaseKind;
  identifier: string;
  /** Aurora: the instance to create in the restored cluster. */
  instanceIdentifier?: string;
  from: { snapshotId: string } | { sourceId: string; restoreTime?: string };
  engine: string;
  instanceClass: string;
  subnetGroup?: string;
  securityGroups: string[];
  tags: Tags;
}

/** A restored database as RDS reports it, reduced to what a recovery waits for. */
export interface RestoredDatabaseState {
  state: 'pending' | 'available' | 'failed';
  /** RDS's own status text (creating, available, incompatible-restore, ...). */
  status: string;
  address?: string;
  port?: number;
  /** The engine (mysql, postgres, aurora-mysql, ...): which metric counts its writes. */
  engine?: string;
  /** Automated backups' retention; 0 means no MySQL binary log (and no BinLogDiskUsage growth). */
  backupRetentionDays?: number;
  /** Its tags (Aurora: the cluster's), checked before lifeboat stops it. */
  tags?: Tags;
}

/** How a retired database was left: stopped (or stopping) after its final snapshot, or already gone. */
export interface StoppedDatabase {
  status: string;
  finalSnapshotId?: string;
}

/** Restores of a site's database in one region, and their retirement (lib/aws/rds-restore.ts). */
export interface DatabaseRestorePort {
  describeSource(kind: DatabaseKind, id: string): Promise<SourceDatabase>;
  /** Starts the restore; a database already there under `identifier` (a retried call) is accepted. */
  restore(request: DatabaseRestoreRequest): Promise<void>;
  /** Undefined once it is gone. */
  describeRestored(
    kind: DatabaseKind,
    identifier: string,
    instanceIdentifier?: string,
  ): Promise<RestoredDatabaseState | undefined>;
  /**
   * Deletes a restored database, after a final snapshot when it is available (one never available
   * has no writes to keep). IAM allows this only on databases tagged managed with a role.
   */
  retire(input: {
    kind: DatabaseKind;
    identifier: string;
    instanceIdentifier?: string;
    finalSnapshotId: string;
  }): Promise<{ finalSnapshotId?: string; status: string }>;
  /**
   * Stops a restored database a promote no longer serves from, after a final snapshot (instance:
   * StopDBInstance with DBSnapshotIdentifier; Aurora: CreateDBClusterSnapshot, then StopDBCluster),
   * and tags it and its snapshot with `tags` (the retain-until). Refuses (SnapshotMismatchError)
   * unless the database carries every tag of `expect`: never the site's own database.
   */
  stopRetired(input: {
    kind: DatabaseKind;
    identifier: string;
    instanceIdentifier?: string;
    finalSnapshotId: string;
    expect: Tags;
    tags: Tags;
  }): Promise<StoppedDatabase>;
  /**
   * Deletes a restored database without a final snapshot (a drill's throw-away copy) once AWS
   * shows it carries every tag of `expected` (SnapshotMismatchError otherwise, nothing deleted).
   * IAM allows this only on databases tagged managed, this stage and role drill.
   */
  discard(input: {
    kind: DatabaseKind;
    identifier: string;
    instanceIdentifier?: string;
    expected: Tags;
  }): Promise<{ status: string }>;
}

/** One query of an AWS/RDS metric of one database. */
export interface MetricQuery {
  metric: string;
  statistic: 'Maximum' | 'Average' | 'Sum';
  dimension: 'DBInstanceIdentifier' | 'DBClusterIdentifier';
  identifier: string;
  since: Date;
  until: Date;
  periodSeconds: number;
}

/** A datapoint of a metric: the period's start and its statistic. */
export interface MetricDatapoint {
  at: string;
  value: number;
}

/** CloudWatch's AWS/RDS metrics in one region (lib/aws/rds-metrics.ts RdsMetricsAdapter). */
export interface RdsMetricsPort {
  /** Every datapoint from `since` to `until`, oldest first (all pages). */
  datapoints(query: MetricQuery): Promise<MetricDatapoint[]>;
}

/** Route 53 (lib/aws/route53.ts Route53Adapter). */
export interface DnsPort {
  upsertARecord(input: {
    hostedZoneId: string;
    recordName: string;
    ip: string;
    ttl: number;
    comment: string;
  }): Promise<{ changeId: string; status: 'PENDING' | 'INSYNC'; submittedAt: string }>;
  changeStatus(changeId: string): Promise<'PENDING' | 'INSYNC'>;
  /** Deletes the A record `recordName` only while it is the one lifeboat wrote (value `ip`); gone is done. */
  deleteARecord(input: {
    hostedZoneId: string;
    recordName: string;
    ip: string;
    comment: string;
  }): Promise<{ deleted: boolean; reason?: string }>;
}

/** Operator notifications (lib/aws/sns.ts SnsAdapter). */
export interface NotifierPort {
  publish(subject: string, message: string): Promise<string>;
}

/** The backup pipeline's use cases (lib/backup/start-backup.ts, advance-backup.ts), bound to their ports. */
export interface BackupService {
  start(request: {
    site: Site;
    kind: BackupKind;
    at: Date;
    reason?: string;
    copyToDr?: boolean;
  }): Promise<Backup>;
  advance(site: Site, backupId: string): Promise<Backup>;
}

/**
 * Where to send health probes for a task: in AWS its own address and the container port; in tests
 * and the local demo a local HTTP server playing the site (moto gives tasks no reachable address).
 * Undefined while the task has no address yet.
 */
export type EndpointResolver = (task: TaskInfo, site: Site) => string | undefined;

/** The address a DNS record points at: the public IP when the task has one, else the private one. */
export function taskAddress(task: TaskInfo): string | undefined {
  return task.publicIp ?? task.privateIp;
}

/** The production resolver: `http://<task address>:<container port>`. */
export const taskEndpoint: EndpointResolver = (task, site) => {
  const address = taskAddress(task);
  return address === undefined ? undefined : `http://${address}:${site.run.containerPort}`;
};

/** EBS volumes and snapshots of one region, as a promote measures them (lib/aws/ec2.ts Ec2Adapter). */
export interface SnapshotPort {
  findVolumes(selector: { tags?: Tags }): Promise<VolumeInfo[]>;
  findSnapshots(selector: { ids?: string[]; tags?: Tags }): Promise<SnapshotInfo[]>;
  createSnapshot(volumeId: string, description: string, tags: Tags): Promise<SnapshotInfo>;
}

/** The EBS direct APIs of one region (lib/aws/ebs-direct.ts EbsDirectAdapter). */
export interface BlockChangesPort {
  changedBlocks(firstSnapshotId: string, secondSnapshotId: string): Promise<BlockChanges>;
}

/** A database whose writes a promote measures: the one the replacement ran on, since it did. */
export interface WatchedDatabase {
  kind: DatabaseKind;
  identifier: string;
  instanceIdentifier?: string;
  region: string;
  /** When its writes start to count (its restore's availability, or the replacement's launch). */
  since: string;
}

/**
 * Writes to a database since `database.since`. A retried error (ThrottledError, NotReadyError)
 * propagates; any other failure to measure is an answer with `unmeasured`, which promote treats
 * as possible changes.
 */
export interface DatabaseWritesPort {
  writesSince(site: Site, database: WatchedDatabase): Promise<DatabaseWrites>;
}

/** Everything the recovery, promote and drill use cases touch. */
export interface RecoveryPorts {
  catalog: Catalog;
  tasks(region: string): TaskPort;
  databases(region: string): DatabaseRestorePort;
  dns: DnsPort;
  notifier: NotifierPort;
  backups: BackupService;
  probe: HttpProbe;
  endpointOf: EndpointResolver;
  /** Checks every snapshot in AWS before a task is launched from it; its stage is on every task. */
  trust: SnapshotTrust;
  snapshots(region: string): SnapshotPort;
  blockChanges(region: string): BlockChangesPort;
  databaseWrites: DatabaseWritesPort;
}
