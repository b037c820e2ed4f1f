import { CopyCountCache, withCopyCountCache } from '../../../lib/backup/copy-count-cache';

describe('CopyCountCache', () => {
  it('reads the count once per TTL and adds the copies started in between', async () => {
    let now = 0;
    let reads = 0;
    const cache = new CopyCountCache(10_000, () => now);
    const read = async () => {
      reads += 1;
      return 7;
    };

    const first = await cache.count(read);
    cache.started();
    cache.started();
    now = 9_999;
    const cached = await cache.count(read);
    now = 10_000;
    const fresh = await cache.count(read);

    expect([first, cached, fresh]).toEqual([7, 9, 7]);
    expect(reads).toBe(2);
  });

  it('reads every time with a TTL of 0', async () => {
    let reads = 0;
    const cache = new CopyCountCache(0, () => 5);
    await cache.count(async () => ++reads);
    await cache.count(async () => ++reads);

    expect(reads).toBe(2);
  });
});

describe('withCopyCountCache', () => {
  class FakeEbs {
    readonly region = 'us-west-2';
    reads = 0;
    async findSnapshots() {
      return [`found in ${this.region}`];
    }
    async copySnapshotFrom(input: { sourceSnapshotId: string }) {
      return `copy-of-${input.sourceSnapshotId}`;
    }
    async countPendingCopies() {
      this.reads += 1;
      return 3;
    }
  }

  it('reads the count through the cache, counts each copy started, and leaves every other method alone', async () => {
    const adapter = new FakeEbs();
    const port = withCopyCountCache(adapter, new CopyCountCache(10_000, () => 0));

    const before = await port.countPendingCopies();
    const copy = await port.copySnapshotFrom({ sourceSnapshotId: 'snap-1' });
    const after = await port.countPendingCopies();

    expect([before, copy, after]).toEqual([3, 'copy-of-snap-1', 4]);
    expect(adapter.reads).toBe(1);
    expect(await port.findSnapshots()).toEqual(['found in us-west-2']);
  });
});
