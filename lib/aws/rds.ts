import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  type DBClusterSnapshot,
  type DBSnapshot,
  DeleteDBClusterSnapshotCommand,
  DeleteDBSnapshotCommand,
  paginateDescribeDBClusterSnapshots,
  paginateDescribeDBClusters,
  paginateDescribeDBInstances,
  paginateDescribeDBSnapshots,
  RDSClient,
} from '@aws-sdk/client-rds';
import type { RdsPort } from '../backup/ports';
import { ThrottledError } from '../errors';
import { fromTagList, RDS_SNAPSHOT_PREFIX, TAG, type Tags, toTagList } from '../tags/vocabulary';
import type { AwsClients } from './clients';
import { awsErrorCode, translateAwsError } from './errors';
import { required } from './required';

/** The RDSClient for a region, built once per process. */
export function rdsClient(clients: AwsClients, region: string): RDSClient {
  return clients.client('rds', RDSClient, region);
}

export type DatabaseKind = 'rds-instance' | 'rds-cluster';

/** A DB instance or Aurora cluster to snapshot. */
export interface DatabaseInfo {
  kind: DatabaseKind;
  id: string;
  arn: string;
  encrypted: boolean;
  tags: Tags;
}

/** A manual DB (cluster) snapshot, with RDS's status reduced to lifeboat's three states. */
export interface DbSnapshotInfo {
  kind: DatabaseKind;
  identifier: string;
  arn: string;
  /** The DB instance or cluster it was taken from. */
  sourceId: string;
  state: 'pending' | 'completed' | 'failed';
  /** RDS's own status text (available, creating, copying, failed, ...). */
  status: string;
  encrypted: boolean;
  createdAt?: string;
  tags: Tags;
}

/** A cross-region copy, as the port takes it. */
export type CopyInput = Parameters<RdsPort['copySnapshotFrom']>[0];

/**
 * RDS snapshot status → lifeboat state. `available` is done; failed and incompatible states are
 * failures; anything else (creating, copying, pending, ...) is still under way.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CreateSnapshot.html
 */
function stateOf(status: string): DbSnapshotInfo['state'] {
  if (status === 'available') return 'completed';
  if (status === 'failed' || status === 'deleting' || status.startsWith('incompatible')) return 'failed';
  return 'pending';
}

/** Where the two snapshot shapes keep the same facts (DBSnapshot, DBClusterSnapshot). */
const INSTANCE_FIELDS = {
  identifier: 'DBSnapshotIdentifier',
  arn: 'DBSnapshotArn',
  source: 'DBInstanceIdentifier',
  encrypted: 'Encrypted',
} as const;
const CLUSTER_FIELDS = {
  identifier: 'DBClusterSnapshotIdentifier',
  arn: 'DBClusterSnapshotArn',
  source: 'DBClusterIdentifier',
  encrypted: 'StorageEncrypted',
} as const;
type SnapshotFields = typeof INSTANCE_FIELDS | typeof CLUSTER_FIELDS;

/** A DB (cluster) snapshot as lifeboat sees it; a field AWS must send is an error naming it when absent. */
function snapshotInfo(
  kind: DatabaseKind,
  s: DBSnapshot | DBClusterSnapshot,
  fields: SnapshotFields,
  operation: string,
): DbSnapshotInfo {
  const answer = s as Record<string, unknown>;
  const text = (name: string) => answer[name] as string | undefined;
  const field = (name: string) => `${operation}.${name}`;
  const identifier = required(text(fields.identifier), field(fields.identifier));
  const status = required(s.Status, field('Status'), { identifier });
  return {
    kind,
    identifier,
    arn: required(text(fields.arn), field(fields.arn), { identifier }),
    sourceId: required(text(fields.source), field(fields.source), { identifier }),
    state: stateOf(status),
    status,
    encrypted: required(answer[fields.encrypted] as boolean | undefined, field(fields.encrypted), {
      identifier,
    }),
    createdAt: s.SnapshotCreateTime?.toISOString(),
    tags: fromTagList(s.TagList),
  };
}

/**
 * What differs between DB instances and Aurora clusters: the calls, their names for errors, the
 * error codes that mean "not there" or "already there", and the shapes of their answers. The
 * adapter holds one per kind and does the rest (idempotency, error translation) once.
 */
