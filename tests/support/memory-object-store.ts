import type { ListPage, ObjectStore, StoredObject } from '../../lib/catalog/object-store';
import { AlreadyExistsError, ConcurrentUpdateError } from '../../lib/errors';

/** An in-memory ObjectStore with S3's conditional-write semantics, for unit tests. */
export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, StoredObject>();
  private version = 0;

  async get(key: string): Promise<StoredObject | undefined> {
    const found = this.objects.get(key);
    return found === undefined ? undefined : { ...found };
  }

  async putIfAbsent(key: string, body: string): Promise<string> {
    if (this.objects.has(key)) throw new AlreadyExistsError(`exists: ${key}`, { key });
    return this.put(key, body);
  }

  async putIfMatch(key: string, body: string, etag: string): Promise<string> {
    if (this.objects.get(key)?.etag !== etag) throw new ConcurrentUpdateError(`changed: ${key}`, { key });
    return this.put(key, body);
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async list(prefix: string, options: { pageToken?: string; pageSize?: number } = {}): Promise<ListPage> {
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    const start = options.pageToken === undefined ? 0 : Number(options.pageToken);
    const size = options.pageSize ?? 1000;
    const page = keys.slice(start, start + size);
    return { keys: page, nextToken: start + size < keys.length ? String(start + size) : undefined };
  }

  private put(key: string, body: string): string {
    this.version += 1;
    const etag = `"v${this.version}"`;
    this.objects.set(key, { body, etag });
    return etag;
  }
}
