import { z } from 'zod';
import {
  type CopyQueue,
  checkCopyQueue,
  emptyCopyQueue,
  forkCopyQueue,
  serialiseCopyQueue,
} from '../backup/copy-queue';
import { type Backup, type BackupWork, backupSchema, isTerminal, workOf } from '../backup/model';
import {
  AlreadyExistsError,
  ConcurrentUpdateError,
  NotFoundError,
  SiteLockedError,
  UnreadableRecordError,
} from '../errors';
import { type Recovery, recoverySchema } from '../recovery/model';
import { catalogKeys } from './keys';
import type { ObjectStore, StoredObject } from './object-store';

/** A catalog object that is not a valid record: quarantined, listed with its key and why, never used. */
export interface UnreadableRecord {
  key: string;
  reason: string;
}

/** One page of records: the readable ones, and the keys on the page that did not parse. */
export interface Page<T> {
  items: T[];
  unreadable: UnreadableRecord[];
  nextToken?: string;
}

/** Every record of one kind for a site: the readable ones, and the ones that did not parse. */
export interface Listing<T> {
  items: T[];
  unreadable: UnreadableRecord[];
}

/** The site's lock (`sites/<site>/lock`): which run holds it, and until when. */
const lockSchema = z.object({ holder: z.string().min(1), acquiredAt: z.string(), expiresAt: z.string() });
export type LockRecord = z.infer<typeof lockSchema>;

export interface CatalogOptions {
  /** Attempts of a compare-and-swap update before giving up under contention. */
  maxUpdateAttempts: number;
  /** Backoff between compare-and-swap attempts, in ms (jittered). */
  retryDelayMs: number;
}

const DEFAULTS: CatalogOptions = { maxUpdateAttempts: 20, retryDelayMs: 25 };

/** How each record kind is parsed and where a record of that kind belongs. */
const KINDS = {
  Backup: { schema: backupSchema, key: catalogKeys.backup },
  Recovery: { schema: recoverySchema, key: catalogKeys.recovery },
} as const;

type RecordKind = keyof typeof KINDS;
type RecordOf<K extends RecordKind> = z.infer<(typeof KINDS)[K]['schema']>;
type Read<T> = { ok: true; record: T } | { ok: false; reason: string };

function issuesOf(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** Parses a stored object as a record of `kind` stored under `key`, or says why it is not one. */
function readRecord<K extends RecordKind>(body: string, kind: K, key: string): Read<RecordOf<K>> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const head = value as { apiVersion?: unknown; kind?: unknown } | null;
  if (head?.apiVersion !== 'lifeboat/v1' || head.kind !== kind) {
    return { ok: false, reason: `not a lifeboat/v1 ${kind}` };
  }
  const parsed = KINDS[kind].schema.safeParse(value);
  if (!parsed.success) return { ok: false, reason: issuesOf(parsed.error) };
  const record = parsed.data as RecordOf<K>;
  let home: string | undefined;
  try {
    home = KINDS[kind].key(record.site, record.id);
  } catch {
    home = undefined;
  }
  if (home !== key)
    return {
      ok: false,
      reason: `holds ${kind} ${record.id} of site ${record.site}, which does not belong here`,
    };
  return { ok: true, record };
}

/** A record of `kind` at `key`; UnreadableRecordError naming the key if it does not parse. */
function parseRecord<K extends RecordKind>(body: string, kind: K, key: string): RecordOf<K> {
  const read = readRecord(body, kind, key);
  if (!read.ok) {
    throw new UnreadableRecordError(`catalog object ${key} is not a readable ${kind}: ${read.reason}`, {
      key,
      reason: read.reason,
    });
  }
  return read.record;
}

