import { catalogKeys } from '../../lib/catalog/keys';
import type { ListPage, ObjectStore, StoredObject } from '../../lib/catalog/object-store';
import type { SimulatedClock } from '../../local/sdk-middleware/simulated-clock';
import { MemoryObjectStore } from '../../tests/support/memory-object-store';

/**
 * The catalog bucket for benchmarks: S3's conditional-write semantics in memory (moto's S3 would
 * only slow the run), a modelled S3 latency on simulated time, and a count of requests by S3
 * verb (GET, PUT, DELETE, LIST) for the cost table.
 */
export class CountingObjectStore implements ObjectStore {
  readonly requests = { GET: 0, PUT: 0, DELETE: 0, LIST: 0 };
  /** Requests by verb and what the key holds (`GET backup`, `PUT copy-queue`): where they go. */
  readonly byKind: Record<string, number> = {};
  private readonly store = new MemoryObjectStore();

  /** The uncounted store underneath, for the bench's own reads (not the pipeline's). */
  get inner(): MemoryObjectStore {
    return this.store;
  }

  /** Backups still open (active or parked markers), read without counting a request. */
  peekOpen(): number {
    let n = 0;
    // Only the open-work markers: sites/_index also holds the legacy-markers flag.
    const open = [catalogKeys.openBackupsPrefix(), catalogKeys.parkedBackupsPrefix()];
    for (const key of this.store.objects.keys()) if (open.some((p) => key.startsWith(p))) n += 1;
    return n;
  }

  constructor(
    private readonly clock: SimulatedClock,
    private readonly latencyMs = 20,
  ) {}

  private async request<T>(
    verb: keyof CountingObjectStore['requests'],
    key: string,
    work: () => Promise<T>,
  ): Promise<T> {
    this.requests[verb] += 1;
    const kind = `${verb} ${kindOfKey(key)}`;
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
    await this.clock.sleep(this.latencyMs);
    return work();
  }

  get(key: string): Promise<StoredObject | undefined> {
    return this.request('GET', key, () => this.store.get(key));
  }

  putIfAbsent(key: string, body: string): Promise<string> {
    return this.request('PUT', key, () => this.store.putIfAbsent(key, body));
  }

  putIfMatch(key: string, body: string, etag: string): Promise<string> {
    return this.request('PUT', key, () => this.store.putIfMatch(key, body, etag));
  }

  delete(key: string): Promise<void> {
    return this.request('DELETE', key, () => this.store.delete(key));
  }

  list(prefix: string, options?: { pageToken?: string; pageSize?: number }): Promise<ListPage> {
    return this.request('LIST', prefix, () => this.store.list(prefix, options));
  }

  total(): number {
    return Object.values(this.requests).reduce((a, b) => a + b, 0);
  }
}

/** What a catalog key (or listed prefix) holds, for the request counts by kind. */
function kindOfKey(key: string): string {
  if (key.startsWith(catalogKeys.openBackupsPrefix())) return 'open marker';
  if (key.startsWith(catalogKeys.parkedBackupsPrefix())) return 'parked marker';
  if (key.startsWith('sites/_index/')) return 'index';
  if (key.startsWith('sites/_regions/')) return key.endsWith('copy-queue.json') ? 'copy-queue' : 'ec2-budget';
  const [, , kind] = key.split('/');
  return kind === undefined || kind === '' ? 'site' : kind.replace(/\.json$/, '');
}
