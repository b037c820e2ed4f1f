import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeHttp } from '../../../lib/health/http-probe';
import { freePort } from '../../../local/moto-server';

describe('probeHttp', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') {
        setTimeout(() => res.writeHead(200).end(), 1500).unref();
        return;
      }
      if (req.url === '/moved') {
        res.writeHead(302, { location: '/elsewhere' }).end();
        return;
      }
      res.writeHead(req.url === '/wp-login.php' ? 200 : 500).end('body');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('is healthy when the answer has the expected status', async () => {
    const result = await probeHttp({ url: `${base}/wp-login.php`, expectedStatus: 200, timeoutMs: 1000 });

    expect(result).toMatchObject({ healthy: true, status: 200 });
  });

  it('is unhealthy on another status, and says which', async () => {
    const result = await probeHttp({ url: `${base}/broken`, expectedStatus: 200, timeoutMs: 1000 });

    expect(result).toMatchObject({ healthy: false, status: 500, reason: 'HTTP 500, expected 200' });
  });

  it('does not follow redirects: a 302 is the answer', async () => {
    const result = await probeHttp({ url: `${base}/moved`, expectedStatus: 302, timeoutMs: 1000 });

    expect(result).toMatchObject({ healthy: true, status: 302 });
  });

  it('is unhealthy when the site answers too late', async () => {
    const result = await probeHttp({ url: `${base}/slow`, expectedStatus: 200, timeoutMs: 200 });

    expect(result).toMatchObject({ healthy: false, reason: 'no answer within 200 ms' });
  });

  it('is unhealthy when nothing listens', async () => {
    const port = await freePort();

    const result = await probeHttp({
      url: `http://127.0.0.1:${port}/`,
      expectedStatus: 200,
      timeoutMs: 1000,
    });

    expect(result.healthy).toBe(false);
    expect(result.reason).toBe('ECONNREFUSED');
  });
});
