import { S3ObjectStore } from '../../../lib/aws/s3';
import { Catalog } from '../../../lib/catalog/catalog';
import { AlreadyExistsError, ConcurrentUpdateError, SiteLockedError } from '../../../lib/errors';
import { seedCatalogBucket } from '../../../local/seed';
import { buildBackup } from '../../support/builders';
import { motoClients, uniqueName } from '../../support/moto';

describe('catalog on S3 (moto)', () => {
  const clients = motoClients();
  let store: S3ObjectStore;
  let catalog: Catalog;

  beforeEach(async () => {
    store = new S3ObjectStore(clients.s3(), await seedCatalogBucket(clients, uniqueName('catalog')));
    catalog = new Catalog(store, { retryDelayMs: 10, maxUpdateAttempts: 100 });
  });

  it('refuses a second create of the same key (If-None-Match)', async () => {
    await store.putIfAbsent('k', 'one');
    await expect(store.putIfAbsent('k', 'two')).rejects.toBeInstanceOf(AlreadyExistsError);
    expect((await store.get('k'))?.body).toBe('one');
  });

  it('refuses a write with a stale ETag (If-Match)', async () => {
    const first = await store.putIfAbsent('k', 'one');
    await store.putIfMatch('k', 'two', first);
    await expect(store.putIfMatch('k', 'three', first)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect((await store.get('k'))?.body).toBe('two');
  });

  it('loses no update when 20 writers change the same backup at once', async () => {
    const backup = buildBackup();
    await catalog.createBackup(backup);
    const writers = Array.from({ length: 20 }, (_, i) =>
      catalog.updateBackup('blog', backup.id, (b) => ({
        ...b,
        status: {
          ...b.status,
          parts: [
            ...b.status.parts,
            {
              kind: 'ebs-volume',
              sourceId: `vol-${i}`,
              state: 'pending',
              copy: { region: 'us-west-2', state: 'waiting' },
            },
          ],
        },
      })),
    );
    await Promise.all(writers);
    const stored = await catalog.getBackup('blog', backup.id);
    expect(stored?.status.parts.map((p) => p.sourceId).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `vol-${i}`).sort(),
    );
  });

  it('lets exactly one of many concurrent recoveries take the lock', async () => {
    const now = new Date();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => catalog.acquireLock('blog', `recovery-${i}`, now, 60_000)),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.every((r) => (r as PromiseRejectedResult).reason instanceof SiteLockedError)).toBe(true);
  });

  it('pages through a site listing newest first', async () => {
    for (let day = 1; day <= 5; day++) {
      await catalog.createBackup(buildBackup({ at: `2026-11-0${day}T02:00:00Z` }));
    }
    const first = await catalog.listBackups('blog', { pageSize: 2 });
    const seen: string[] = [];
    for await (const b of catalog.allBackups('blog')) seen.push(b.spec.scheduledFor.slice(0, 10));
    expect(first.items).toHaveLength(2);
    expect(first.nextToken).toBeDefined();
    expect(seen).toEqual(['2026-11-05', '2026-11-04', '2026-11-03', '2026-11-02', '2026-11-01']);
  });

  it('moves the open-backup markers of earlier versions into the index once, on S3', async () => {
    await store.putIfAbsent('sites/blog/open-backups/2026-11-01T02-00-00Z', '2026-11-01T02-00-00Z');
    await store.putIfAbsent('sites/shop/open-backups/2026-11-02T02-00-00Z', '2026-11-02T02-00-00Z');
    const now = new Date('2026-12-01T00:00:00Z');

    const moved = await catalog.migrateLegacyMarkers(['blog', 'shop'], now);
    await store.putIfAbsent('sites/blog/open-backups/2026-11-03T02-00-00Z', 'late');
    const again = await new Catalog(store).migrateLegacyMarkers(['blog', 'shop'], now);

    expect([moved, again]).toEqual([2, 0]);
    expect(await catalog.openWork('active')).toEqual([
      { site: 'blog', backupId: '2026-11-01T02-00-00Z' },
      { site: 'shop', backupId: '2026-11-02T02-00-00Z' },
    ]);
    expect(await store.get('sites/blog/open-backups/2026-11-01T02-00-00Z')).toBeUndefined();
  });
});
