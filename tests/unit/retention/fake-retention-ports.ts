import type { DbSnapshotInfo } from '../../../lib/aws/rds';
import type { SnapshotLockInfo, SnapshotLockRequest } from '../../../lib/aws/snapshot-lock';
import type { SnapshotInfo } from '../../../lib/backup/ports';
import type { RetentionPorts, SnapshotLockPort } from '../../../lib/retention/ports';
import { accountOfArn, type ObservedSnapshot } from '../../../lib/trust/verify-snapshot';
import type { FakeWorld } from '../backup/fake-ports';

/** The fake account's id (FakeRds puts it in every ARN). */
export const FAKE_ACCOUNT = '123456789012';
export const TRUST = { accountId: FAKE_ACCOUNT, stage: 'dev' };

function ebsObserved(s: SnapshotInfo, region: string, owner: string): ObservedSnapshot {
  const state = s.state === 'completed' ? 'completed' : s.state === 'error' ? 'failed' : 'pending';
  return { service: 'ebs', region, id: s.snapshotId, ownerAccountId: owner, state, tags: { ...s.tags } };
}

/** Snapshot Lock in one fake region: locks set by tests or by lockSnapshot, calls recorded. */
export class FakeLocks implements SnapshotLockPort {
  readonly locks = new Map<string, SnapshotLockInfo>();
  readonly calls: { snapshotId: string; lock: SnapshotLockRequest }[] = [];

  constructor(private readonly now: () => Date = () => new Date('2026-11-22T12:00:00Z')) {}

  async lockSnapshot(snapshotId: string, lock: SnapshotLockRequest): Promise<void> {
    this.calls.push({ snapshotId, lock });
    const expiresAt = new Date(this.now().getTime() + lock.days * 86_400_000).toISOString();
    this.locks.set(snapshotId, { snapshotId, state: lock.mode, expiresAt });
  }

  async lockedSnapshots(snapshotIds: readonly string[]): Promise<SnapshotLockInfo[]> {
    return snapshotIds.flatMap((id) => this.locks.get(id) ?? []);
  }
}

/**
 * Retention's view of a FakeWorld: EBS snapshots owned by `owners[id]` (default the fake account),
 * DB snapshots owned by the account in their ARN, locks per region.
 */
export function fakeRetentionPorts(
  world: FakeWorld,
  options: { owners?: Record<string, string>; refused?: [string, number][] } = {},
): RetentionPorts & { fakeLocks(region: string): FakeLocks } {
  const locks = new Map<string, FakeLocks>();
  const fakeLocks = (region: string) => {
    let l = locks.get(region);
    if (l === undefined) {
      l = new FakeLocks();
      locks.set(region, l);
    }
    return l;
  };
  const owner = (id: string) => options.owners?.[id] ?? FAKE_ACCOUNT;
  const rdsObserved = (s: DbSnapshotInfo, region: string): ObservedSnapshot => ({
    service: 'rds',
    region,
    id: s.identifier,
    ownerAccountId: accountOfArn(s.arn),
    state: s.state,
    tags: { ...s.tags },
  });
  return {
    catalog: world.catalog,
    ebs: (region) => ({
      snapshotsWithTags: async (tags) =>
        (await world.ebs(region).findSnapshots({ tags }))
          .filter((s) => owner(s.snapshotId) === FAKE_ACCOUNT)
          .map((s) => ebsObserved(s, region, FAKE_ACCOUNT)),
      snapshotById: async (id) => {
        const [s] = await world.ebs(region).findSnapshots({ ids: [id] });
        return s === undefined ? undefined : ebsObserved(s, region, owner(id));
      },
      deleteSnapshot: (id) => world.ebs(region).deleteSnapshot(id),
    }),
    rds: (region) => ({
      snapshot: async (kind, identifier) => {
        const s = await world.rds(region).findSnapshot(kind, identifier);
        return s === undefined ? undefined : rdsObserved(s, region);
      },
      snapshotsOf: async (kind, sourceId) =>
        (await world.rds(region).listSnapshots(''))
          .filter((s) => s.kind === kind && s.sourceId === sourceId)
          .map((s) => rdsObserved(s, region)),
      deleteSnapshot: (kind, identifier) => world.rds(region).deleteSnapshot(kind, identifier),
    }),
    locks: fakeLocks,
    fakeLocks,
    telemetry: {
      refused: (site, count) => options.refused?.push([site, count]),
      deleted: () => undefined,
    },
  };
}
