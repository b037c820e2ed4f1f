import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Backup, backupSchema } from '../../../lib/backup/model';
import { Catalog } from '../../../lib/catalog/catalog';
import { catalogKeys } from '../../../lib/catalog/keys';
import {
  AlreadyExistsError,
  ConcurrentUpdateError,
  NotFoundError,
  SiteLockedError,
  UnreadableRecordError,
} from '../../../lib/errors';
import { recoverySchema } from '../../../lib/recovery/model';
import { buildBackup, buildRecovery } from '../../support/builders';
import { MemoryObjectStore } from '../../support/memory-object-store';

describe('catalog keys', () => {
  it('orders backups newest first and round-trips the id', () => {
    const older = catalogKeys.backup('blog', '20261120t020000z-scheduled');
    const newer = catalogKeys.backup('blog', '20261122t020000z-scheduled');
    expect(newer < older).toBe(true);
    expect(catalogKeys.idFromRecordKey(newer)).toBe('20261122t020000z-scheduled');
    expect(older.startsWith(catalogKeys.backupsPrefix('blog'))).toBe(true);
  });

  it('rejects ids that do not start with a timestamp', () => {
    expect(() => catalogKeys.backup('blog', 'latest')).toThrow(/not a lifeboat id/);
  });
});

describe('catalog', () => {
  let store: MemoryObjectStore;
  let catalog: Catalog;

  beforeEach(() => {
    store = new MemoryObjectStore();
    catalog = new Catalog(store, { retryDelayMs: 0 });
  });

  it('creates a backup once and marks it open until it is terminal', async () => {
    const backup = buildBackup();
    await catalog.createBackup(backup);
    await expect(catalog.createBackup(backup)).rejects.toBeInstanceOf(AlreadyExistsError);
    expect(await catalog.openBackupIds('blog')).toEqual([backup.id]);

    await catalog.updateBackup('blog', backup.id, (b) => ({
      ...b,
      status: { ...b.status, phase: 'Completed' },
    }));

    expect(await catalog.openBackupIds('blog')).toEqual([]);
    expect((await catalog.getBackup('blog', backup.id))?.status.phase).toBe('Completed');
  });

  it('lists backups newest first across pages', async () => {
    const days = ['2026-11-19', '2026-11-21', '2026-11-20', '2026-11-22'];
    for (const d of days) await catalog.createBackup(buildBackup({ at: `${d}T02:00:00Z` }));

    const first = await catalog.listBackups('blog', { pageSize: 3 });
    const second = await catalog.listBackups('blog', { pageSize: 3, pageToken: first.nextToken });
    const all: string[] = [];
    for await (const b of catalog.allBackups('blog')) all.push(b.spec.scheduledFor.slice(0, 10));

    expect(first.items).toHaveLength(3);
    expect(second.nextToken).toBeUndefined();
    expect(all).toEqual(['2026-11-22', '2026-11-21', '2026-11-20', '2026-11-19']);
  });

  it('re-reads and re-applies an update that lost a race', async () => {
    const backup = buildBackup();
    await catalog.createBackup(backup);
    let calls = 0;
    await catalog.updateBackup('blog', backup.id, (b) => {
      calls += 1;
      if (calls === 1) {
        // Another writer sneaks in between our read and our write.
        const key = catalogKeys.backup('blog', backup.id);
        const theirs = { ...b, status: { ...b.status, failureReason: 'theirs' } };
        const current = store.objects.get(key);
        if (current === undefined) throw new Error('missing');
        store.objects.set(key, { body: JSON.stringify(theirs), etag: '"theirs"' });
      }
      return { ...b, status: { ...b.status, phase: 'Copying' } };
    });
    const stored = await catalog.getBackup('blog', backup.id);
    expect(calls).toBe(2);
    expect(stored?.status.phase).toBe('Copying');
    expect(stored?.status.failureReason).toBe('theirs');
  });

  it('gives up after the configured attempts under endless contention', async () => {
    const backup = buildBackup();
    await catalog.createBackup(backup);
    const limited = new Catalog(store, { maxUpdateAttempts: 3, retryDelayMs: 0 });
    const key = catalogKeys.backup('blog', backup.id);
    await expect(
      limited.updateBackup('blog', backup.id, (b) => {
        const current = store.objects.get(key);
        if (current !== undefined) store.objects.set(key, { ...current, etag: `"${Math.random()}"` });
        return b;
      }),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);
  });

  it('leaves the record untouched when the mutation returns undefined', async () => {
    const backup = buildBackup();
    await catalog.createBackup(backup);
    const before = store.objects.get(catalogKeys.backup('blog', backup.id))?.etag;
    await catalog.updateBackup('blog', backup.id, () => undefined);
    expect(store.objects.get(catalogKeys.backup('blog', backup.id))?.etag).toBe(before);
  });

  describe('an update from the version the caller read', () => {
    const counting = () => {
      const gets = jest.spyOn(store, 'get');
      const puts = jest.spyOn(store, 'putIfMatch');
      return { gets: () => gets.mock.calls.length, puts: () => puts.mock.calls.length };
    };
    const copying = (b: Backup): Backup => ({ ...b, status: { ...b.status, phase: 'Copying' } });

    it('writes with the ETag of that read, without reading again, and so does the next update', async () => {
      const backup = buildBackup();
      await catalog.createBackup(backup);
      const read = await catalog.getBackup('blog', backup.id);
      const requests = counting();

      const first = await catalog.updateBackup('blog', backup.id, copying, read);
      await catalog.updateBackup(
        'blog',
        backup.id,
        (b) => ({ ...b, status: { ...b.status, failureReason: 'x' } }),
        first,
      );

      expect(requests.gets()).toBe(0);
      expect(requests.puts()).toBe(2);
      const stored = await catalog.getBackup('blog', backup.id);
      expect(stored?.status).toMatchObject({ phase: 'Copying', failureReason: 'x' });
    });

    it('re-reads when another writer changed the record since, and keeps their change', async () => {
      const backup = buildBackup();
      await catalog.createBackup(backup);
      const read = await catalog.getBackup('blog', backup.id);
      await new Catalog(store).updateBackup('blog', backup.id, (b) => ({
        ...b,
        status: { ...b.status, failureReason: 'theirs' },
      }));
      const requests = counting();

      const updated = await catalog.updateBackup('blog', backup.id, copying, read);

      expect(requests.puts()).toBe(2); // the stale one refused (412), then the one after the re-read
      expect(requests.gets()).toBe(1);
      expect(updated.status).toMatchObject({ phase: 'Copying', failureReason: 'theirs' });
      expect((await catalog.getBackup('blog', backup.id))?.status.failureReason).toBe('theirs');
    });

    it('believes "nothing to change" only of the stored version', async () => {
      const backup = buildBackup();
      await catalog.createBackup(backup);
      const read = await catalog.getBackup('blog', backup.id);
      await new Catalog(store).updateBackup('blog', backup.id, copying);
      const requests = counting();

      // Nothing to do on the version read: the stored one (Copying) is read and gets the change.
      const updated = await catalog.updateBackup(
        'blog',
        backup.id,
        (b) =>
          b.status.phase === 'Copying' ? { ...b, status: { ...b.status, failureReason: 'seen' } } : undefined,
        read,
      );

      expect(requests.gets()).toBe(1);
      expect(updated.status).toMatchObject({ phase: 'Copying', failureReason: 'seen' });
    });
  });

  it("deletes a finished backup's record alone, an unfinished one's markers too", async () => {
    const done = buildBackup({ at: '2026-11-20T02:00:00Z', phase: 'Completed' });
    const open = buildBackup({ at: '2026-11-21T02:00:00Z' });
    await catalog.createBackup(done);
    await catalog.createBackup(open);
    const deletes = jest.spyOn(store, 'delete');

    await catalog.deleteBackup(done);
    expect(deletes.mock.calls.map(([k]) => k)).toEqual([catalogKeys.backup('blog', done.id)]);
    await catalog.deleteBackup(open);

    expect(await catalog.openBackupIds('blog')).toEqual([]);
    expect(await catalog.getBackup('blog', open.id)).toBeUndefined();
  });

  it('keeps an unfinished backup swept whatever order two racing marker moves land in', async () => {
    const created = buildBackup();
    const backup = { ...created, status: { ...created.status, discovered: false } };
    await catalog.createBackup(backup);
    const parkedOnly = (b: Backup): Backup => ({
      ...b,
      status: { ...b.status, discovered: true, parts: [] },
    });
    const active = (b: Backup): Backup => ({ ...b, status: { ...b.status, discovered: false } });
    // Hold every marker write until both record updates are done, then let them land in reverse.
    const held: (() => Promise<unknown>)[] = [];
    const hold =
      <A extends unknown[]>(fn: (...args: A) => Promise<unknown>) =>
      (...args: A) =>
        new Promise<never>((resolve, reject) => {
          held.push(() => fn(...args).then(resolve as (v: unknown) => void, reject));
        });
    const putIfAbsent = store.putIfAbsent.bind(store);
    const remove = store.delete.bind(store);
    store.putIfAbsent = hold(putIfAbsent) as typeof store.putIfAbsent;
    store.delete = hold(remove) as typeof store.delete;

    const first = catalog.updateBackup('blog', backup.id, parkedOnly);
    const second = (async () => {
      await new Promise((r) => setImmediate(r));
      return catalog.updateBackup('blog', backup.id, active);
    })();
    while (held.length < 2) await new Promise((r) => setImmediate(r));
    for (const op of held.reverse()) await op();
    await Promise.all([first, second]);

    expect((await catalog.getBackup('blog', backup.id))?.status.discovered).toBe(false);
    // The open marker was never deleted: the sweeper still finds the backup (a parked one too many
    // only makes it wait for the hourly check).
    expect(store.objects.has(catalogKeys.openBackup('blog', backup.id))).toBe(true);
  });

  it('writes the markers a move changes only: parked and back, then done', async () => {
    const created = buildBackup();
    const backup = { ...created, status: { ...created.status, discovered: false } };
    await catalog.createBackup(backup);
    const puts = jest.spyOn(store, 'putIfAbsent');
    const deletes = jest.spyOn(store, 'delete');
    const writes = () => {
      puts.mockClear();
      deletes.mockClear();
      return () => [
        ...puts.mock.calls.map(([k]) => `put ${k}`),
        ...deletes.mock.calls.map(([k]) => `delete ${k}`),
      ];
    };
    const open = catalogKeys.openBackup('blog', backup.id);
    const parked = catalogKeys.parkedBackup('blog', backup.id);
    const waitingOnly = (b: Backup): Backup => ({
      ...b,
      status: {
        ...b.status,
        phase: 'Copying',
        discovered: true,
        parts: [
          {
            kind: 'ebs-volume',
            sourceId: 'vol-1',
            state: 'completed',
            snapshotId: 'snap-1',
            copy: { region: 'us-west-2', state: 'waiting', queuedAt: b.status.createdAt },
          },
        ],
      },
    });

    let seen = writes();
    await catalog.updateBackup('blog', backup.id, waitingOnly);
    expect(seen()).toEqual([`put ${parked}`]);
    seen = writes();
    await catalog.updateBackup('blog', backup.id, (b) => ({
      ...b,
      status: { ...b.status, discovered: false },
    }));
    expect(seen()).toEqual([`delete ${parked}`]);
    seen = writes();
    await catalog.updateBackup('blog', backup.id, (b) => ({
      ...b,
      status: { ...b.status, phase: 'Completed' },
    }));
    expect(seen()).toEqual([`delete ${open}`]);
  });
  it('says NotFound for an update of a missing backup', async () => {
    await expect(catalog.updateBackup('blog', '20261122t020000z-manual', (b) => b)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  describe('site lock', () => {
    const now = new Date('2026-11-22T09:39:00Z');

    it('is held by one holder at a time and is idempotent for that holder', async () => {
      await catalog.acquireLock('blog', 'recovery-a', now, 60_000);
      await expect(catalog.acquireLock('blog', 'recovery-a', now, 60_000)).resolves.toMatchObject({
        holder: 'recovery-a',
      });
      await expect(catalog.acquireLock('blog', 'recovery-b', now, 60_000)).rejects.toBeInstanceOf(
        SiteLockedError,
      );
    });

    it('is taken over once expired, and only its holder releases it', async () => {
      await catalog.acquireLock('blog', 'recovery-a', now, 60_000);
      const later = new Date(now.getTime() + 61_000);
      await catalog.acquireLock('blog', 'recovery-b', later, 60_000);
      expect(await catalog.releaseLock('blog', 'recovery-a')).toBe(false);
      expect((await catalog.readLock('blog'))?.holder).toBe('recovery-b');
      expect(await catalog.releaseLock('blog', 'recovery-b')).toBe(true);
      expect(await catalog.readLock('blog')).toBeUndefined();
    });
  });

  it('lets the first delivery of an incident claim it', async () => {
    expect(await catalog.claimIncident('blog', 'pingdom:12345:1451610061', 'r1')).toEqual({ claimed: true });
    expect(await catalog.claimIncident('blog', 'pingdom:12345:1451610061', 'r2')).toEqual({
      claimed: false,
      recoveryId: 'r1',
    });
  });
});

describe('catalog records on read', () => {
  let store: MemoryObjectStore;
  let catalog: Catalog;

  beforeEach(() => {
    store = new MemoryObjectStore();
    catalog = new Catalog(store, { retryDelayMs: 0 });
  });

  /** Writes `body` where the backup of `at` belongs, as a broken writer (or a hand edit) would. */
  function corruptBackup(at: string, body: string): string {
    const key = catalogKeys.backup('blog', buildBackup({ at }).id);
    store.objects.set(key, { body, etag: '"corrupt"' });
    return key;
  }

  it('refuses a single corrupt record with an error naming its key', async () => {
    const backup = buildBackup();
    const key = corruptBackup(
      '2026-11-22T02:00:00Z',
      JSON.stringify({ ...backup, status: { phase: 'Done' } }),
    );

    const read = catalog.getBackup('blog', backup.id);

    await expect(read).rejects.toBeInstanceOf(UnreadableRecordError);
    await expect(read).rejects.toThrow(key);
    await expect(catalog.updateBackup('blog', backup.id, (b) => b)).rejects.toMatchObject({
      name: 'UnreadableRecordError',
      context: { key },
    });
  });

  it('refuses a copy queue with a bad entry with an error naming its key and the field', async () => {
    const now = new Date('2026-11-22T02:00:00Z');
    await catalog.updateCopyQueue('us-west-2', now, (q) => q);
    const key = catalogKeys.copyQueue('us-west-2');
    const stored = JSON.parse(store.objects.get(key)?.body ?? '');
    stored.waiting['blog/vol-1'] = { site: 'blog', backupId: 'b-1', sourceId: 'vol-1', kind: 'ebs' };
    store.objects.set(key, { body: JSON.stringify(stored), etag: '"corrupt"' });

    const read = catalog.getCopyQueue('us-west-2', now);

    await expect(read).rejects.toBeInstanceOf(UnreadableRecordError);
    await expect(read).rejects.toThrow(
      `${key} is not readable: waiting.blog/vol-1.takenAt: expected a string`,
    );
    await expect(catalog.updateCopyQueue('us-west-2', now, (q) => q)).rejects.toMatchObject({
      name: 'UnreadableRecordError',
      context: { key },
    });
  });

  it('keeps the copy queue it read: later changes never alter it, and a write elsewhere is seen', async () => {
    const now = new Date('2026-11-22T02:00:00Z');
    const entry = (sourceId: string) => ({
      site: 'blog',
      backupId: 'b-1',
      sourceId,
      kind: 'ebs' as const,
      takenAt: now.toISOString(),
      queuedAt: now.toISOString(),
    });
    const first = await catalog.updateCopyQueue('us-west-2', now, (q) => {
      q.waiting.set('blog/vol-1', entry('vol-1'));
      return q;
    });
    const read = await catalog.getCopyQueue('us-west-2', now);
    const parse = jest.spyOn(JSON, 'parse');
    const queueParses = () =>
      parse.mock.calls.filter(([text]) => String(text).includes('"CopyQueue"')).length;

    const second = await catalog.updateCopyQueue('us-west-2', now, (q) => {
      q.waiting.delete('blog/vol-1');
      q.waiting.set('blog/vol-2', entry('vol-2'));
      return q;
    });

    expect([...first.waiting.keys()]).toEqual(['blog/vol-1']);
    expect([...read.waiting.keys()]).toEqual(['blog/vol-1']);
    expect([...second.waiting.keys()]).toEqual(['blog/vol-2']);
    // Its own write is the version it keeps: the next change forks that instead of parsing.
    expect(queueParses()).toBe(0);
    // Another writer (another Lambda instance) changed it: the new version is parsed, not the kept one.
    const other = new Catalog(store);
    await other.updateCopyQueue('us-west-2', now, (q) => {
      q.waiting.set('blog/vol-3', entry('vol-3'));
      return q;
    });
    expect([...(await catalog.getCopyQueue('us-west-2', now)).waiting.keys()].sort()).toEqual([
      'blog/vol-2',
      'blog/vol-3',
    ]);
    // One parse by the other instance, one by this one for the version it had not seen.
    expect(queueParses()).toBe(2);
    parse.mockRestore();
  });

  it('lists the readable records and quarantines the unreadable ones with key and reason', async () => {
    await catalog.createBackup(buildBackup({ at: '2026-11-20T02:00:00Z', phase: 'Completed' }));
    await catalog.createBackup(buildBackup({ at: '2026-11-22T02:00:00Z', phase: 'Completed' }));
    const notJson = corruptBackup('2026-11-21T02:00:00Z', '{"apiVersion": "lifeboat/v1", ');
    const badField = corruptBackup(
      '2026-11-19T02:00:00Z',
      JSON.stringify({ ...buildBackup({ at: '2026-11-19T02:00:00Z' }), spec: { kind: 'weekly' } }),
    );
    const elsewhere = corruptBackup(
      '2026-11-18T02:00:00Z',
      JSON.stringify(buildBackup({ at: '2026-11-17T02:00:00Z' })),
    );

    const listing = await catalog.readBackups('blog');
    const page = await catalog.listBackups('blog', { pageSize: 2 });
    const yielded: string[] = [];
    for await (const b of catalog.allBackups('blog')) yielded.push(b.id);

    expect(listing.items.map((b) => b.spec.scheduledFor.slice(0, 10))).toEqual(['2026-11-22', '2026-11-20']);
    expect(listing.unreadable).toEqual([
      { key: notJson, reason: 'not JSON' },
      { key: badField, reason: expect.stringContaining('spec.kind') },
      { key: elsewhere, reason: expect.stringContaining('does not belong here') },
    ]);
    expect(page.items).toHaveLength(1);
    expect(page.unreadable).toEqual([{ key: notJson, reason: 'not JSON' }]);
    expect(yielded).toEqual(listing.items.map((b) => b.id));
  });

  it('quarantines an unreadable recovery the same way', async () => {
    const recovery = buildRecovery();
    await catalog.createRecovery(buildRecovery({ id: '20261121t093900z-1a2b3c4d' }));
    const key = catalogKeys.recovery('blog', recovery.id);
    store.objects.set(key, { body: JSON.stringify({ ...recovery, kind: 'Backup' }), etag: '"x"' });

    const listing = await catalog.readRecoveries('blog');

    expect(listing.items.map((r) => r.id)).toEqual(['20261121t093900z-1a2b3c4d']);
    expect(listing.unreadable).toEqual([{ key, reason: 'not a lifeboat/v1 Recovery' }]);
    await expect(catalog.getRecovery('blog', recovery.id)).rejects.toThrow(key);
  });

  it('refuses a corrupt lock with an error naming its key', async () => {
    store.objects.set(catalogKeys.lock('blog'), { body: '{"holder": 7}', etag: '"x"' });

    await expect(catalog.readLock('blog')).rejects.toThrow(catalogKeys.lock('blog'));
  });

  it.each(['recorded-demo-recovery', 'walk-back-recovery'])(
    'reads the records of fixture %s unchanged',
    (fixture) => {
      const path = join(__dirname, `../../fixtures/report/${fixture}.json`);
      const { recovery, backups } = JSON.parse(readFileSync(path, 'utf8')) as {
        recovery: unknown;
        backups: unknown[];
      };

      expect(recoverySchema.parse(recovery)).toEqual(recovery);
      for (const backup of backups) expect(backupSchema.parse(backup)).toEqual(backup);
    },
  );
});
