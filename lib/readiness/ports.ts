import type { Backup } from '../backup/model';
import type { ManagedDatabasesPort } from '../cost-guard/ports';
import type { HttpProbe } from '../health/http-probe';
import type { GroupIngress } from '../recovery/ports';
import type { DrEventPorts } from './dr-events';

export type Tags = Record<string, string>;

/** What RunTask needs of the task definition (lib/aws/task-definitions.ts). */
export interface TaskDefinitionInfo {
  arn: string;
  status: string;
  /** Launch types it was registered for (RunTask here is FARGATE). */
  compatibilities: string[];
  volumes: { name: string; configuredAtLaunch: boolean }[];
  containers: { name: string; containerPorts: number[] }[];
}

/** A record set at one name, as Route 53 lists it (lib/aws/dns-read.ts). */
export interface RecordSetInfo {
  name: string;
  type: string;
  setIdentifier?: string;
  alias: boolean;
  values: string[];
}

/** An EBS snapshot or DB (cluster) snapshot as AWS shows it now. */
export interface RestorePoint {
  id: string;
  /** `completed` (EBS) / `available` (RDS) is usable; anything else is not yet or no longer. */
  usable: boolean;
  state: string;
  tags: Tags;
}

/** A DB instance or Aurora cluster and how far back it can be restored (lib/aws/database-read.ts). */
export interface DatabaseRestoreInfo {
  status: string;
  /** Days of automated backups kept; 0 turns point-in-time restore off. */
  backupRetentionDays: number;
  /** The newest instant a point-in-time restore can reach. */
  latestRestorableTime?: string;
  earliestRestorableTime?: string;
}

/** The applied value of a service quota, or why it could not be read. */
export type QuotaReading = { value: number; source: 'applied' | 'default' } | { unknown: string };

/**
 * Everything checkReadiness reads; each call is one question to AWS, the catalog or the site
 * (managedDatabases: once per region and run, however many sites share the region).
 */
export interface ReadinessPorts extends ManagedDatabasesPort, DrEventPorts {
  taskDefinition(region: string, reference: string): Promise<TaskDefinitionInfo | undefined>;
  /** The ids among `ids` that exist. */
  existingSubnets(region: string, ids: string[]): Promise<string[]>;
  /** The groups among `ids` that exist, with who they let in. */
  securityGroups(region: string, ids: string[]): Promise<GroupIngress[]>;
  /** The zone's name (no trailing dot), or undefined if there is no such zone. */
  hostedZoneName(zoneId: string): Promise<string | undefined>;
  /** Every record set named exactly `name` in the zone. */
  recordSets(zoneId: string, name: string): Promise<RecordSetInfo[]>;
  /** The EBS snapshots among `ids` that exist in `region`. */
  ebsSnapshots(region: string, ids: string[]): Promise<RestorePoint[]>;
  /** A DB (cluster) snapshot by identifier in `region`, or undefined. */
  dbSnapshot(
    region: string,
    kind: 'rds-instance' | 'rds-cluster',
    identifier: string,
  ): Promise<RestorePoint | undefined>;
  /** The DB instance or cluster, or undefined if it does not exist. */
  database(
    region: string,
    kind: 'rds-instance' | 'rds-cluster',
    id: string,
  ): Promise<DatabaseRestoreInfo | undefined>;
  /** The names among `names` of metric alarms that exist in `region`. */
  existingAlarms(region: string, names: string[]): Promise<string[]>;
  /** EBS "Concurrent snapshot copies per destination Region" in `region`. */
  ebsCopyQuota(region: string): Promise<QuotaReading>;
  /** A site's backups, newest first. */
  backups(site: string): AsyncIterable<Backup>;
  probe: HttpProbe;
}
