import {
  type DBCluster,
  type DBInstance,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { DatabaseInAws } from '../cost-guard/ports';
import { fromTagList, isManaged } from '../tags/vocabulary';
import { translateAwsError } from './errors';

/** RDS answers at most 100 records a page (and refuses fewer than 20). */
const PAGE_SIZE = 100;

/**
 * The DB instances and Aurora clusters lifeboat made in one region, read page by page from
 * DescribeDBInstances and DescribeDBClusters (their TagList: RDS takes no tag filter there).
 * A cluster's member instances are folded into their cluster, whose compute they are.
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBClusters.html
 */
export class ManagedDatabasesReader {
  constructor(
    private readonly rds: RDSClient,
    readonly region: string,
  ) {}

  /** Every DB instance and cluster here that lifeboat made (TAG.managed, isManaged). */
  async managedDatabases(): Promise<DatabaseInAws[]> {
    // Clusters first: a member instance created after the cluster listing has no cluster to
    // join and is left for the next reading, never listed on its own.
    const clusters = await this.clusters();
    const instances = await this.instances();
    const membersOf = new Map<string, string[]>();
    const out: DatabaseInAws[] = [];
    for (const db of instances) {
      if (db.DBClusterIdentifier !== undefined) {
        const classes = membersOf.get(db.DBClusterIdentifier) ?? [];
        if (db.DBInstanceClass !== undefined) classes.push(db.DBInstanceClass);
        membersOf.set(db.DBClusterIdentifier, classes);
        continue;
      }
      const tags = fromTagList(db.TagList);
      if (!isManaged(tags) || db.DBInstanceIdentifier === undefined) continue;
      out.push({
        region: this.region,
        kind: 'rds-instance',
        identifier: db.DBInstanceIdentifier,
        status: db.DBInstanceStatus ?? 'unknown',
        ...(db.Engine === undefined ? {} : { engine: db.Engine }),
        instanceClasses: db.DBInstanceClass === undefined ? [] : [db.DBInstanceClass],
        ...(db.InstanceCreateTime === undefined ? {} : { createdAt: db.InstanceCreateTime.toISOString() }),
        tags,
      });
    }
    for (const cluster of clusters) {
      const tags = fromTagList(cluster.TagList);
      if (!isManaged(tags) || cluster.DBClusterIdentifier === undefined) continue;
      out.push({
        region: this.region,
        kind: 'rds-cluster',
        identifier: cluster.DBClusterIdentifier,
        status: cluster.Status ?? 'unknown',
        ...(cluster.Engine === undefined ? {} : { engine: cluster.Engine }),
        instanceClasses: membersOf.get(cluster.DBClusterIdentifier) ?? [],
        ...(cluster.ClusterCreateTime === undefined
          ? {}
          : { createdAt: cluster.ClusterCreateTime.toISOString() }),
        tags,
      });
    }
    return out;
  }

  private instances(): Promise<DBInstance[]> {
    return this.allPages('RDS DescribeDBInstances', async (Marker) => {
      const page = await this.rds.send(new DescribeDBInstancesCommand({ MaxRecords: PAGE_SIZE, Marker }));
      return { items: page.DBInstances, marker: page.Marker };
    });
  }

  private clusters(): Promise<DBCluster[]> {
    return this.allPages('RDS DescribeDBClusters', async (Marker) => {
      const page = await this.rds.send(new DescribeDBClustersCommand({ MaxRecords: PAGE_SIZE, Marker }));
      return { items: page.DBClusters, marker: page.Marker };
    });
  }

  /** Every page to the last; one failing page fails the listing (a partial count would lie). */
  private async allPages<T>(
    operation: string,
    read: (marker: string | undefined) => Promise<{ items?: T[]; marker?: string }>,
  ): Promise<T[]> {
    const all: T[] = [];
    let marker: string | undefined;
    do {
      try {
        const page = await read(marker);
        all.push(...(page.items ?? []));
        marker = page.marker;
      } catch (error) {
        throw translateAwsError(error, operation, { region: this.region });
      }
    } while (marker !== undefined && marker !== '');
    return all;
  }
}