interface KindStrategy {
  readonly kind: DatabaseKind;
  readonly operations: {
    describeDatabase: string;
    createSnapshot: string;
    describeSnapshots: string;
    copySnapshot: string;
    deleteSnapshot: string;
  };
  readonly codes: { databaseNotFound: string[]; snapshotNotFound: string[]; snapshotExists: string[] };
  describeDatabase(id: string): Promise<DatabaseInfo | undefined>;
  createSnapshot(sourceId: string, identifier: string, tags: Tags): Promise<DbSnapshotInfo>;
  findSnapshot(identifier: string): Promise<DbSnapshotInfo | undefined>;
  /** Every manual snapshot of this kind whose identifier starts with `prefix`, page by page. */
  listSnapshots(prefix: string): Promise<DbSnapshotInfo[]>;
  /** Every manual snapshot of the database `sourceId` in this region (copies keep their source's id). */
  snapshotsOf(sourceId: string): Promise<DbSnapshotInfo[]>;
  copySnapshot(input: CopyInput): Promise<DbSnapshotInfo>;
  deleteSnapshot(identifier: string): Promise<void>;
}

/** DB instances: CreateDBSnapshot, DescribeDBSnapshots, CopyDBSnapshot, DeleteDBSnapshot. */
function instanceStrategy(rds: RDSClient): KindStrategy {
  const kind = 'rds-instance';
  const operations = {
    describeDatabase: 'RDS DescribeDBInstances',
    createSnapshot: 'RDS CreateDBSnapshot',
    describeSnapshots: 'RDS DescribeDBSnapshots',
    copySnapshot: 'RDS CopyDBSnapshot',
    deleteSnapshot: 'RDS DeleteDBSnapshot',
  };

  const toInfo = (s: DBSnapshot, operation: string) => snapshotInfo(kind, s, INSTANCE_FIELDS, operation);

  return {
    kind,
    operations,
    codes: {
      databaseNotFound: ['DBInstanceNotFound', 'DBInstanceNotFoundFault'],
      snapshotNotFound: ['DBSnapshotNotFound', 'DBSnapshotNotFoundFault'],
      snapshotExists: ['DBSnapshotAlreadyExists', 'DBSnapshotAlreadyExistsFault'],
    },
    async describeDatabase(id) {
      for await (const page of paginateDescribeDBInstances({ client: rds }, { DBInstanceIdentifier: id })) {
        for (const db of page.DBInstances ?? []) {
          const field = (name: string) => `${operations.describeDatabase}.${name}`;
          return {
            kind,
            id,
            arn: required(db.DBInstanceArn, field('DBInstanceArn'), { id }),
            encrypted: required(db.StorageEncrypted, field('StorageEncrypted'), { id }),
            tags: fromTagList(db.TagList),
          };
        }
      }
      return undefined;
    },
    async createSnapshot(sourceId, identifier, tags) {
      const out = await rds.send(
        new CreateDBSnapshotCommand({
          DBInstanceIdentifier: sourceId,
          DBSnapshotIdentifier: identifier,
          Tags: toTagList(tags),
        }),
      );
      const op = operations.createSnapshot;
      return toInfo(required(out.DBSnapshot, `${op}.DBSnapshot`, { identifier }), op);
    },
    async findSnapshot(identifier) {
      const pages = paginateDescribeDBSnapshots({ client: rds }, { DBSnapshotIdentifier: identifier });
      for await (const page of pages) {
        for (const s of page.DBSnapshots ?? []) return toInfo(s, operations.describeSnapshots);
      }
      return undefined;
    },
    async listSnapshots(prefix) {
      const out: DbSnapshotInfo[] = [];
      const op = operations.describeSnapshots;
      const pages = paginateDescribeDBSnapshots({ client: rds, pageSize: 100 }, { SnapshotType: 'manual' });
      for await (const page of pages) {
        for (const s of page.DBSnapshots ?? []) {
          if (required(s.DBSnapshotIdentifier, `${op}.DBSnapshotIdentifier`).startsWith(prefix))
            out.push(toInfo(s, op));
        }
      }
      return out;
    },
    async snapshotsOf(sourceId) {
      const out: DbSnapshotInfo[] = [];
      const pages = paginateDescribeDBSnapshots(
        { client: rds, pageSize: 100 },
        { DBInstanceIdentifier: sourceId, SnapshotType: 'manual' },
      );
      for await (const page of pages)
        for (const s of page.DBSnapshots ?? []) out.push(toInfo(s, operations.describeSnapshots));
      return out;
    },
    async copySnapshot(input) {
      const out = await rds.send(
        new CopyDBSnapshotCommand({
          SourceDBSnapshotIdentifier: input.sourceArn,
          TargetDBSnapshotIdentifier: input.targetIdentifier,
          KmsKeyId: input.kmsKeyId,
          Tags: toTagList(input.tags),
        }),
      );
      const op = operations.copySnapshot;
      return toInfo(required(out.DBSnapshot, `${op}.DBSnapshot`, { source: input.sourceArn }), op);
    },
    async deleteSnapshot(identifier) {
      await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: identifier }));
    },
  };
}

