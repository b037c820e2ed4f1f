import { el, isoTime, list, type QueryParams, refuse, requestId, tagsFrom } from './wire';

/** An RDS DB instance as the stand-in keeps it. */
export interface StandinDbInstance {
  id: string;
  arn: string;
  engine: string;
  instanceClass: string;
  allocatedStorage: number;
  storageEncrypted: boolean;
  createdAt: number;
  tags: Map<string, string>;
}

/** A manual DB snapshot (or a DR copy) as the stand-in keeps it. */
export interface StandinDbSnapshot {
  id: string;
  seq: number;
  arn: string;
  instanceId: string;
  engine: string;
  allocatedStorage: number;
  encrypted: boolean;
  kmsKeyId?: string;
  createdAt: number;
  sourceArn?: string;
  sourceRegion?: string;
  tags: Map<string, string>;
}

const RDS_NS = 'http://rds.amazonaws.com/doc/2014-10-31/';

function tagList(tags: Map<string, string>): string {
  return list(
    'TagList',
    [...tags].map(([k, v]) => `<Tag>${el('Key', k)}${el('Value', v)}</Tag>`),
  );
}

function instanceFields(db: StandinDbInstance): string {
  return (
    el('DBInstanceIdentifier', db.id) +
    el('DBInstanceClass', db.instanceClass) +
    el('Engine', db.engine) +
    el('DBInstanceStatus', 'available') +
    el('AllocatedStorage', db.allocatedStorage) +
    el('InstanceCreateTime', isoTime(db.createdAt)) +
    el('StorageEncrypted', db.storageEncrypted) +
    el('DBInstanceArn', db.arn) +
    tagList(db.tags)
  );
}

function snapshotFields(s: StandinDbSnapshot, status = 'available'): string {
  // Available at once, as in moto; the SDK middleware (snapshot-lifecycle.ts) keeps it `creating`.
  return (
    el('DBSnapshotIdentifier', s.id) +
    el('DBInstanceIdentifier', s.instanceId) +
    el('SnapshotCreateTime', isoTime(s.createdAt)) +
    el('Engine', s.engine) +
    el('AllocatedStorage', s.allocatedStorage) +
    el('Status', status) +
    el('PercentProgress', 100) +
    el('SnapshotType', 'manual') +
    el('Encrypted', s.encrypted) +
    el('KmsKeyId', s.kmsKeyId) +
    el('DBSnapshotArn', s.arn) +
    el('SourceRegion', s.sourceRegion) +
    el('SourceDBSnapshotIdentifier', s.sourceArn) +
    tagList(s.tags)
  );
}

function response(action: string, result: string): string {
  return `<${action}Response xmlns="${RDS_NS}"><${action}Result>${result}</${action}Result><ResponseMetadata>${el('RequestId', requestId())}</ResponseMetadata></${action}Response>`;
}

/** RDS's paging: MaxRecords 20-100 (default 100), Marker (the last returned item's sequence). */
function page(params: QueryParams) {
  const max = params.int('MaxRecords');
  if (max !== undefined && (max < 20 || max > 100))
    refuse('InvalidParameterValue', `Invalid value ${max} for MaxRecords. Must be between 20 and 100`);
  const marker = params.get('Marker');
  const after = marker === undefined ? 0 : Number(marker);
  if (!Number.isInteger(after)) refuse('InvalidParameterValue', `Invalid Marker '${marker}'`);
  return { limit: max ?? 100, after };
}

const tagsOf = (params: QueryParams) =>
  tagsFrom(params.structs('Tags.Tag').concat(params.structs('Tags.member')));

/** The instance identifier in an RDS ARN or a plain identifier, and the region the ARN names. */
function parseSnapshotRef(ref: string, region: string): { id: string; region: string } {
  const parts = ref.split(':');
  if (parts[0] === 'arn' && parts.length >= 7)
    return { id: parts.slice(6).join(':'), region: parts[3] ?? region };
  return { id: ref, region };
}

