import type { DatabaseKind } from '../../../lib/aws/rds';
import type { Backup } from '../../../lib/backup/model';
import type {
  BackupPorts,
  DatabaseInfo,
  DbSnapshotInfo,
  EbsPort,
  RdsPort,
  SnapshotInfo,
  Tags,
  VolumeInfo,
} from '../../../lib/backup/ports';
import { Catalog } from '../../../lib/catalog/catalog';
import { ACCEPT_UNSTAGED, snapshotTrust, type TrustAction } from '../../../lib/trust/snapshot-trust';
import { MemoryObjectStore } from '../../support/memory-object-store';

type Failure = () => Error;

/** The account the fake world is (the snapshots it makes are owned by). */
export const FAKE_ACCOUNT = '123456789012';

/** The stage the fake world's lifeboat runs as. */
export const FAKE_STAGE = 'test';

/** Everything matches when every wanted tag is present with its value. */
const hasTags = (tags: Tags, wanted: Tags = {}) => Object.entries(wanted).every(([k, v]) => tags[k] === v);

/**
 * An in-memory EBS region. New snapshots and copies start `pending` (as in AWS) until a test
 * completes them; `failNext` makes the next call of an operation throw.
 */
export class FakeEbs implements EbsPort {
  readonly volumes: VolumeInfo[] = [];
  readonly snapshots = new Map<string, SnapshotInfo>();
  readonly calls: string[] = [];
  private readonly failures = new Map<string, Failure[]>();
  private counter = 0;

  constructor(
    readonly region: string,
    private readonly world: FakeWorld,
  ) {}

  addVolume(volumeId: string, tags: Tags, encrypted = false): void {
    this.volumes.push({ volumeId, availabilityZone: `${this.region}a`, sizeGiB: 8, encrypted, tags });
  }

  failNext(operation: string, error: Failure): void {
    this.failures.set(operation, [...(this.failures.get(operation) ?? []), error]);
  }

  private maybeFail(operation: string): void {
    this.calls.push(operation);
    const queue = this.failures.get(operation);
    const next = queue?.shift();
    if (next !== undefined) throw next();
  }

  /** Sets the state of a snapshot (or every pending one when no id is given). */
  complete(snapshotId?: string, state: SnapshotInfo['state'] = 'completed', stateMessage?: string): void {
    for (const s of this.snapshots.values()) {
      if (snapshotId === undefined ? s.state === 'pending' : s.snapshotId === snapshotId) {
        s.state = state;
        s.stateMessage = stateMessage;
      }
    }
  }

  async findVolumes(selector: { ids?: string[]; tags?: Tags }): Promise<VolumeInfo[]> {
    this.maybeFail('findVolumes');
    return this.volumes.filter(
      (v) =>
        (selector.ids === undefined || selector.ids.includes(v.volumeId)) && hasTags(v.tags, selector.tags),
    );
  }

  async createSnapshot(volumeId: string, _description: string, tags: Tags): Promise<SnapshotInfo> {
    this.maybeFail('createSnapshot');
    const volume = this.volumes.find((v) => v.volumeId === volumeId);
    const snapshotId = `snap-${this.region.replace(/-/g, '')}${String(++this.counter).padStart(4, '0')}`;
    const s: SnapshotInfo = {
      snapshotId,
      volumeId,
      state: 'pending',
      encrypted: volume?.encrypted ?? false,
      tags: { ...tags },
    };
    this.snapshots.set(snapshotId, s);
    return { ...s, tags: { ...s.tags } };
  }

  async findSnapshots(selector: { ids?: string[]; tags?: Tags }): Promise<SnapshotInfo[]> {
    this.maybeFail('findSnapshots');
    return (
      [...this.snapshots.values()]
        .filter(
          (s) =>
            (selector.ids === undefined || selector.ids.includes(s.snapshotId)) &&
            hasTags(s.tags, selector.tags),
        )
        // DescribeSnapshots always answers OwnerId.
        .map((s) => ({ ...s, ownerId: s.ownerId ?? FAKE_ACCOUNT, tags: { ...s.tags } }))
    );
  }

