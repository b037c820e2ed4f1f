import { catalogKeys } from '../catalog/keys';
import type { ObjectStore } from '../catalog/object-store';
import { AlreadyExistsError, ConcurrentUpdateError, InvalidInputError } from '../errors';
import type { Readiness } from './model';

/** The latest readiness per site, kept next to the site's records in the catalog bucket. */
export interface ReadinessStore {
  latest(site: string): Promise<Readiness | undefined>;
  save(readiness: Readiness): Promise<void>;
}

function parse(body: string, key: string): Readiness {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new InvalidInputError(`catalog object ${key} is not JSON`, { key }, { cause: error });
  }
  const record = value as Partial<Readiness> | null;
  if (record?.apiVersion !== 'lifeboat/v1' || record.kind !== 'Readiness' || !Array.isArray(record.checks)) {
    throw new InvalidInputError(`catalog object ${key} is not a lifeboat/v1 Readiness`, { key });
  }
  return record as Readiness;
}

/**
 * The readiness records in the catalog's object store. A save replaces the record unless a newer
 * check was saved in between (two runs racing: the later check wins, never the later write).
 */
export function catalogReadinessStore(store: ObjectStore, maxAttempts = 5): ReadinessStore {
  return {
    async latest(site) {
      const key = catalogKeys.readiness(site);
      const found = await store.get(key);
      return found === undefined ? undefined : parse(found.body, key);
    },
    async save(readiness) {
      const key = catalogKeys.readiness(readiness.site);
      const body = `${JSON.stringify(readiness, null, 2)}\n`;
      for (let attempt = 1; ; attempt++) {
        const found = await store.get(key);
        try {
          if (found === undefined) {
            await store.putIfAbsent(key, body);
          } else {
            const current = (() => {
              try {
                return parse(found.body, key);
              } catch {
                return undefined; // an unreadable record is replaced by a good one
              }
            })();
            if (current !== undefined && current.checkedAt > readiness.checkedAt) return;
            await store.putIfMatch(key, body, found.etag);
          }
          return;
        } catch (error) {
          const lost = error instanceof AlreadyExistsError || error instanceof ConcurrentUpdateError;
          if (!lost || attempt >= maxAttempts) throw error;
        }
      }
    },
  };
}