/** Aurora clusters: the DBCluster* variants of the same calls. */
function clusterStrategy(rds: RDSClient): KindStrategy {
  const kind = 'rds-cluster';
  const operations = {
    describeDatabase: 'RDS DescribeDBClusters',
    createSnapshot: 'RDS CreateDBClusterSnapshot',
    describeSnapshots: 'RDS DescribeDBClusterSnapshots',
    copySnapshot: 'RDS CopyDBClusterSnapshot',
    deleteSnapshot: 'RDS DeleteDBClusterSnapshot',
  };

  const toInfo = (s: DBClusterSnapshot, operation: string) =>
    snapshotInfo(kind, s, CLUSTER_FIELDS, operation);

  return {
    kind,
    operations,
    codes: {
      databaseNotFound: ['DBClusterNotFoundFault'],
      snapshotNotFound: ['DBClusterSnapshotNotFoundFault'],
      snapshotExists: ['DBClusterSnapshotAlreadyExistsFault'],
    },
    async describeDatabase(id) {
      for await (const page of paginateDescribeDBClusters({ client: rds }, { DBClusterIdentifier: id })) {
        for (const db of page.DBClusters ?? []) {
          const field = (name: string) => `${operations.describeDatabase}.${name}`;
          return {
            kind,
            id,
            arn: required(db.DBClusterArn, field('DBClusterArn'), { id }),
            encrypted: required(db.StorageEncrypted, field('StorageEncrypted'), { id }),
            tags: fromTagList(db.TagList),
          };
        }
      }
      return undefined;
    },
    async createSnapshot(sourceId, identifier, tags) {
      const out = await rds.send(
        new CreateDBClusterSnapshotCommand({
          DBClusterIdentifier: sourceId,
          DBClusterSnapshotIdentifier: identifier,
          Tags: toTagList(tags),
        }),
      );
      const op = operations.createSnapshot;
      return toInfo(required(out.DBClusterSnapshot, `${op}.DBClusterSnapshot`, { identifier }), op);
    },
    async findSnapshot(identifier) {
      const pages = paginateDescribeDBClusterSnapshots(
        { client: rds },
        { DBClusterSnapshotIdentifier: identifier },
      );
      for await (const page of pages) {
        for (const s of page.DBClusterSnapshots ?? []) return toInfo(s, operations.describeSnapshots);
      }
      return undefined;
    },
    async listSnapshots(prefix) {
      const out: DbSnapshotInfo[] = [];
      const op = operations.describeSnapshots;
      const pages = paginateDescribeDBClusterSnapshots(
        { client: rds, pageSize: 100 },
        { SnapshotType: 'manual' },
      );
      for await (const page of pages) {
        for (const s of page.DBClusterSnapshots ?? []) {
          if (required(s.DBClusterSnapshotIdentifier, `${op}.DBClusterSnapshotIdentifier`).startsWith(prefix))
            out.push(toInfo(s, op));
        }
      }
      return out;
    },
    async snapshotsOf(sourceId) {
      const out: DbSnapshotInfo[] = [];
      const pages = paginateDescribeDBClusterSnapshots(
        { client: rds, pageSize: 100 },
        { DBClusterIdentifier: sourceId, SnapshotType: 'manual' },
      );
      for await (const page of pages)
        for (const s of page.DBClusterSnapshots ?? []) out.push(toInfo(s, operations.describeSnapshots));
      return out;
    },
    async copySnapshot(input) {
      const out = await rds.send(
        new CopyDBClusterSnapshotCommand({
          SourceDBClusterSnapshotIdentifier: input.sourceArn,
          TargetDBClusterSnapshotIdentifier: input.targetIdentifier,
          KmsKeyId: input.kmsKeyId,
          Tags: toTagList(input.tags),
        }),
      );
      const op = operations.copySnapshot;
      return toInfo(
        required(out.DBClusterSnapshot, `${op}.DBClusterSnapshot`, { source: input.sourceArn }),
        op,
      );
    },
    async deleteSnapshot(identifier) {
      await rds.send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: identifier }));
    },
  };
}