  async describeSnapshot(snapshotId: string): Promise<SnapshotInfo | undefined> {
    this.maybeFail('describeSnapshot');
    const s = this.snapshots.get(snapshotId);
    return s === undefined ? undefined : { ...s, ownerId: s.ownerId ?? FAKE_ACCOUNT, tags: { ...s.tags } };
  }

  async describeSnapshots(snapshotIds: readonly string[]): Promise<SnapshotInfo[]> {
    this.maybeFail('describeSnapshots');
    return [...new Set(snapshotIds)].flatMap((id) => {
      const s = this.snapshots.get(id);
      return s === undefined ? [] : [{ ...s, ownerId: s.ownerId ?? FAKE_ACCOUNT, tags: { ...s.tags } }];
    });
  }

  async copySnapshotFrom(input: {
    sourceRegion: string;
    sourceSnapshotId: string;
    description: string;
    tags: Tags;
    kmsKeyId?: string;
  }): Promise<string> {
    this.maybeFail('copySnapshotFrom');
    const source = this.world.ebs(input.sourceRegion).snapshots.get(input.sourceSnapshotId);
    const snapshotId = `snap-${this.region.replace(/-/g, '')}${String(++this.counter).padStart(4, '0')}`;
    this.snapshots.set(snapshotId, {
      snapshotId,
      volumeId: source?.volumeId ?? 'vol-ffffffff',
      state: 'pending',
      encrypted: input.kmsKeyId !== undefined || (source?.encrypted ?? false),
      tags: { ...input.tags },
    });
    return snapshotId;
  }

  async countPendingCopies(): Promise<number> {
    this.maybeFail('countPendingCopies');
    return [...this.snapshots.values()].filter(
      (s) => s.state === 'pending' && 'lifeboat:source-snapshot' in s.tags,
    ).length;
  }

  async deleteSnapshot(snapshotId: string): Promise<void> {
    this.maybeFail('deleteSnapshot');
    this.snapshots.delete(snapshotId);
  }
}

/** An in-memory RDS region with the same conventions as FakeEbs. */
export class FakeRds implements RdsPort {
  readonly databases: DatabaseInfo[] = [];
  readonly snapshots = new Map<string, DbSnapshotInfo>();
  readonly calls: string[] = [];
  private readonly failures = new Map<string, Failure[]>();

  constructor(
    readonly region: string,
    private readonly world: FakeWorld,
  ) {}

  addDatabase(id: string, kind: DatabaseKind = 'rds-instance', encrypted = false, tags: Tags = {}): void {
    this.databases.push({
      kind,
      id,
      arn: `arn:aws:rds:${this.region}:123456789012:db:${id}`,
      encrypted,
      tags,
    });
  }

  failNext(operation: string, error: Failure): void {
    this.failures.set(operation, [...(this.failures.get(operation) ?? []), error]);
  }

  private maybeFail(operation: string): void {
    this.calls.push(operation);
    const next = this.failures.get(operation)?.shift();
    if (next !== undefined) throw next();
  }

  complete(identifier?: string, status = 'available'): void {
    for (const s of this.snapshots.values()) {
      if (identifier === undefined ? s.state === 'pending' : s.identifier === identifier) {
        s.status = status;
        s.state = status === 'available' ? 'completed' : status === 'failed' ? 'failed' : 'pending';
      }
    }
  }

  async describeDatabase(kind: DatabaseKind, id: string): Promise<DatabaseInfo | undefined> {
    this.maybeFail('describeDatabase');
    return this.databases.find((d) => d.kind === kind && d.id === id);
  }

