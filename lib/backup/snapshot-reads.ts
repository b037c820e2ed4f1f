import type { DatabaseKind, DbSnapshotInfo, EbsPort, RdsPort, SnapshotInfo } from './ports';

/** Not read by this invocation (as opposed to read and not found). */
export const UNREAD = Symbol('unread');

/**
 * What one invocation has read of its snapshots in AWS, by region and id: resolving a batch of
 * events, observing the parts they name and verifying a snapshot right before its copy share one
 * DescribeSnapshots per region for the whole batch, not one per event or per part. An invocation
 * lives for seconds; nothing is kept across invocations (AWS stays the truth).
 */
export class SnapshotReads {
  private readonly ebsRead = new Map<string, Map<string, SnapshotInfo | undefined>>();
  private readonly dbRead = new Map<string, DbSnapshotInfo | undefined>();
  private readonly counts = new Map<string, Promise<unknown>>();

  constructor(
    private readonly sources: {
      ebs(region: string): Pick<EbsPort, 'describeSnapshots'>;
      rds(region: string): Pick<RdsPort, 'findSnapshot'>;
    },
  ) {}

  private region(region: string): Map<string, SnapshotInfo | undefined> {
    let known = this.ebsRead.get(region);
    if (known === undefined) {
      known = new Map();
      this.ebsRead.set(region, known);
    }
    return known;
  }

  /** Describes the ids this invocation has not read yet, in one call per 200 ids. */
  async readEbs(region: string, snapshotIds: readonly string[]): Promise<void> {
    const known = this.region(region);
    const wanted = [...new Set(snapshotIds)].filter((id) => !known.has(id));
    if (wanted.length === 0) return;
    const found = await this.sources.ebs(region).describeSnapshots(wanted);
    for (const id of wanted) known.set(id, undefined);
    for (const s of found) known.set(s.snapshotId, s);
  }

  /** Snapshots read another way (a tag query), kept so a check right after needs no call. */
  rememberEbs(region: string, snapshots: readonly SnapshotInfo[]): void {
    const known = this.region(region);
    for (const s of snapshots) known.set(s.snapshotId, s);
  }

  /** The snapshot as this invocation read it; undefined if AWS did not list it. */
  ebs(region: string, snapshotId: string): SnapshotInfo | undefined | typeof UNREAD {
    const known = this.ebsRead.get(region);
    return known?.has(snapshotId) === true ? known.get(snapshotId) : UNREAD;
  }

  /** The DB (cluster) snapshot, read once per invocation. */
  async db(region: string, kind: DatabaseKind, identifier: string): Promise<DbSnapshotInfo | undefined> {
    const key = `${region}/${kind}/${identifier}`;
    if (this.dbRead.has(key)) return this.dbRead.get(key);
    const found = await this.sources.rds(region).findSnapshot(kind, identifier);
    this.dbRead.set(key, found);
    return found;
  }

  /** The DB snapshot if this invocation read it already. */
  dbIfRead(
    region: string,
    kind: DatabaseKind,
    identifier: string,
  ): DbSnapshotInfo | undefined | typeof UNREAD {
    const key = `${region}/${kind}/${identifier}`;
    return this.dbRead.has(key) ? this.dbRead.get(key) : UNREAD;
  }

  /** A count this invocation makes once however many backups it advances (copies in flight per region). */
  once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let found = this.counts.get(key) as Promise<T> | undefined;
    if (found === undefined) {
      found = read();
      this.counts.set(key, found);
      // A failed read is not kept: the next caller asks again.
      found.catch(() => this.counts.delete(key));
    }
    return found;
  }
}
