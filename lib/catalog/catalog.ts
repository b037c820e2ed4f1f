import type { Backup } from '../backup/model';
import { isTerminal } from '../backup/model';
import {
  AlreadyExistsError,
  ConcurrentUpdateError,
  InvalidInputError,
  NotFoundError,
  SiteLockedError,
} from '../errors';
import type { Recovery } from '../recovery/model';
import { catalogKeys } from './keys';
import type { ObjectStore } from './object-store';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export interface LockRecord {
  holder: string;
  acquiredAt: string;
  expiresAt: string;
}

export interface CatalogOptions {
  /** Attempts of a compare-and-swap update before giving up under contention. */
  maxUpdateAttempts: number;
  /** Backoff between compare-and-swap attempts, in ms (jittered). */
  retryDelayMs: number;
}

const DEFAULTS: CatalogOptions = { maxUpdateAttempts: 20, retryDelayMs: 25 };

type RecordKind = 'Backup' | 'Recovery';

function parseRecord<T extends { kind: RecordKind }>(body: string, kind: RecordKind, key: string): T {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new InvalidInputError(`catalog object ${key} is not JSON`, { key }, { cause: error });
  }
  const record = value as { apiVersion?: unknown; kind?: unknown };
  if (record?.apiVersion !== 'lifeboat/v1' || record.kind !== kind) {
    throw new InvalidInputError(`catalog object ${key} is not a lifeboat/v1 ${kind}`, { key });
  }
  return value as T;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The catalog of backups and recoveries in one bucket. Creates are create-only and updates are
 * compare-and-swap with re-read and retry, so concurrent writers (event handlers, the sweeper,
 * state machine tasks) never lose each other's changes.
 */
export class Catalog {
  private readonly options: CatalogOptions;

  constructor(
    private readonly store: ObjectStore,
    options: Partial<CatalogOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Stores a new backup; AlreadyExistsError if its id is taken. Unfinished ones are marked for the sweeper. */
  async createBackup(backup: Backup): Promise<void> {
    if (!isTerminal(backup.status.phase)) {
      await this.store
        .putIfAbsent(catalogKeys.openBackup(backup.site, backup.id), backup.id)
        .catch((error) => {
          if (!(error instanceof AlreadyExistsError)) throw error;
        });
    }
    await this.store.putIfAbsent(catalogKeys.backup(backup.site, backup.id), serialise(backup));
  }

  async getBackup(site: string, id: string): Promise<Backup | undefined> {
    const key = catalogKeys.backup(site, id);
    const found = await this.store.get(key);
    return found === undefined ? undefined : parseRecord<Backup>(found.body, 'Backup', key);
  }

  /**
   * Applies `mutate` to the stored backup and writes it back if nothing changed in between,
   * re-reading and re-applying on a lost race. `mutate` returns undefined to leave it as is.
   */
  async updateBackup(
    site: string,
    id: string,
    mutate: (backup: Backup) => Backup | undefined,
  ): Promise<Backup> {
    const updated = await this.update<Backup>(catalogKeys.backup(site, id), 'Backup', mutate);
    if (isTerminal(updated.status.phase)) await this.store.delete(catalogKeys.openBackup(site, id));
    return updated;
  }

  /** One page of a site's backups, newest first. */
  async listBackups(
    site: string,
    options: { pageToken?: string; pageSize?: number } = {},
  ): Promise<Page<Backup>> {
    return this.listRecords<Backup>(catalogKeys.backupsPrefix(site), 'Backup', options);
  }

  /** Every backup of a site, newest first, page by page. */
  async *allBackups(site: string): AsyncGenerator<Backup> {
    yield* this.all((opts) => this.listBackups(site, opts));
  }

  /** Ids of the site's unfinished backups (the sweeper's work list). */
  async openBackupIds(site: string): Promise<string[]> {
    const ids: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.store.list(catalogKeys.openBackupsPrefix(site), { pageToken });
      ids.push(...page.keys.map(catalogKeys.idFromMarkerKey));
      pageToken = page.nextToken;
    } while (pageToken !== undefined);
    return ids;
  }

  /** Drops the open marker of a backup that is finished or gone (a crash between update and delete). */
  async clearOpenMarker(site: string, id: string): Promise<void> {
    await this.store.delete(catalogKeys.openBackup(site, id));
  }

  /** Deletes a backup's record (retention, after its snapshots are gone). */
  async deleteBackup(site: string, id: string): Promise<void> {
    await this.store.delete(catalogKeys.openBackup(site, id));
    await this.store.delete(catalogKeys.backup(site, id));
  }

  async createRecovery(recovery: Recovery): Promise<void> {
    await this.store.putIfAbsent(catalogKeys.recovery(recovery.site, recovery.id), serialise(recovery));
  }

