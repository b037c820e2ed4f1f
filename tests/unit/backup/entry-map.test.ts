import fc from 'fast-check';
import {
  changeCopyQueue,
  emptyCopyQueue,
  forkCopyQueue,
  serialiseCopyQueue,
} from '../../../lib/backup/copy-queue';
import { EntryMap } from '../../../lib/backup/entry-map';

const plain = (map: EntryMap<unknown>) => Object.fromEntries(map.entries());

/** Sets (a value) and deletes (null) applied to a map and to a plain object alike. */
const changes = fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.option(fc.integer(), { nil: null })), {
  maxLength: 200,
});

function apply(
  map: EntryMap<{ n: number }>,
  model: Record<string, { n: number }>,
  list: [number, number | null][],
) {
  for (const [k, v] of list) {
    const key = `site/vol-${k}`;
    if (v === null) {
      expect(map.delete(key)).toBe(key in model);
      delete model[key];
    } else {
      map.set(key, { n: v });
      model[key] = { n: v };
    }
  }
}

describe('EntryMap', () => {
  it('holds what a plain object holds under any sets and deletes, and writes the same JSON', () => {
    fc.assert(
      fc.property(changes, (list) => {
        const map = EntryMap.empty<{ n: number }>();
        const model: Record<string, { n: number }> = {};
        apply(map, model, list);

        expect(plain(map)).toEqual(model);
        expect(map.size).toBe(Object.keys(model).length);
        expect(JSON.parse(map.toJsonText())).toEqual(model);
        expect(JSON.parse(JSON.stringify(map))).toEqual(model);
      }),
    );
  });

  it('keeps a fork and its origin apart, whichever changes first and however often', () => {
    fc.assert(
      fc.property(changes, changes, changes, (before, onOrigin, onFork) => {
        const origin = EntryMap.empty<{ n: number }>();
        const originModel: Record<string, { n: number }> = {};
        apply(origin, originModel, before);
        const forkModel = { ...originModel };
        origin.toJsonText(); // its bucket texts kept, as a written queue's are
        const fork = origin.fork();

        apply(fork, forkModel, onFork);
        apply(origin, originModel, onOrigin);

        expect(plain(origin)).toEqual(originModel);
        expect(plain(fork)).toEqual(forkModel);
        expect(JSON.parse(origin.toJsonText())).toEqual(originModel);
        expect(JSON.parse(fork.toJsonText())).toEqual(forkModel);
      }),
    );
  });

  it('builds from a parsed document object', () => {
    const map = EntryMap.fromRecord({ 'blog/vol-1': { n: 1 }, 'shop/db-1': { n: 2 } });

    expect(map.get('blog/vol-1')).toEqual({ n: 1 });
    expect(map.has('shop/db-1')).toBe(true);
    expect(map.has('shop/db-2')).toBe(false);
    expect([...map.keys()].sort()).toEqual(['blog/vol-1', 'shop/db-1']);
  });
});

describe('serialiseCopyQueue', () => {
  it('writes the document JSON.stringify writes, after changes to a fork of a written queue', () => {
    const now = new Date('2026-11-22T02:00:00Z');
    const queue = emptyCopyQueue('us-west-2', now);
    const request = (i: number) => ({
      site: `s${i % 7}`,
      backupId: 'b-1',
      sourceId: `vol-${i}`,
      kind: 'ebs' as const,
      takenAt: now.toISOString(),
    });
    changeCopyQueue(queue, { enqueue: Array.from({ length: 500 }, (_, i) => request(i)) }, now);
    serialiseCopyQueue(queue);
    const next = forkCopyQueue(queue);
    changeCopyQueue(next, { take: { slots: { ebs: 20, rds: 5 } } }, new Date(now.getTime() + 1000));

    expect(JSON.parse(serialiseCopyQueue(next))).toEqual(JSON.parse(JSON.stringify(next)));
    expect(JSON.parse(serialiseCopyQueue(queue))).toEqual(JSON.parse(JSON.stringify(queue)));
    expect(next.inFlight.size).toBe(20);
    expect(queue.inFlight.size).toBe(0);
    expect(Object.keys(JSON.parse(serialiseCopyQueue(next)))).toEqual([
      'apiVersion',
      'kind',
      'region',
      'updatedAt',
      'newest',
      'waiting',
      'inFlight',
    ]);
  });
});
