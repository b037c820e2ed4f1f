import fc from 'fast-check';
import {
  COPY_KINDS,
  type CopyKind,
  type CopyQueue,
  changeCopyQueue,
  checkCopyQueue,
  emptyCopyQueue,
  type InFlightEntry,
  queueKey,
  queueOrder,
  serialiseCopyQueue,
} from '../../../lib/backup/copy-queue';

const DR = 'us-west-2';
const t0 = Date.parse('2026-11-22T02:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** The take as it was before the selection: walk the whole queue in order, taking while slots are free. */
function takeByWalk(
  queue: CopyQueue,
  slots: Record<CopyKind, number>,
  kinds: readonly CopyKind[] | undefined,
  canStart: (site: string) => boolean,
  now: string,
): InFlightEntry[] {
  const free: Record<CopyKind, number> = { ebs: 0, rds: 0 };
  for (const kind of COPY_KINDS)
    free[kind] = slots[kind] - [...queue.inFlight.values()].filter((e) => e.kind === kind).length;
  const taken: InFlightEntry[] = [];
  for (const entry of queueOrder(queue)) {
    const key = queueKey(entry);
    if (free[entry.kind] <= 0 || queue.inFlight.has(key)) continue;
    if (kinds !== undefined && !kinds.includes(entry.kind)) continue;
    if (!canStart(entry.site)) continue;
    queue.waiting.delete(key);
    const claimed = { ...entry, claimedAt: now };
    queue.inFlight.set(key, claimed);
    taken.push(claimed);
    free[entry.kind] -= 1;
  }
  return taken;
}

const volume = fc.record({
  site: fc.constantFrom('blog', 'shop', 'wiki'),
  sourceId: fc.constantFrom('vol-1', 'vol-2', 'vol-3', 'vol-4', 'vol-5', 'db-1', 'db-2'),
  taken: fc.integer({ min: 0, max: 5 }),
  copied: fc.option(fc.integer({ min: 0, max: 5 })),
  state: fc.constantFrom('waiting', 'inFlight', 'both'),
});

type Volume = {
  site: string;
  sourceId: string;
  taken: number;
  copied: number | null;
  state: 'waiting' | 'inFlight' | 'both';
};

/** The queue as the plain objects of its document (EntryMaps compared by their entries). */
const plain = (queue: CopyQueue): unknown => JSON.parse(JSON.stringify(queue));

function queueOf(volumes: Volume[]): CopyQueue {
  const queue = emptyCopyQueue(DR, new Date(t0));
  for (const v of volumes) {
    const key = queueKey(v);
    const kind: CopyKind = v.sourceId.startsWith('vol-') ? 'ebs' : 'rds';
    // Few distinct hours, so ties in age and snapshot time are common and the key decides.
    const entry = {
      site: v.site,
      sourceId: v.sourceId,
      kind,
      backupId: `b-${v.taken}`,
      takenAt: iso(t0 + v.taken * 3_600_000),
      queuedAt: iso(t0),
    };
    if (v.copied !== null)
      queue.newest.set(key, {
        backupId: `c-${v.copied}`,
        takenAt: iso(t0 - v.copied * 3_600_000),
        copiedAt: iso(t0),
      });
    if (v.state !== 'inFlight') queue.waiting.set(key, entry);
    if (v.state !== 'waiting')
      queue.inFlight.set(key, { ...entry, backupId: `f-${v.taken}`, claimedAt: iso(t0) });
  }
  return queue;
}

describe('taking slots from the copy queue', () => {
  it('takes exactly what a walk of the whole queue in order takes, in the same order', () => {
    fc.assert(
      fc.property(
        fc.array(volume, { maxLength: 20 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom(undefined, ['ebs'] as const, ['rds'] as const),
        fc.subarray(['blog', 'shop', 'wiki']),
        (volumes, ebs, rds, kinds, startable) => {
          const canStart = (site: string) => startable.includes(site);
          const walked = queueOf(volumes);
          const expected = takeByWalk(walked, { ebs, rds }, kinds, canStart, iso(t0 + 1));
          const selected = queueOf(volumes);
          const { outcome, changed } = changeCopyQueue(
            selected,
            { take: { slots: { ebs, rds }, kinds }, canStart },
            new Date(t0 + 1),
          );
          expect(outcome.taken).toEqual(expected);
          expect(changed).toBe(expected.length > 0);
          expect(plain({ ...selected, updatedAt: '' })).toEqual(plain({ ...walked, updatedAt: '' }));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads back a queue it wrote, and names the first bad field of one it cannot read', () => {
    const queue = queueOf([
      { site: 'blog', sourceId: 'vol-1', taken: 1, copied: 2, state: 'both' },
      { site: 'shop', sourceId: 'db-1', taken: 0, copied: null, state: 'waiting' },
    ]);
    expect(plain(checkCopyQueue(JSON.parse(serialiseCopyQueue(queue))))).toEqual(plain(queue));

    const bad = JSON.parse(JSON.stringify(queue));
    bad.waiting['shop/db-1'].kind = 'efs';
    expect(() => checkCopyQueue(bad)).toThrow('waiting.shop/db-1.kind: expected ebs or rds');
    delete bad.inFlight['blog/vol-1'].claimedAt;
    bad.waiting['shop/db-1'].kind = 'rds';
    expect(() => checkCopyQueue(bad)).toThrow('inFlight.blog/vol-1.claimedAt: expected a string');
    expect(() => checkCopyQueue({ ...queue, kind: 'Ec2Budget' })).toThrow('kind: expected CopyQueue');
    expect(() => checkCopyQueue([])).toThrow('(root)');
  });
});
