import {
  type CopyQueue,
  type CopyRequest,
  changeCopyQueue,
  emptyCopyQueue,
  queueOrder,
} from '../../../lib/backup/copy-queue';

const DR = 'us-west-2';
const t0 = Date.parse('2026-11-22T02:00:00Z');
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

function request(site: string, sourceId: string, night: number, kind: 'ebs' | 'rds' = 'ebs'): CopyRequest {
  const takenAt = iso(t0 + night * 24 * HOUR);
  return { site, backupId: `b-${night}`, sourceId, kind, takenAt };
}

function queueWith(newest: Record<string, number>): CopyQueue {
  const queue = emptyCopyQueue(DR, new Date(t0));
  for (const [key, night] of Object.entries(newest))
    queue.newest.set(key, {
      backupId: `b-${night}`,
      takenAt: iso(t0 + night * 24 * HOUR),
      copiedAt: iso(t0),
    });
  return queue;
}

const slots = (ebs: number, rds = 0) => ({ slots: { ebs, rds } });

describe('the copy queue', () => {
  it('gives free slots to the volumes whose newest DR copy is oldest, never-copied first, across sites', () => {
    const queue = queueWith({ 'shop/vol-1': 3, 'blog/vol-2': 1, 'wiki/vol-3': 2 });
    const requests = [
      request('shop', 'vol-1', 5),
      request('blog', 'vol-2', 5),
      request('wiki', 'vol-3', 5),
      request('news', 'vol-4', 5),
    ];

    const { outcome } = changeCopyQueue(queue, { enqueue: requests, take: slots(3) }, new Date(t0));

    expect(outcome.taken.map((e) => `${e.site}/${e.sourceId}`)).toEqual([
      'news/vol-4',
      'blog/vol-2',
      'wiki/vol-3',
    ]);
    expect(queueOrder(queue).map((e) => e.sourceId)).toEqual(['vol-1']);
  });

  it('never gives out more slots than the quota, counting copies AWS reports in flight', () => {
    const queue = queueWith({});
    const requests = Array.from({ length: 30 }, (_, i) => request('blog', `vol-${i}`, 1));

    const first = changeCopyQueue(queue, { enqueue: requests, take: slots(20) }, new Date(t0));
    const again = changeCopyQueue(queue, { take: slots(20) }, new Date(t0));
    const others = changeCopyQueue(
      emptyCopyQueue(DR, new Date(t0)),
      { enqueue: requests, take: { slots: { ebs: 20, rds: 5 }, inFlightInAws: { ebs: 18 } } },
      new Date(t0),
    );

    expect(first.outcome.taken).toHaveLength(20);
    expect(again.outcome.taken).toHaveLength(0);
    expect(others.outcome.taken).toHaveLength(2);
  });

  it('keeps EBS and RDS slots apart', () => {
    const queue = queueWith({});
    const requests = [
      ...Array.from({ length: 3 }, (_, i) => request(`site${i}`, `db-${i}`, 1, 'rds')),
      request('blog', 'vol-1', 1),
    ];

    const { outcome } = changeCopyQueue(queue, { enqueue: requests, take: slots(5, 1) }, new Date(t0));

    expect(outcome.taken.map((e) => e.kind).sort()).toEqual(['ebs', 'rds']);
  });

  it('keeps one waiting copy per volume, the newest snapshot, and names the one it replaced', () => {
    const queue = queueWith({});
    changeCopyQueue(queue, { enqueue: [request('blog', 'vol-1', 1)] }, new Date(t0));

    const newer = changeCopyQueue(queue, { enqueue: [request('blog', 'vol-1', 2)] }, new Date(t0));
    const older = changeCopyQueue(queue, { enqueue: [request('blog', 'vol-1', 0)] }, new Date(t0));

    expect(newer.outcome.superseded).toEqual([
      { site: 'blog', backupId: 'b-1', sourceId: 'vol-1', by: 'b-2' },
    ]);
    expect(older.outcome.rejected).toEqual([{ site: 'blog', backupId: 'b-0', sourceId: 'vol-1', by: 'b-2' }]);
    expect([...queue.waiting.values()].map((e) => e.backupId)).toEqual(['b-2']);
  });

  it('records the newest completed copy on release, and puts a copy AWS refused back in the queue', () => {
    const queue = queueWith({});
    changeCopyQueue(
      queue,
      { enqueue: [request('blog', 'vol-1', 1), request('blog', 'vol-2', 1)], take: slots(2) },
      new Date(t0),
    );

    changeCopyQueue(
      queue,
      {
        release: [
          { site: 'blog', backupId: 'b-1', sourceId: 'vol-1', outcome: 'completed', at: iso(t0 + HOUR) },
          { site: 'blog', backupId: 'b-1', sourceId: 'vol-2', outcome: 'retry' },
        ],
      },
      new Date(t0 + HOUR),
    );

    expect(queue.newest.get('blog/vol-1')).toEqual({
      backupId: 'b-1',
      takenAt: iso(t0 + 24 * HOUR),
      copiedAt: iso(t0 + HOUR),
    });
    expect([...queue.inFlight.keys()]).toEqual([]);
    expect([...queue.waiting.keys()]).toEqual(['blog/vol-2']);
  });

  it('keeps every volume fresh within a bounded age when the quota cannot copy them all nightly', () => {
    // 100 volumes on 10 sites, snapshotted nightly; 4 slots and 6 copy rounds a night = 24 copies a night.
    const volumes = Array.from({ length: 100 }, (_, i) => ({ site: `site${i % 10}`, sourceId: `vol-${i}` }));
    const queue = queueWith({});
    const ages: number[] = [];
    for (let night = 0; night < 30; night += 1) {
      const now = t0 + night * 24 * HOUR;
      changeCopyQueue(
        queue,
        { enqueue: volumes.map((v) => request(v.site, v.sourceId, night)) },
        new Date(now),
      );
      for (let round = 0; round < 6; round += 1) {
        const { outcome } = changeCopyQueue(queue, { take: slots(4) }, new Date(now));
        changeCopyQueue(
          queue,
          {
            release: outcome.taken.map((e) => ({ ...e, outcome: 'completed' as const, at: iso(now + HOUR) })),
          },
          new Date(now + HOUR),
        );
      }
      if (night >= 10) {
        const oldest = Math.min(
          ...volumes.map((v) => Date.parse(queue.newest.get(`${v.site}/${v.sourceId}`)?.takenAt ?? iso(0))),
        );
        ages.push((now - oldest) / (24 * HOUR));
      }
    }

    // 100 volumes / 24 copies a night: each volume is copied every 5 nights, none is left behind.
    expect(queue.newest.size).toBe(100);
    expect(Math.max(...ages)).toBeLessThanOrEqual(5);
    // Coalescing: one waiting copy per volume, however many nights it waited.
    expect(queue.waiting.size).toBeLessThanOrEqual(100);
  });
});