/**
 * RDS answers a copy beyond its concurrent cross-region copy quota with a quota error; that is a
 * "wait your turn", not a failure.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CopySnapshot.html
 */
/** RDS's answers for a database or snapshot that exists but is not `available` yet. */
const NOT_AVAILABLE_DATABASE = [
  'InvalidDBInstanceState',
  'InvalidDBInstanceStateFault',
  'InvalidDBClusterStateFault',
];
const NOT_AVAILABLE_SNAPSHOT = [
  'InvalidDBSnapshotState',
  'InvalidDBSnapshotStateFault',
  'InvalidDBClusterSnapshotStateFault',
];

function translateCopyError(error: unknown, operation: string, context: Record<string, unknown>): Error {
  const code = awsErrorCode(error);
  if (code === 'SnapshotQuotaExceeded' || code === 'SnapshotQuotaExceededFault') {
    return new ThrottledError(
      `${operation}: copy quota reached (${code})`,
      { operation, code, ...context },
      {
        cause: error,
      },
    );
  }
  return translateAwsError(error, operation, context);
}

function hasCode(codes: string[], error: unknown): boolean {
  const code = awsErrorCode(error);
  return code !== undefined && codes.includes(code);
}

const ALL_KINDS: readonly DatabaseKind[] = ['rds-instance', 'rds-cluster'];

/** RDS DB instances, Aurora clusters and their manual snapshots in one region: one strategy per kind. */
export class RdsAdapter implements RdsPort {
  private readonly strategies: Record<DatabaseKind, KindStrategy>;

  constructor(
    rds: RDSClient,
    readonly region: string,
  ) {
    this.strategies = { 'rds-instance': instanceStrategy(rds), 'rds-cluster': clusterStrategy(rds) };
  }

  /** The DB instance or cluster, or undefined if it does not exist in this region. */
  async describeDatabase(kind: DatabaseKind, id: string): Promise<DatabaseInfo | undefined> {
    const strategy = this.strategies[kind];
    try {
      return await strategy.describeDatabase(id);
    } catch (error) {
      if (hasCode(strategy.codes.databaseNotFound, error)) return undefined;
      throw translateAwsError(error, strategy.operations.describeDatabase, { region: this.region, id });
    }
  }

  /**
   * Starts a manual snapshot named `identifier`, tagged at creation. The identifier is the
   * idempotency key: if it already exists, the existing snapshot is returned instead.
   */
  async createSnapshot(
    kind: DatabaseKind,
    sourceId: string,
    identifier: string,
    tags: Tags,
  ): Promise<DbSnapshotInfo> {
    const strategy = this.strategies[kind];
    try {
      return await strategy.createSnapshot(sourceId, identifier, tags);
    } catch (error) {
      if (hasCode(strategy.codes.snapshotExists, error)) {
        const existing = await this.findSnapshot(kind, identifier);
        if (existing !== undefined) return existing;
      }
      // A database that is not `available` (modifying, rebooting, upgrading) cannot be snapshotted
      // yet: a wait, not a failed part; the backup's deadline bounds it.
      // https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSnapshot.html
      if (hasCode(NOT_AVAILABLE_DATABASE, error)) {
        throw new ThrottledError(
          `${strategy.operations.createSnapshot}: ${sourceId} is not available yet`,
          { region: this.region, sourceId, identifier, code: awsErrorCode(error) },
          { cause: error },
        );
      }
      throw translateAwsError(error, strategy.operations.createSnapshot, {
        region: this.region,
        sourceId,
        identifier,
      });
    }
  }