/** A JSON document parsed by `schema`; UnreadableRecordError naming the key otherwise. */
function parseDocument<T>(body: string, schema: { parse(value: unknown): T }, key: string): T {
  try {
    return schema.parse(JSON.parse(body));
  } catch (error) {
    throw new UnreadableRecordError(
      `catalog object ${key} is not readable: ${messageOf(error)}`,
      { key },
      { cause: error },
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof z.ZodError
    ? issuesOf(error)
    : error instanceof Error
      ? error.message
      : String(error);
}

function parseLock(body: string, key: string): LockRecord {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    value = undefined;
  }
  const parsed = lockSchema.safeParse(value);
  if (!parsed.success)
    throw new UnreadableRecordError(`catalog object ${key} is not a readable lock`, { key });
  return parsed.data;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The catalog of backups and recoveries in one bucket. Creates are create-only and updates are
 * compare-and-swap with re-read and retry, so concurrent writers (event handlers, the sweeper,
 * state machine tasks) never lose each other's changes.
 */
export class Catalog {
  private readonly options: CatalogOptions;
  /** Set once the legacy markers are known to be moved (saves the flag's GET on every sweep). */
  private legacyMigrated = false;
  /**
   * The copy queue of each region as this instance last read or wrote it, by ETag, read-only: a
   * warm Lambda re-reading an unchanged 10,000-volume queue skips the parse (the GET still tells
   * whether it changed). Changes get a fork (forkCopyQueue), so the kept one never changes.
   */
  private readonly queues = new Map<string, { etag: string; queue: CopyQueue }>();
  /**
   * The stored version (key, ETag, text) of each record this instance returned, by that object:
   * an update given the record it starts from writes with that ETag at once, without a GET; a
   * lost race (412) re-reads as ever. The object is only a token: its text is what was stored.
   */
  private readonly versions = new WeakMap<object, StoredObject & { key: string }>();

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
    if (found === undefined) return undefined;
    const backup = parseRecord(found.body, 'Backup', key);
    this.remember(backup, key, found);
    return backup;
  }

  /**
   * Applies `mutate` to the stored backup and writes it back if nothing changed in between,
   * re-reading and re-applying on a lost race. `mutate` returns undefined to leave it as is.
   */
  async updateBackup(
    site: string,
    id: string,
    mutate: (backup: Backup) => Backup | undefined,
    /** The backup as this caller last got it from the catalog: its version is tried first. */
    seen?: object,
  ): Promise<Backup> {
    let was: BackupWork = 'done';
    const updated = await this.update(
      catalogKeys.backup(site, id),
      'Backup',
      (b) => {
        was = workOf(b);
        return mutate(b);
      },
      seen,
    );
    const now = workOf(updated);
    if (now !== was) await this.moveMarker(site, id, was, now);
    return updated;
  }

  /**
   * Keeps a backup's markers in the index of the work it needs. Every unfinished backup keeps its
   * `open` marker (only a finished one loses it) and one waiting only for copy slots also has a
   * `parked` one: markers are put before any is deleted, so two updates racing on the markers can
   * leave one marker too many (the sweeper clears a finished backup's), never an unfinished backup
   * without any (it would never be swept again). Only what the move changes is written: an
   * unfinished backup has had its open marker since it was created (only finishing, which is
   * final, deletes it), and only a parked one has a parked marker to delete.
   */
  private async moveMarker(site: string, id: string, was: BackupWork, work: BackupWork): Promise<void> {
    const put = (key: string) =>
      this.store.putIfAbsent(key, id).catch((error) => {
        if (!(error instanceof AlreadyExistsError)) throw error;
      });
    const open = catalogKeys.openBackup(site, id);
    const parked = catalogKeys.parkedBackup(site, id);
    if (work !== 'done' && was === 'done') await put(open);
    if (work === 'parked') await put(parked);
    else if (was === 'parked') await this.store.delete(parked);
    if (work === 'done') await this.store.delete(open);
  }

  /** One page of a site's backups, newest first, and the keys on it that are not readable backups. */
  async listBackups(
    site: string,
    options: { pageToken?: string; pageSize?: number } = {},
  ): Promise<Page<Backup>> {
    return this.listRecords(catalogKeys.backupsPrefix(site), 'Backup', options);
  }

  /** Every backup of a site, newest first, and every unreadable one (quarantined: key and reason). */
  async readBackups(site: string): Promise<Listing<Backup>> {
    return this.readAll((opts) => this.listBackups(site, opts));
  }

  /** Every readable backup of a site, newest first, page by page (readBackups also lists the unreadable). */
  async *allBackups(site: string): AsyncGenerator<Backup> {
    yield* this.all((opts) => this.listBackups(site, opts));
  }

  /** Ids of the site's unfinished backups, active and parked. */
  async openBackupIds(site: string): Promise<string[]> {
    const keys = [
      ...(await this.listKeys(catalogKeys.openBackupsPrefix(site))),
      ...(await this.listKeys(catalogKeys.parkedBackupsPrefix(site))),
    ];
    return [...new Set(keys.map(catalogKeys.idFromMarkerKey))];
  }

  /**
   * The fleet's unfinished backups from the open-work index, one listing for every site: `active`
   * (every unfinished backup's marker) or `parked` (those also waiting only for DR copy slots).
   */
  async openWork(work: 'active' | 'parked'): Promise<{ site: string; backupId: string }[]> {
    const prefix = work === 'active' ? catalogKeys.openBackupsPrefix() : catalogKeys.parkedBackupsPrefix();
    return (await this.listKeys(prefix)).map(catalogKeys.refFromMarkerKey);
  }

  private async listKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.store.list(prefix, { pageToken });
      keys.push(...page.keys);
      pageToken = page.nextToken;
    } while (pageToken !== undefined);
    return keys;
  }

  /**
   * Moves the open-backup markers earlier versions kept under each site
   * (`sites/<site>/open-backups/<id>`) into the fleet's open-work index, once per catalog: without
   * it an upgraded stack would never sweep the backups it had open. The done flag is written last,
   * so a run cut short is finished by the next one. Returns how many markers moved.
   */
  async migrateLegacyMarkers(sites: readonly string[], now: Date): Promise<number> {
    if (this.legacyMigrated) return 0;
    if ((await this.store.get(catalogKeys.legacyMigrated())) !== undefined) {
      this.legacyMigrated = true;
      return 0;
    }
    let moved = 0;
    for (const site of sites) {
      for (const key of await this.listKeys(catalogKeys.legacyOpenBackupsPrefix(site))) {
        const id = catalogKeys.idFromMarkerKey(key);
        await this.store.putIfAbsent(catalogKeys.openBackup(site, id), id).catch((error) => {
          if (!(error instanceof AlreadyExistsError)) throw error;
        });
        await this.store.delete(key);
        moved++;
      }
    }
    await this.store.putIfAbsent(catalogKeys.legacyMigrated(), now.toISOString()).catch((error) => {
      if (!(error instanceof AlreadyExistsError)) throw error;
    });
    this.legacyMigrated = true;
    return moved;
  }

  /** Drops the markers of a backup that is finished or gone (a crash between update and delete). */
  async clearOpenMarker(site: string, id: string): Promise<void> {
    await this.store.delete(catalogKeys.openBackup(site, id));
    await this.store.delete(catalogKeys.parkedBackup(site, id));
  }

  /**
   * Deletes a backup's record (retention, after its snapshots are gone), and an unfinished one's
   * markers. A finished backup lost its markers when it finished; a parked one a race left behind
   * is cleared by the sweeper's hourly check, which finds the record gone.
   */
  async deleteBackup(backup: Pick<Backup, 'site' | 'id' | 'status'>): Promise<void> {
    if (!isTerminal(backup.status.phase)) await this.clearOpenMarker(backup.site, backup.id);
    await this.store.delete(catalogKeys.backup(backup.site, backup.id));
  }

  async createRecovery(recovery: Recovery): Promise<void> {
    await this.store.putIfAbsent(catalogKeys.recovery(recovery.site, recovery.id), serialise(recovery));
  }

  async getRecovery(site: string, id: string): Promise<Recovery | undefined> {
    const key = catalogKeys.recovery(site, id);
    const found = await this.store.get(key);
    return found === undefined ? undefined : parseRecord(found.body, 'Recovery', key);
  }

  async updateRecovery(
    site: string,
    id: string,
    mutate: (recovery: Recovery) => Recovery | undefined,
  ): Promise<Recovery> {
    return this.update(catalogKeys.recovery(site, id), 'Recovery', mutate);
  }

  /** One page of a site's recoveries, newest first, and the keys on it that are not readable recoveries. */
  async listRecoveries(
    site: string,
    options: { pageToken?: string; pageSize?: number } = {},
  ): Promise<Page<Recovery>> {
    return this.listRecords(catalogKeys.recoveriesPrefix(site), 'Recovery', options);
  }

  /** Every recovery of a site, newest first, and every unreadable one (quarantined: key and reason). */
  async readRecoveries(site: string): Promise<Listing<Recovery>> {
    return this.readAll((opts) => this.listRecoveries(site, opts));
  }

  /** Every readable recovery of a site, newest first, page by page. */
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
      const held = parseLock(current.body, key);
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
    const key = catalogKeys.lock(site);
    const found = await this.store.get(key);
    return found === undefined ? undefined : parseLock(found.body, key);
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

  /** The DR copy queue of `region` (empty if none was written yet); read-only, it may be shared. */
  async getCopyQueue(region: string, now: Date): Promise<CopyQueue> {
    const key = catalogKeys.copyQueue(region);
    const found = await this.store.get(key);
    return found === undefined ? emptyCopyQueue(region, now) : this.readQueue(found, key);
  }

  /** Compare-and-swap on the DR copy queue of `region`, created on first write. */
  async updateCopyQueue(
    region: string,
    now: Date,
    mutate: (queue: CopyQueue) => CopyQueue | undefined,
  ): Promise<CopyQueue> {
    return this.updateDocument(
      catalogKeys.copyQueue(region),
      (found, key) => forkCopyQueue(this.readQueue(found, key)),
      () => emptyCopyQueue(region, now),
      mutate,
      this.options.maxUpdateAttempts,
      {
        clone: false,
        serialise: serialiseCopyQueue,
        written: (key, etag, queue) => this.keepQueue(key, etag, queue),
      },
    );
  }

  private readQueue(found: StoredObject, key: string): CopyQueue {
    const kept = this.queues.get(key);
    if (kept !== undefined && kept.etag === found.etag) return kept.queue;
    const queue = parseDocument(found.body, { parse: checkCopyQueue }, key);
    this.keepQueue(key, found.etag, queue);
    return queue;
  }

  /** Keeps `queue` as the version `etag` of `key` (a store that gave no ETag is not trusted). */
  private keepQueue(key: string, etag: string, queue: CopyQueue): void {
    if (etag === '') this.queues.delete(key);
    else this.queues.set(key, { etag, queue });
  }

  /**
   * Compare-and-swap on the EC2 request budget of `region` (lib/backup/pacer.ts owns its shape),
   * at most `attempts` tries: a pacer that loses the race more often spends nothing this time.
   */
  async updateEc2Budget<T>(
    region: string,
    parse: (value: unknown) => T,
    init: () => T,
    mutate: (budget: T) => T | undefined,
    attempts: number,
  ): Promise<T> {
    return this.updateDocument(
      catalogKeys.ec2Budget(region),
      (found, key) => parseDocument(found.body, { parse }, key),
      init,
      mutate,
      attempts,
    );
  }

  /** A document outside the site records, created by the first writer; compare-and-swap like records. */
  private async updateDocument<T>(
    key: string,
    parse: (found: StoredObject, key: string) => T,
    init: () => T,
    mutate: (doc: T) => T | undefined,
    attempts: number,
    options: {
      clone?: boolean;
      /** The document's text (default JSON.stringify, compact: read by code, not people). */
      serialise?: (doc: T) => string;
      written?: (key: string, etag: string, doc: T) => void;
    } = {},
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const found = await this.store.get(key);
      const current = found === undefined ? init() : parse(found, key);
      const next = mutate(options.clone === false ? current : structuredClone(current));
      if (next === undefined) return current;
      try {
        const body = (options.serialise ?? JSON.stringify)(next);
        const etag =
          found === undefined
            ? await this.store.putIfAbsent(key, body)
            : await this.store.putIfMatch(key, body, found.etag);
        options.written?.(key, etag, next);
        return next;
      } catch (error) {
        const lost = error instanceof ConcurrentUpdateError || error instanceof AlreadyExistsError;
        if (!lost || attempt >= attempts)
          throw lost ? new ConcurrentUpdateError(`${key} changed under ${attempt} attempts`, { key }) : error;
        await sleep(Math.random() * this.options.retryDelayMs * Math.min(attempt, 8));
      }
    }
  }

  /** Keeps the version `record` was read or written as (a store that gave no ETag is not trusted). */
  private remember(record: object, key: string, version: StoredObject): void {
    if (version.etag !== '') this.versions.set(record, { key, ...version });
  }

  private async update<K extends RecordKind>(
    key: string,
    kind: K,
    mutate: (record: RecordOf<K>) => RecordOf<K> | undefined,
    seen?: object,
  ): Promise<RecordOf<K>> {
    // First from the version the caller started from, without a GET. A write with its ETag
    // confirms it; a lost race (412), or "nothing to change" (only believed of a version read
    // from the store), goes on to the read-and-retry below.
    const known = seen === undefined ? undefined : this.versions.get(seen);
    if (known?.key === key) {
      const next = mutate(parseRecord(known.body, kind, key));
      if (next !== undefined) {
        try {
          return await this.writeRecord(key, next, known.etag);
        } catch (error) {
          if (!(error instanceof ConcurrentUpdateError)) throw error;
        }
      }
    }
    for (let attempt = 1; ; attempt++) {
      const found = await this.store.get(key);
      if (found === undefined) throw new NotFoundError(`catalog has no ${kind} at ${key}`, { key });
      const current = parseRecord(found.body, kind, key);
      const next = mutate(structuredClone(current));
      if (next === undefined) return current;
      try {
        return await this.writeRecord(key, next, found.etag);
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError) || attempt >= this.options.maxUpdateAttempts)
          throw error;
        await sleep(Math.random() * this.options.retryDelayMs * Math.min(attempt, 8));
      }
    }
  }

  /** Writes `record` over version `etag` of `key` (ConcurrentUpdateError if it changed) and keeps its new version. */
  private async writeRecord<T extends object>(key: string, record: T, etag: string): Promise<T> {
    const body = serialise(record);
    this.remember(record, key, { etag: await this.store.putIfMatch(key, body, etag), body });
    return record;
  }

  /** A page of records; an object that does not parse is listed as unreadable instead of failing the page. */
  private async listRecords<K extends RecordKind>(
    prefix: string,
    kind: K,
    options: { pageToken?: string; pageSize?: number },
  ): Promise<Page<RecordOf<K>>> {
    const page = await this.store.list(prefix, options);
    const read = await Promise.all(
      page.keys.map(async (key) => {
        const found = await this.store.get(key);
        return { key, read: found === undefined ? undefined : readRecord(found.body, kind, key) };
      }),
    );
    const items: RecordOf<K>[] = [];
    const unreadable: UnreadableRecord[] = [];
    for (const { key, read: r } of read) {
      if (r === undefined) continue; // deleted between the listing and the read
      if (r.ok) items.push(r.record);
      else unreadable.push({ key, reason: r.reason });
    }
    return { items, unreadable, nextToken: page.nextToken };
  }

  private async readAll<T>(list: (opts: { pageToken?: string }) => Promise<Page<T>>): Promise<Listing<T>> {
    const listing: Listing<T> = { items: [], unreadable: [] };
    let pageToken: string | undefined;
    do {
      const page = await list({ pageToken });
      listing.items.push(...page.items);
      listing.unreadable.push(...page.unreadable);
      pageToken = page.nextToken;
    } while (pageToken !== undefined);
    return listing;
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
