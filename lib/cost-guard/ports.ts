import type { DatabaseKind } from '../recovery/model';
import type { Tags } from '../tags/vocabulary';

/** A DB instance or Aurora cluster as RDS describes it now (lib/aws/restored-databases.ts). */
export interface DatabaseInAws {
  region: string;
  kind: DatabaseKind;
  identifier: string;
  /** RDS status: `available`, `stopped`, `creating`, … (a cluster's own status). */
  status: string;
  engine?: string;
  /** The instance's class; for a cluster, the classes of its member instances. */
  instanceClasses: string[];
  /** InstanceCreateTime (cluster: ClusterCreateTime); absent while RDS is still creating it. */
  createdAt?: string;
  tags: Tags;
}

/** Reads what lifeboat made in RDS: the truth the cost guard counts, whatever the catalog says. */
export interface ManagedDatabasesPort {
  /** Every DB instance and cluster in `region` that lifeboat made (TAG.managed), each page read. */
  managedDatabases(region: string): Promise<DatabaseInAws[]>;
}