  private make(kind: DatabaseKind, sourceId: string, identifier: string, tags: Tags, encrypted: boolean) {
    const existing = this.snapshots.get(identifier);
    if (existing !== undefined) return { ...existing };
    const s: DbSnapshotInfo = {
      kind,
      identifier,
      arn: `arn:aws:rds:${this.region}:123456789012:snapshot:${identifier}`,
      sourceId,
      state: 'pending',
      status: 'creating',
      encrypted,
      tags: { ...tags },
    };
    this.snapshots.set(identifier, s);
    return { ...s };
  }

  async createSnapshot(
    kind: DatabaseKind,
    sourceId: string,
    identifier: string,
    tags: Tags,
  ): Promise<DbSnapshotInfo> {
    this.maybeFail('createSnapshot');
    const db = this.databases.find((d) => d.id === sourceId);
    return this.make(kind, sourceId, identifier, tags, db?.encrypted ?? false);
  }

  async findSnapshot(_kind: DatabaseKind, identifier: string): Promise<DbSnapshotInfo | undefined> {
    this.maybeFail('findSnapshot');
    const s = this.snapshots.get(identifier);
    return s === undefined ? undefined : { ...s, tags: { ...s.tags } };
  }

  async listSnapshots(prefix: string): Promise<DbSnapshotInfo[]> {
    this.maybeFail('listSnapshots');
    return [...this.snapshots.values()].filter((s) => s.identifier.startsWith(prefix)).map((s) => ({ ...s }));
  }

  async countPendingCopies(): Promise<number> {
    this.maybeFail('countPendingCopies');
    return [...this.snapshots.values()].filter(
      (s) => s.state === 'pending' && 'lifeboat:source-snapshot' in s.tags,
    ).length;
  }

  async copySnapshotFrom(input: {
    kind: DatabaseKind;
    sourceRegion: string;
    sourceArn: string;
    targetIdentifier: string;
    tags: Tags;
    kmsKeyId?: string;
  }): Promise<DbSnapshotInfo> {
    this.maybeFail('copySnapshotFrom');
    const sourceId = input.sourceArn.slice(input.sourceArn.lastIndexOf(':') + 1);
    const source = this.world.rds(input.sourceRegion).snapshots.get(sourceId);
    return this.make(
      input.kind,
      source?.sourceId ?? '',
      input.targetIdentifier,
      input.tags,
      input.kmsKeyId !== undefined,
    );
  }

  async deleteSnapshot(_kind: DatabaseKind, identifier: string): Promise<void> {
    this.maybeFail('deleteSnapshot');
    this.snapshots.delete(identifier);
  }
}

/** A fake AWS account: per-region EBS and RDS, a catalog in memory, and telemetry recorded. */
export class FakeWorld {
  readonly store = new MemoryObjectStore();
  readonly catalog = new Catalog(this.store, { retryDelayMs: 0 });
  readonly finished: Backup[] = [];
  /** Every refusal of the snapshot checks, as the metric would count it. */
  readonly refused: { site: string; action: TrustAction }[] = [];
  private readonly ebsRegions = new Map<string, FakeEbs>();
  private readonly rdsRegions = new Map<string, FakeRds>();

  ebs(region: string): FakeEbs {
    let r = this.ebsRegions.get(region);
    if (r === undefined) {
      r = new FakeEbs(region, this);
      this.ebsRegions.set(region, r);
    }
    return r;
  }

  rds(region: string): FakeRds {
    let r = this.rdsRegions.get(region);
    if (r === undefined) {
      r = new FakeRds(region, this);
      this.rdsRegions.set(region, r);
    }
    return r;
  }

  ports(): BackupPorts {
    return {
      catalog: this.catalog,
      ebs: (region) => this.ebs(region),
      rds: (region) => this.rds(region),
      trust: snapshotTrust(
        { stage: FAKE_STAGE, accountId: FAKE_ACCOUNT, acceptUnstaged: ACCEPT_UNSTAGED },
        { ebs: (region) => this.ebs(region), rds: (region) => this.rds(region) },
        { snapshotRefused: (site, action) => this.refused.push({ site, action }) },
      ),
      telemetry: { backupFinished: (b) => this.finished.push(b) },
    };
  }
}
