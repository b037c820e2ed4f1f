import { Catalog } from '../../../lib/catalog/catalog';
import { catalogKeys } from '../../../lib/catalog/keys';
import {
  AlreadyExistsError,
  ConcurrentUpdateError,
  NotFoundError,
  SiteLockedError,
} from '../../../lib/errors';
import { buildBackup } from '../../support/builders';
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