  async getRecovery(site: string, id: string): Promise<Recovery | undefined> {
    const key = catalogKeys.recovery(site, id);
    const found = await this.store.get(key);
    return found === undefined ? undefined : parseRecord<Recovery>(found.body, 'Recovery', key);
  }

  async updateRecovery(
    site: string,
    id: string,
    mutate: (recovery: Recovery) => Recovery | undefined,
  ): Promise<Recovery> {
    return this.update<Recovery>(catalogKeys.recovery(site, id), 'Recovery', mutate);
  }

  async listRecoveries(
    site: string,
    options: { pageToken?: string; pageSize?: number } = {},
  ): Promise<Page<Recovery>> {
    return this.listRecords<Recovery>(catalogKeys.recoveriesPrefix(site), 'Recovery', options);
  }

  async *allRecoveries(site: string): AsyncGenerator<Recovery> {
    yield* this.all((opts) => this.listRecoveries(site, opts));
  }

  /**
   * Takes the site's lock for `holder` until `expiresAt`. Idempotent for the same holder; an
   * expired lock (its holder died) is taken over with a compare-and-swap. SiteLockedError otherwise.
   */
  async acquireLock(site: string, holder: string, now: Date, ttlMs: number): Promise<LockRecord> {
    const key = catalogKeys.lock(site);
    const lock: LockRecord = {
      holder,
      acquiredAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    };
    for (let attempt = 0; attempt < this.options.maxUpdateAttempts; attempt++) {
      try {
        await this.store.putIfAbsent(key, JSON.stringify(lock));
        return lock;
      } catch (error) {
        if (!(error instanceof AlreadyExistsError)) throw error;
      }
      const current = await this.store.get(key);
      if (current === undefined) continue;
      const held = JSON.parse(current.body) as LockRecord;
      if (held.holder === holder) return held;
      if (new Date(held.expiresAt).getTime() > now.getTime()) throw new SiteLockedError(site, held.holder);
      try {
        await this.store.putIfMatch(key, JSON.stringify(lock), current.etag);
        return lock;
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError)) throw error;
      }
    }
    throw new ConcurrentUpdateError(`could not take the lock of site ${site} under contention`, { site });
  }

  /** The current lock, if any. */
  async readLock(site: string): Promise<LockRecord | undefined> {
    const found = await this.store.get(catalogKeys.lock(site));
    return found === undefined ? undefined : (JSON.parse(found.body) as LockRecord);
  }

  /** Releases the lock if `holder` holds it; a no-op otherwise, so every exit path may call it. */
  async releaseLock(site: string, holder: string): Promise<boolean> {
    const current = await this.readLock(site);
    if (current?.holder !== holder) return false;
    await this.store.delete(catalogKeys.lock(site));
    return true;
  }

  /**
   * Records that `incidentKey` is handled by `recoveryId`. The first caller wins; later deliveries
   * of the same incident get the recovery id that already handles it.
   */
  async claimIncident(
    site: string,
    incidentKey: string,
    recoveryId: string,
  ): Promise<{ claimed: true } | { claimed: false; recoveryId: string }> {
    const key = catalogKeys.incident(site, incidentKey);
    try {
      await this.store.putIfAbsent(key, recoveryId);
      return { claimed: true };
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
      const existing = await this.store.get(key);
      return { claimed: false, recoveryId: existing?.body ?? recoveryId };
    }
  }

  private async update<T extends { kind: RecordKind }>(
    key: string,
    kind: RecordKind,
    mutate: (record: T) => T | undefined,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const found = await this.store.get(key);
      if (found === undefined) throw new NotFoundError(`catalog has no ${kind} at ${key}`, { key });
      const current = parseRecord<T>(found.body, kind, key);
      const next = mutate(structuredClone(current));
      if (next === undefined) return current;
      try {
        await this.store.putIfMatch(key, serialise(next), found.etag);
        return next;
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError) || attempt >= this.options.maxUpdateAttempts)
          throw error;
        await sleep(Math.random() * this.options.retryDelayMs * Math.min(attempt, 8));
      }
    }
  }

  private async listRecords<T extends { kind: RecordKind }>(
    prefix: string,
    kind: RecordKind,
    options: { pageToken?: string; pageSize?: number },
  ): Promise<Page<T>> {
    const page = await this.store.list(prefix, options);
    const items = await Promise.all(
      page.keys.map(async (key) => {
        const found = await this.store.get(key);
        return found === undefined ? undefined : parseRecord<T>(found.body, kind, key);
      }),
    );
    return { items: items.filter((i): i is Awaited<T> => i !== undefined), nextToken: page.nextToken };
  }

  private async *all<T>(list: (opts: { pageToken?: string }) => Promise<Page<T>>): AsyncGenerator<T> {
    let pageToken: string | undefined;
    do {
      const page = await list({ pageToken });
      yield* page.items;
      pageToken = page.nextToken;
    } while (pageToken !== undefined);
  }
}

function serialise(record: unknown): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}
