import { type SiteServer, startSiteServer } from '../../../local/site-server';

describe('local site server', () => {
  let server: SiteServer;

  beforeEach(async () => {
    server = await startSiteServer({ slowMs: 300 });
  });

  afterEach(async () => {
    await server.stop();
  });

  it('plays a healthy site, then an unhealthy one when switched', async () => {
    const before = await fetch(`${server.url}/wp-login.php`);
    server.setMode('unhealthy');
    const after = await fetch(`${server.url}/wp-login.php`);

    expect(before.status).toBe(200);
    expect(await before.text()).toContain('<h1>blog</h1>');
    expect(after.status).toBe(502);
    expect(server.hits()).toBe(2);
  });

  it('plays each task on its own path, in its own mode', async () => {
    server.setMode('unhealthy', 'backup-a');

    const a = await fetch(`${server.taskUrl('backup-a')}/wp-login.php`);
    const b = await fetch(`${server.taskUrl('backup-b')}/wp-login.php`);

    expect([a.status, b.status]).toEqual([502, 200]);
    expect(server.hits('backup-a')).toBe(1);
  });

  it('answers slowly in slow mode, beyond a short health-check timeout', async () => {
    server.setMode('slow');

    await expect(fetch(`${server.url}/`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
  });

  it('is switched over HTTP too, refusing unknown modes', async () => {
    const set = await fetch(`${server.url}/__lifeboat/mode?target=site&mode=unhealthy`, { method: 'POST' });
    const bad = await fetch(`${server.url}/__lifeboat/mode?mode=broken`, { method: 'POST' });

    expect(await set.json()).toEqual({ site: 'unhealthy' });
    expect(bad.status).toBe(400);
    expect(server.modeOf()).toBe('unhealthy');
  });
});