/**
 * RDS (DB instances and their manual snapshots) of one region, in the awsQuery protocol. Aurora
 * clusters are not stood in: the cluster calls answer as for an account without clusters.
 */
export class RdsStandin {
  readonly instances = new Map<string, StandinDbInstance>();
  /** In creation order; RDS has no tag filter on DescribeDBSnapshots, so listings page through all. */
  readonly snapshots = new Map<string, StandinDbSnapshot>();

  constructor(
    readonly region: string,
    private readonly world: {
      accountId: string;
      now: () => number;
      nextSeq: () => number;
      rds: (region: string) => RdsStandin;
    },
  ) {}

  /** The XML answer to one RDS action. */
  handle(params: QueryParams): string {
    const action = params.action;
    switch (action) {
      case 'CreateDBInstance':
        return response(action, el('DBInstance', instanceFields(this.createInstance(params)), true));
      case 'DescribeDBInstances':
        return this.describeInstances(params);
      case 'CreateDBSnapshot':
        return response(action, el('DBSnapshot', snapshotFields(this.createSnapshot(params)), true));
      case 'DescribeDBSnapshots':
        return this.describeSnapshots(params);
      case 'CopyDBSnapshot':
        return response(action, el('DBSnapshot', snapshotFields(this.copySnapshot(params)), true));
      case 'DeleteDBSnapshot': {
        const id = params.required('DBSnapshotIdentifier');
        const gone = this.snapshot(id);
        this.snapshots.delete(id);
        return response(action, el('DBSnapshot', snapshotFields(gone, 'deleted'), true));
      }
      case 'DescribeDBClusterSnapshots': {
        const id = params.get('DBClusterSnapshotIdentifier');
        if (id !== undefined)
          refuse('DBClusterSnapshotNotFoundFault', `DBClusterSnapshot ${id} not found.`, 404);
        return response(action, list('DBClusterSnapshots', []));
      }
      case 'DescribeDBClusters': {
        const id = params.get('DBClusterIdentifier');
        if (id !== undefined) refuse('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404);
        return response(action, list('DBClusters', []));
      }
      case 'CreateDBClusterSnapshot':
        return refuse(
          'DBClusterNotFoundFault',
          `DBCluster ${params.get('DBClusterIdentifier')} not found.`,
          404,
        );
      default:
        return refuse(
          'InvalidAction',
          `The action ${action} is not valid for this web service (aws-standin).`,
        );
    }
  }

  private arn(kind: 'db' | 'snapshot', id: string): string {
    return `arn:aws:rds:${this.region}:${this.world.accountId}:${kind}:${id}`;
  }

  private createInstance(params: QueryParams): StandinDbInstance {
    const id = params.required('DBInstanceIdentifier');
    if (this.instances.has(id)) refuse('DBInstanceAlreadyExists', `DB instance already exists`);
    const db: StandinDbInstance = {
      id,
      arn: this.arn('db', id),
      engine: params.required('Engine'),
      instanceClass: params.get('DBInstanceClass') ?? 'db.t3.micro',
      allocatedStorage: params.int('AllocatedStorage') ?? 20,
      storageEncrypted: params.bool('StorageEncrypted') ?? false,
      createdAt: this.world.now(),
      tags: tagsOf(params),
    };
    this.instances.set(id, db);
    return db;
  }

  private describeInstances(params: QueryParams): string {
    const id = params.get('DBInstanceIdentifier');
    const { limit, after } = page(params);
    let all = [...this.instances.values()];
    if (id !== undefined) {
      const db = this.instances.get(id);
      if (db === undefined) refuse('DBInstanceNotFound', `DBInstance ${id} not found.`, 404);
      all = [db];
    }
    const rest = all.slice(after);
    const shown = rest.slice(0, limit);
    return response(
      'DescribeDBInstances',
      list(
        'DBInstances',
        shown.map((db) => el('DBInstance', instanceFields(db), true)),
      ) + (rest.length > limit ? el('Marker', String(after + limit)) : ''),
    );
  }

  private snapshot(id: string): StandinDbSnapshot {
    const s = this.snapshots.get(id);
    if (s === undefined) refuse('DBSnapshotNotFound', `DBSnapshot ${id} not found.`, 404);
    return s;
  }

  private addSnapshot(snapshot: StandinDbSnapshot): StandinDbSnapshot {
    if (this.snapshots.has(snapshot.id))
      refuse(
        'DBSnapshotAlreadyExists',
        `Cannot create the snapshot because a snapshot with the identifier ${snapshot.id} already exists.`,
      );
    this.snapshots.set(snapshot.id, snapshot);
    return snapshot;
  }

  private createSnapshot(params: QueryParams): StandinDbSnapshot {
    const instanceId = params.required('DBInstanceIdentifier');
    const db = this.instances.get(instanceId);
    if (db === undefined) refuse('DBInstanceNotFound', `DBInstance ${instanceId} not found.`, 404);
    const id = params.required('DBSnapshotIdentifier');
    return this.addSnapshot({
      id,
      seq: this.world.nextSeq(),
      arn: this.arn('snapshot', id),
      instanceId,
      engine: db.engine,
      allocatedStorage: db.allocatedStorage,
      encrypted: db.storageEncrypted,
      createdAt: this.world.now(),
      tags: tagsOf(params),
    });
  }

  private describeSnapshots(params: QueryParams): string {
    const id = params.get('DBSnapshotIdentifier');
    const instanceId = params.get('DBInstanceIdentifier');
    const type = params.get('SnapshotType');
    for (const f of params.structs('Filters.Filter'))
      refuse('InvalidParameterValue', `Unrecognized filter name: ${f.get('Name')} (aws-standin)`);
    const { limit, after } = page(params);
    const shown: StandinDbSnapshot[] = [];
    let more = false;
    const pool = id !== undefined ? [this.snapshot(id)] : this.snapshots.values();
    for (const s of pool) {
      if (s.seq <= after) continue;
      if (instanceId !== undefined && s.instanceId !== instanceId) continue;
      if (type !== undefined && type !== 'manual') continue;
      if (shown.length === limit) {
        more = true;
        break;
      }
      shown.push(s);
    }
    const last = shown[shown.length - 1];
    return response(
      'DescribeDBSnapshots',
      list(
        'DBSnapshots',
        shown.map((s) => el('DBSnapshot', snapshotFields(s), true)),
      ) + (more && last !== undefined ? el('Marker', String(last.seq)) : ''),
    );
  }

  /** CopyDBSnapshot is called in the destination region; the source is an ARN of the source region. */
  private copySnapshot(params: QueryParams): StandinDbSnapshot {
    const sourceRef = params.required('SourceDBSnapshotIdentifier');
    const where = parseSnapshotRef(sourceRef, this.region);
    const source = this.world.rds(where.region).snapshots.get(where.id);
    if (source === undefined) refuse('DBSnapshotNotFound', `DBSnapshot ${sourceRef} not found.`, 404);
    const id = params.required('TargetDBSnapshotIdentifier');
    const kmsKeyId = params.get('KmsKeyId');
    const copyTags = params.bool('CopyTags') === true;
    return this.addSnapshot({
      id,
      seq: this.world.nextSeq(),
      arn: this.arn('snapshot', id),
      instanceId: source.instanceId,
      engine: source.engine,
      allocatedStorage: source.allocatedStorage,
      encrypted: source.encrypted || kmsKeyId !== undefined,
      kmsKeyId,
      createdAt: this.world.now(),
      sourceArn: source.arn,
      sourceRegion: where.region === this.region ? undefined : where.region,
      tags: new Map([...(copyTags ? source.tags : []), ...tagsOf(params)]),
    });
  }
}
