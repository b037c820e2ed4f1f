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
  type Tag,
} from '@aws-sdk/client-rds';
import { ThrottledError } from '../errors';
import type { AwsClients } from './clients';
import { awsErrorCode, translateAwsError } from './errors';

/** The RDSClient for a region, built once per process. */
export function rdsClient(clients: AwsClients, region: string): RDSClient {
  return clients.client('rds', RDSClient, region);
}

export type Tags = Record<string, string>;

/** Identifier prefix of every DB snapshot lifeboat makes (lib/backup/naming.ts). */
const LIFEBOAT_PREFIX = 'lifeboat-';
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

const toTagList = (tags: Tags): Tag[] => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

function fromTagList(tags: Tag[] | undefined): Tags {
  const out: Tags = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

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

function fromInstanceSnapshot(s: DBSnapshot): DbSnapshotInfo {
  const status = s.Status ?? 'creating';
  return {
    kind: 'rds-instance',
    identifier: s.DBSnapshotIdentifier ?? '',
    arn: s.DBSnapshotArn ?? '',
    sourceId: s.DBInstanceIdentifier ?? '',
    state: stateOf(status),
    status,
    encrypted: s.Encrypted ?? false,
    createdAt: s.SnapshotCreateTime?.toISOString(),
    tags: fromTagList(s.TagList),
  };
}

function fromClusterSnapshot(s: DBClusterSnapshot): DbSnapshotInfo {
  const status = s.Status ?? 'creating';
  return {
    kind: 'rds-cluster',
    identifier: s.DBClusterSnapshotIdentifier ?? '',
    arn: s.DBClusterSnapshotArn ?? '',
    sourceId: s.DBClusterIdentifier ?? '',
    state: stateOf(status),
    status,
    encrypted: s.StorageEncrypted ?? false,
    createdAt: s.SnapshotCreateTime?.toISOString(),
    tags: fromTagList(s.TagList),
  };
}

const NOT_FOUND = new Set([
  'DBSnapshotNotFound',
  'DBSnapshotNotFoundFault',
  'DBClusterSnapshotNotFoundFault',
]);
const ALREADY_EXISTS = new Set([
  'DBSnapshotAlreadyExists',
  'DBSnapshotAlreadyExistsFault',
  'DBClusterSnapshotAlreadyExistsFault',
]);
const DB_NOT_FOUND = new Set(['DBInstanceNotFound', 'DBInstanceNotFoundFault', 'DBClusterNotFoundFault']);

/**
 * RDS answers a copy beyond its concurrent cross-region copy quota with a quota error; that is a
 * "wait your turn", not a failure.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CopySnapshot.html
 */
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

/** RDS DB instances, Aurora clusters and their manual snapshots in one region. */
export class RdsAdapter {
  constructor(
    private readonly rds: RDSClient,
    readonly region: string,
  ) {}

  /** The DB instance or cluster, or undefined if it does not exist in this region. */
  async describeDatabase(kind: DatabaseKind, id: string): Promise<DatabaseInfo | undefined> {
    try {
      if (kind === 'rds-instance') {
        for await (const page of paginateDescribeDBInstances(
          { client: this.rds },
          { DBInstanceIdentifier: id },
        )) {
          for (const db of page.DBInstances ?? []) {
            return {
              kind,
              id,
              arn: db.DBInstanceArn ?? '',
              encrypted: db.StorageEncrypted ?? false,
              tags: fromTagList(db.TagList),
            };
          }
        }
      } else {
        for await (const page of paginateDescribeDBClusters(
          { client: this.rds },
          { DBClusterIdentifier: id },
        )) {
          for (const db of page.DBClusters ?? []) {
            return {
              kind,
              id,
              arn: db.DBClusterArn ?? '',
              encrypted: db.StorageEncrypted ?? false,
              tags: fromTagList(db.TagList),
            };
          }
        }
      }
      return undefined;
    } catch (error) {
      if (DB_NOT_FOUND.has(awsErrorCode(error) ?? '')) return undefined;
      throw translateAwsError(error, 'RDS DescribeDB', { region: this.region, id });
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
    const operation = kind === 'rds-instance' ? 'RDS CreateDBSnapshot' : 'RDS CreateDBClusterSnapshot';
    try {
      if (kind === 'rds-instance') {
        const out = await this.rds.send(
          new CreateDBSnapshotCommand({
            DBInstanceIdentifier: sourceId,
            DBSnapshotIdentifier: identifier,
            Tags: toTagList(tags),
          }),
        );
        return fromInstanceSnapshot(out.DBSnapshot ?? { DBSnapshotIdentifier: identifier });
      }
      const out = await this.rds.send(
        new CreateDBClusterSnapshotCommand({
          DBClusterIdentifier: sourceId,
          DBClusterSnapshotIdentifier: identifier,
          Tags: toTagList(tags),
        }),
      );
      return fromClusterSnapshot(out.DBClusterSnapshot ?? { DBClusterSnapshotIdentifier: identifier });
    } catch (error) {
      if (ALREADY_EXISTS.has(awsErrorCode(error) ?? '')) {
        const existing = await this.findSnapshot(kind, identifier);
        if (existing !== undefined) return existing;
      }
      throw translateAwsError(error, operation, { region: this.region, sourceId, identifier });
    }
  }

  /** The manual snapshot with this identifier, or undefined. */
  async findSnapshot(kind: DatabaseKind, identifier: string): Promise<DbSnapshotInfo | undefined> {
    try {
      if (kind === 'rds-instance') {
        const pages = paginateDescribeDBSnapshots({ client: this.rds }, { DBSnapshotIdentifier: identifier });
        for await (const page of pages) {
          for (const s of page.DBSnapshots ?? []) return fromInstanceSnapshot(s);
        }
      } else {
        const pages = paginateDescribeDBClusterSnapshots(
          { client: this.rds },
          { DBClusterSnapshotIdentifier: identifier },
        );
        for await (const page of pages) {
          for (const s of page.DBClusterSnapshots ?? []) return fromClusterSnapshot(s);
        }
      }
      return undefined;
    } catch (error) {
      if (NOT_FOUND.has(awsErrorCode(error) ?? '')) return undefined;
      throw translateAwsError(error, 'RDS DescribeDBSnapshots', { region: this.region, identifier });
    }
  }

  /**
   * Every manual instance and cluster snapshot whose identifier starts with `prefix`.
   * DescribeDBSnapshots has no tag filter, so the prefix is matched here, page by page.
   */
  async listSnapshots(prefix: string): Promise<DbSnapshotInfo[]> {
    const out: DbSnapshotInfo[] = [];
    try {
      for await (const page of paginateDescribeDBSnapshots(
        { client: this.rds, pageSize: 100 },
        { SnapshotType: 'manual' },
      )) {
        for (const s of page.DBSnapshots ?? []) {
          if (s.DBSnapshotIdentifier?.startsWith(prefix)) out.push(fromInstanceSnapshot(s));
        }
      }
      for await (const page of paginateDescribeDBClusterSnapshots(
        { client: this.rds, pageSize: 100 },
        { SnapshotType: 'manual' },
      )) {
        for (const s of page.DBClusterSnapshots ?? []) {
          if (s.DBClusterSnapshotIdentifier?.startsWith(prefix)) out.push(fromClusterSnapshot(s));
        }
      }
    } catch (error) {
      throw translateAwsError(error, 'RDS DescribeDBSnapshots', { region: this.region, prefix });
    }
    return out;
  }

  /**
   * How many lifeboat DB snapshots in this region are still being created or copied: what the
   * limit of concurrent cross-region copies per destination region applies to. RDS cannot filter
   * by status or tag, so this pages through the manual snapshots (100 per call).
   * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CopySnapshot.html
   */
  async countPendingCopies(): Promise<number> {
    const all = await this.listSnapshots(LIFEBOAT_PREFIX);
    return all.filter((s) => s.state === 'pending' && s.tags['lifeboat:source-snapshot'] !== undefined)
      .length;
  }

  /**
   * Copies a snapshot from `sourceRegion` into this adapter's region under `targetIdentifier`.
   * The SDK presigns the source-region request itself, taking the source region from the ARN
   * (`sourceRegion` is informative). An existing target with that
   * identifier is returned instead (the identifier is the idempotency key).
   * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CopyDBSnapshot.html
   */
  async copySnapshotFrom(input: {
    kind: DatabaseKind;
    sourceRegion: string;
    sourceArn: string;
    targetIdentifier: string;
    tags: Tags;
    kmsKeyId?: string;
  }): Promise<DbSnapshotInfo> {
    const operation = input.kind === 'rds-instance' ? 'RDS CopyDBSnapshot' : 'RDS CopyDBClusterSnapshot';
    try {
      if (input.kind === 'rds-instance') {
        const out = await this.rds.send(
          new CopyDBSnapshotCommand({
            SourceDBSnapshotIdentifier: input.sourceArn,
            TargetDBSnapshotIdentifier: input.targetIdentifier,
            KmsKeyId: input.kmsKeyId,
            Tags: toTagList(input.tags),
          }),
        );
        return fromInstanceSnapshot(out.DBSnapshot ?? { DBSnapshotIdentifier: input.targetIdentifier });
      }
      const out = await this.rds.send(
        new CopyDBClusterSnapshotCommand({
          SourceDBClusterSnapshotIdentifier: input.sourceArn,
          TargetDBClusterSnapshotIdentifier: input.targetIdentifier,
          KmsKeyId: input.kmsKeyId,
          Tags: toTagList(input.tags),
        }),
      );
      return fromClusterSnapshot(
        out.DBClusterSnapshot ?? { DBClusterSnapshotIdentifier: input.targetIdentifier },
      );
    } catch (error) {
      if (ALREADY_EXISTS.has(awsErrorCode(error) ?? '')) {
        const existing = await this.findSnapshot(input.kind, input.targetIdentifier);
        if (existing !== undefined) return existing;
      }
      throw translateCopyError(error, operation, { region: this.region, source: input.sourceArn });
    }
  }

  /** Deletes a manual snapshot. IAM allows this only on snapshots tagged lifeboat:managed=true. */
  async deleteSnapshot(kind: DatabaseKind, identifier: string): Promise<void> {
    try {
      if (kind === 'rds-instance') {
        await this.rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: identifier }));
      } else {
        await this.rds.send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: identifier }));
      }
    } catch (error) {
      if (NOT_FOUND.has(awsErrorCode(error) ?? '')) return;
      throw translateAwsError(error, 'RDS DeleteDBSnapshot', { region: this.region, identifier });
    }
  }
}