  /** The manual snapshot with this identifier, or undefined. */
  async findSnapshot(kind: DatabaseKind, identifier: string): Promise<DbSnapshotInfo | undefined> {
    const strategy = this.strategies[kind];
    try {
      return await strategy.findSnapshot(identifier);
    } catch (error) {
      if (hasCode(strategy.codes.snapshotNotFound, error)) return undefined;
      throw translateAwsError(error, strategy.operations.describeSnapshots, {
        region: this.region,
        identifier,
      });
    }
  }

  /**
   * Every manual snapshot of the database `sourceId` in this region, in one listing filtered by
   * the database (DescribeDBSnapshots DBInstanceIdentifier / DBClusterSnapshots DBClusterIdentifier)
   * instead of one describe per snapshot; a copy in another region keeps its source's identifier.
   */
  async snapshotsOf(kind: DatabaseKind, sourceId: string): Promise<DbSnapshotInfo[]> {
    const strategy = this.strategies[kind];
    try {
      return await strategy.snapshotsOf(sourceId);
    } catch (error) {
      if (hasCode(strategy.codes.databaseNotFound, error)) return [];
      throw translateAwsError(error, strategy.operations.describeSnapshots, {
        region: this.region,
        sourceId,
      });
    }
  }

  /**
   * Every manual instance and cluster snapshot whose identifier starts with `prefix`.
   * DescribeDBSnapshots has no tag filter, so the prefix is matched here, page by page.
   */
  async listSnapshots(prefix: string, kinds: readonly DatabaseKind[] = ALL_KINDS): Promise<DbSnapshotInfo[]> {
    const out: DbSnapshotInfo[] = [];
    for (const strategy of kinds.map((kind) => this.strategies[kind])) {
      try {
        out.push(...(await strategy.listSnapshots(prefix)));
      } catch (error) {
        throw translateAwsError(error, strategy.operations.describeSnapshots, {
          region: this.region,
          prefix,
        });
      }
    }
    return out;
  }

  /**
   * How many lifeboat DB snapshots in this region are still being created or copied: what the
   * limit of concurrent cross-region copies per destination region applies to. RDS cannot filter
   * by status or tag, so this pages through the manual snapshots (100 per call).
   * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CopySnapshot.html
   */
  async countPendingCopies(kinds: readonly DatabaseKind[] = ALL_KINDS): Promise<number> {
    // Only the kinds the caller's sites have: a fleet of DB instances never pages through cluster snapshots.
    const all = await this.listSnapshots(RDS_SNAPSHOT_PREFIX, kinds);
    return all.filter((s) => s.state === 'pending' && s.tags[TAG.sourceSnapshot] !== undefined).length;
  }

  /**
   * Copies a snapshot from `sourceRegion` into this adapter's region under `targetIdentifier`.
   * The SDK presigns the source-region request itself, taking the source region from the ARN
   * (`sourceRegion` is informative). An existing target with that
   * identifier is returned instead (the identifier is the idempotency key).
   * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CopyDBSnapshot.html
   */
  async copySnapshotFrom(input: CopyInput): Promise<DbSnapshotInfo> {
    const strategy = this.strategies[input.kind];
    try {
      return await strategy.copySnapshot(input);
    } catch (error) {
      if (hasCode(strategy.codes.snapshotExists, error)) {
        const existing = await this.findSnapshot(input.kind, input.targetIdentifier);
        if (existing !== undefined) return existing;
      }
      throw translateCopyError(error, strategy.operations.copySnapshot, {
        region: this.region,
        source: input.sourceArn,
      });
    }
  }

  /** Deletes a manual snapshot. IAM allows this only on snapshots tagged TAG.managed=true. */
  async deleteSnapshot(kind: DatabaseKind, identifier: string): Promise<void> {
    const strategy = this.strategies[kind];
    try {
      await strategy.deleteSnapshot(identifier);
    } catch (error) {
      if (hasCode(strategy.codes.snapshotNotFound, error)) return;
      // Only an `available` snapshot can be deleted: one still being created or copied waits for
      // the next retention run. https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBSnapshot.html
      if (hasCode(NOT_AVAILABLE_SNAPSHOT, error)) {
        throw new ThrottledError(
          `${strategy.operations.deleteSnapshot}: ${identifier} is not available yet`,
          { region: this.region, identifier, code: awsErrorCode(error) },
          { cause: error },
        );
      }
      throw translateAwsError(error, strategy.operations.deleteSnapshot, { region: this.region, identifier });
    }
  }
}
