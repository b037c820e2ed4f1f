/** A stored object's text and its version tag for compare-and-swap. */
export interface StoredObject {
  body: string;
  etag: string;
}

export interface ListPage {
  keys: string[];
  nextToken?: string;
}

/**
 * The catalog's storage port: an S3-like bucket with conditional writes. Implementations throw
 * AlreadyExistsError from putIfAbsent and ConcurrentUpdateError from putIfMatch when the
 * precondition fails.
 */
export interface ObjectStore {
  get(key: string): Promise<StoredObject | undefined>;
  /** Writes only if no object has the key (If-None-Match: *); returns the new ETag. */
  putIfAbsent(key: string, body: string): Promise<string>;
  /** Writes only if the object still has `etag` (If-Match); returns the new ETag. */
  putIfMatch(key: string, body: string, etag: string): Promise<string>;
  delete(key: string): Promise<void>;
  /** One page of keys under `prefix`, in ascending key order. */
  list(prefix: string, options?: { pageToken?: string; pageSize?: number }): Promise<ListPage>;
}
