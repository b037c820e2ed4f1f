import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the played site answers: 200, 502, or 200 after longer than any health-check timeout. */
export type SiteMode = 'healthy' | 'unhealthy' | 'slow';

const MODES: readonly SiteMode[] = ['healthy', 'unhealthy', 'slow'];

/**
 * A local HTTP server that plays the site and every task launched for it, so health gates have
 * something to probe: `/…` is the live site, `/tasks/<id>/…` a task. Each target's mode can be
 * switched in-process or with `POST /__lifeboat/mode?target=site&mode=unhealthy`.
 */
export interface SiteServer {
  url: string;
  port: number;
  /** The base URL that plays the task `id` (append the health path). */
  taskUrl(id: string): string;
  setMode(mode: SiteMode, target?: string): void;
  modeOf(target?: string): SiteMode;
  /** How many requests each target has answered. */
  hits(target?: string): number;
  stop(): Promise<void>;
}

export interface SiteServerOptions {
  /** Mode of the live site and of tasks not set explicitly. */
  siteMode: SiteMode;
  taskMode: SiteMode;
  /** How long a slow answer takes. */
  slowMs: number;
  title: string;
}

const DEFAULTS: SiteServerOptions = {
  siteMode: 'healthy',
  taskMode: 'healthy',
  slowMs: 10_000,
  title: 'blog',
};

function page(title: string, target: string): string {
  return `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1><p>Served by ${target} (played by lifeboat's local site server).</p></body></html>\n`;
}

/** Starts the site server on a free loopback port. */
export async function startSiteServer(options: Partial<SiteServerOptions> = {}): Promise<SiteServer> {
  const settings = { ...DEFAULTS, ...options };
  const modes = new Map<string, SiteMode>([['site', settings.siteMode]]);
  const counts = new Map<string, number>();
  const modeOf = (target = 'site') => modes.get(target) ?? settings.taskMode;
  const timers = new Set<NodeJS.Timeout>();

  function answer(res: ServerResponse, target: string): void {
    counts.set(target, (counts.get(target) ?? 0) + 1);
    const mode = modeOf(target);
    if (mode === 'unhealthy') {
      res.writeHead(502, { 'content-type': 'text/plain' }).end('502 Bad Gateway\n');
      return;
    }
    const send = () => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page(settings.title, target));
    };
    if (mode === 'healthy') {
      send();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) send();
    }, settings.slowMs);
    timers.add(timer);
  }

  function control(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method === 'POST') {
      const mode = url.searchParams.get('mode') as SiteMode | null;
      if (mode === null || !MODES.includes(mode)) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`mode must be one of ${MODES.join(', ')}\n`);
        return;
      }
      modes.set(url.searchParams.get('target') ?? 'site', mode);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(Object.fromEntries(modes)));
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/__lifeboat/mode') return control(req, res, url);
    const task = /^\/tasks\/([^/]+)(\/.*)?$/.exec(url.pathname);
    answer(res, task?.[1] === undefined ? 'site' : decodeURIComponent(task[1]));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    taskUrl: (id) => `${url}/tasks/${encodeURIComponent(id)}`,
    setMode: (mode, target = 'site') => {
      modes.set(target, mode);
    },
    modeOf,
    hits: (target = 'site') => counts.get(target) ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
