/** Buckets per map: at 10,000 volumes about 40 entries each. */
const BUCKETS = 256;

/**
 * Each entry's text in the document (`"<key>":<entry>`), kept by entry: entries are never edited,
 * so a changed bucket re-serialises only its new entries.
 */
const entryTexts = new WeakMap<object, { key: string; text: string }>();

function entryText(key: string, value: unknown): string {
  if (typeof value !== 'object' || value === null) return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  const kept = entryTexts.get(value);
  if (kept !== undefined && kept.key === key) return kept.text;
  const text = `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  entryTexts.set(value, { key, text });
  return text;
}

/** The bucket of `key` (a 31-multiplier string hash: cheap, and spreads `<site>/<id>` keys evenly). */
function bucketOf(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
  return (h >>> 0) % BUCKETS;
}

/**
 * One of the copy queue's maps (keyed like the document's JSON object) kept in buckets by key, so
 * that a change costs what it touches and not what the queue holds. A fork shares every bucket
 * with the map it came from, and whichever of the two writes a bucket first copies it (about 40
 * entries). The JSON text of an unchanged bucket is kept, so writing a 10,000-volume queue after a
 * change serialises the entries of the buckets it changed, not ten thousand. Entries are never
 * edited in place: a change sets a new one.
 */
export class EntryMap<T> {
  private constructor(
    private readonly buckets: Map<string, T>[],
    private readonly texts: (string | undefined)[],
    /** Buckets this map may change in place (copied since its last fork). */
    private readonly owned: boolean[],
    private count: number,
  ) {}

  static empty<T>(): EntryMap<T> {
    return new EntryMap<T>(
      Array.from({ length: BUCKETS }, () => new Map<string, T>()),
      new Array<string | undefined>(BUCKETS).fill(undefined),
      new Array<boolean>(BUCKETS).fill(true),
      0,
    );
  }

  /** The map of a parsed document's object. */
  static fromRecord<T>(record: Readonly<Record<string, T>>): EntryMap<T> {
    const map = EntryMap.empty<T>();
    for (const key in record) map.set(key, record[key] as T);
    return map;
  }

  get size(): number {
    return this.count;
  }

  get(key: string): T | undefined {
    return this.buckets[bucketOf(key)]?.get(key);
  }

  has(key: string): boolean {
    return this.buckets[bucketOf(key)]?.has(key) ?? false;
  }

  set(key: string, value: T): void {
    const bucket = this.writable(bucketOf(key));
    if (!bucket.has(key)) this.count += 1;
    bucket.set(key, value);
  }

  delete(key: string): boolean {
    const at = bucketOf(key);
    if (!this.buckets[at]?.has(key)) return false;
    this.writable(at).delete(key);
    this.count -= 1;
    return true;
  }

  *entries(): IterableIterator<[string, T]> {
    for (const bucket of this.buckets) yield* bucket;
  }

  *keys(): IterableIterator<string> {
    for (const bucket of this.buckets) yield* bucket.keys();
  }

  *values(): IterableIterator<T> {
    for (const bucket of this.buckets) yield* bucket.values();
  }

  /** A map that starts equal to this one; a later change to either leaves the other as it was. */
  fork(): EntryMap<T> {
    // Both share every bucket now: neither may change one in place any more.
    this.owned.fill(false);
    return new EntryMap(
      this.buckets.slice(),
      this.texts.slice(),
      new Array<boolean>(BUCKETS).fill(false),
      this.count,
    );
  }

  /**
   * The map as the document's JSON object, from the kept text of every unchanged bucket. Joined
   * with `+`, which V8 keeps as a rope until the text is read (the store's upload), where a join
   * would copy the 3.5 MB of a 10,000-volume queue on every change.
   */
  toJsonText(): string {
    let out = '';
    for (let i = 0; i < BUCKETS; i++) {
      const bucket = this.buckets[i] as Map<string, T>;
      if (bucket.size === 0) continue;
      let text = this.texts[i];
      if (text === undefined) {
        const entries: string[] = [];
        for (const [key, value] of bucket) entries.push(entryText(key, value));
        text = entries.join(',');
        this.texts[i] = text;
      }
      out = out === '' ? text : `${out},${text}`;
    }
    return `{${out}}`;
  }

  /** For JSON.stringify: the plain object the document holds. */
  toJSON(): Record<string, T> {
    return Object.fromEntries(this.entries());
  }

  private writable(at: number): Map<string, T> {
    if (!this.owned[at]) {
      this.buckets[at] = new Map(this.buckets[at]);
      this.owned[at] = true;
    }
    this.texts[at] = undefined;
    return this.buckets[at] as Map<string, T>;
  }
}
