/**
 * Resources of one kind in one region, indexed by id, by tag key and by tag key=value, so that a
 * lookup by tag costs O(result), not O(all resources). Iteration is in creation order.
 */
export class TagIndexed<T extends { id: string; seq: number; tags: Map<string, string> }> {
  private readonly byId = new Map<string, T>();
  private readonly byKey = new Map<string, Set<string>>();
  private readonly byPair = new Map<string, Set<string>>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  all(): IterableIterator<T> {
    return this.byId.values();
  }

  add(item: T): void {
    this.byId.set(item.id, item);
    for (const [k, v] of item.tags) this.indexTag(item.id, k, v);
  }

  delete(id: string): T | undefined {
    const item = this.byId.get(id);
    if (item === undefined) return undefined;
    this.byId.delete(id);
    for (const [k, v] of item.tags) {
      this.byKey.get(k)?.delete(id);
      this.byPair.get(pair(k, v))?.delete(id);
    }
    return item;
  }

  /** Ids carrying tag `key` (any value). */
  withKey(key: string): Set<string> {
    return this.byKey.get(key) ?? new Set();
  }

  /** Ids carrying tag `key` with one of `values`. */
  withTag(key: string, values: string[]): Set<string> {
    if (values.length === 1) return this.byPair.get(pair(key, values[0] ?? '')) ?? new Set();
    const out = new Set<string>();
    for (const v of values) for (const id of this.byPair.get(pair(key, v)) ?? []) out.add(id);
    return out;
  }

  private indexTag(id: string, key: string, value: string): void {
    let keyed = this.byKey.get(key);
    if (keyed === undefined) {
      keyed = new Set();
      this.byKey.set(key, keyed);
    }
    keyed.add(id);
    const p = pair(key, value);
    let paired = this.byPair.get(p);
    if (paired === undefined) {
      paired = new Set();
      this.byPair.set(p, paired);
    }
    paired.add(id);
  }
}

const pair = (key: string, value: string) => `${key}\u0000${value}`;

/**
 * The members of `index` that pass every predicate, in creation order, after `afterSeq` and at
 * most `limit` of them: candidates come from the smallest of the given id sets (all when none).
 */
export function select<T extends { id: string; seq: number; tags: Map<string, string> }>(
  index: TagIndexed<T>,
  candidates: Iterable<string>[] | undefined,
  predicates: ((item: T) => boolean)[],
  afterSeq: number,
  limit: number,
): { items: T[]; more: boolean } {
  let pool: T[];
  if (candidates === undefined || candidates.length === 0) pool = [...index.all()];
  else {
    const sets = candidates.map((c) => (c instanceof Set ? (c as Set<string>) : new Set(c)));
    const smallest = sets.reduce((a, b) => (b.size < a.size ? b : a));
    pool = [];
    for (const id of smallest) {
      const item = index.get(id);
      if (item !== undefined && sets.every((s) => s === smallest || s.has(id))) pool.push(item);
    }
    pool.sort((a, b) => a.seq - b.seq);
  }
  const items: T[] = [];
  for (const item of pool) {
    if (item.seq <= afterSeq || !predicates.every((p) => p(item))) continue;
    if (items.length === limit) return { items, more: true };
    items.push(item);
  }
  return { items, more: false };
}
