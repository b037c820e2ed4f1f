import { catalogKeys } from '../../../lib/catalog/keys';
import { checkSites } from '../../../lib/readiness/check-sites';
import type { Readiness } from '../../../lib/readiness/model';
import { catalogReadinessStore } from '../../../lib/readiness/store';
import { buildConfig, rawSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { MemoryObjectStore } from '../../support/memory-object-store';
import { fakePorts, readyAccount } from './fake-ports';

const NOW = '2026-11-22T12:00:00Z';

/** A second site with its own names; its trigger alarm does not exist in the fake account. */
const shop = (overrides: Record<string, unknown> = {}) =>
  rawSite({
    name: 'shop',
    dns: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', recordName: 'shop.example.com' },
    sandbox: {
      recordName: 'sandbox-shop.example.com',
      allowedCidr: '203.0.113.0/24',
      securityGroups: ['sg-0fedcba9876543210'],
    },
    triggers: { cloudwatchAlarms: ['shop-5xx'] },
    ...overrides,
  });

function readiness(site: string, checkedAt: string, verdict: Readiness['verdict'] = 'ok'): Readiness {
  return { apiVersion: 'lifeboat/v1', kind: 'Readiness', site, checkedAt, verdict, checks: [] };
}

describe('checkSites', () => {
  it('records each site’s readiness in the catalog and names the ones not ready', async () => {
    const config = buildConfig(rawSite(), shop());
    const objects = new MemoryObjectStore();
    const store = catalogReadinessStore(objects);

    const result = await checkSites(fakePorts(readyAccount(NOW)), new FakeClock(NOW), config.sites, store);

    expect(result.sites.map((r) => [r.site, r.verdict])).toEqual([
      ['blog', 'ok'],
      ['shop', 'fail'],
    ]);
    expect(result.notReady).toEqual(['shop']);
    expect((await store.latest('shop'))?.checks.find((c) => c.id === 'triggers')?.verdict).toBe('fail');
    expect([...objects.objects.keys()].sort()).toEqual([
      catalogKeys.readiness('blog'),
      catalogKeys.readiness('shop'),
    ]);
  });

  it('keeps checking and reports the site whose record could not be saved', async () => {
    const store = catalogReadinessStore(new MemoryObjectStore());
    const failing = {
      latest: store.latest,
      save: async (r: Readiness) => {
        if (r.site === 'blog') throw new Error('AccessDenied');
        await store.save(r);
      },
    };
    const config = buildConfig(rawSite(), shop());

    const result = await checkSites(fakePorts(readyAccount(NOW)), new FakeClock(NOW), config.sites, failing);

    expect(result.unsaved).toEqual([{ site: 'blog', error: 'AccessDenied' }]);
    expect(await store.latest('shop')).toBeDefined();
  });
});

describe('catalogReadinessStore', () => {
  it('replaces the record with a newer check and never with an older one', async () => {
    const store = catalogReadinessStore(new MemoryObjectStore());

    await store.save(readiness('blog', '2026-11-22T12:00:00.000Z', 'ok'));
    await store.save(readiness('blog', '2026-11-22T12:30:00.000Z', 'fail'));
    await store.save(readiness('blog', '2026-11-22T12:10:00.000Z', 'warn'));

    expect(await store.latest('blog')).toMatchObject({
      checkedAt: '2026-11-22T12:30:00.000Z',
      verdict: 'fail',
    });
  });

  it('replaces a record that does not parse, and refuses to read one back as readiness', async () => {
    const objects = new MemoryObjectStore();
    await objects.putIfAbsent(catalogKeys.readiness('blog'), '{"not":"readiness"}');
    const store = catalogReadinessStore(objects);

    await expect(store.latest('blog')).rejects.toThrow(/is not a lifeboat\/v1 Readiness/);
    await store.save(readiness('blog', NOW));
    expect((await store.latest('blog'))?.site).toBe('blog');
  });
});
