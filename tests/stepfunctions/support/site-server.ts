import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SiteBehaviour = 'healthy' | 'unhealthy' | 'slow';

/** A local HTTP server playing the site as a restored task would serve it. */
export interface SiteServer {
  url: string;
  behaviour: SiteBehaviour;
  /** Requests received, by path. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * healthy: 200 on every path; unhealthy: 500 (a WordPress with a broken plugin);
 * slow: answers 200 only after `slowMs` (longer than the probe's timeout).
 */
export async function startSiteServer(behaviour: SiteBehaviour, slowMs = 2500): Promise<SiteServer> {
  const requests: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '/');
    if (behaviour === 'slow') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        res.writeHead(200).end('late');
      }, slowMs);
      timers.add(timer);
      return;
    }
    res.writeHead(behaviour === 'healthy' ? 200 : 500, { 'content-type': 'text/html' });
    res.end(behaviour === 'healthy' ? '<html>wp-login</html>' : 'Error establishing a database connection');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    behaviour,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
