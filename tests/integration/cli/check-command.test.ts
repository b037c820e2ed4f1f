import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SiteServer, startSiteServer } from '../../../local/site-server';
import { motoClients, motoEndpoint } from '../../support/moto';
import { BREAKERS } from '../readiness/breakers';
import { provisionReadySite, type ReadySite, writeConfig } from '../readiness/scenario';
import { MOTO_CREDENTIALS, runCli } from './run-cli';

const clients = motoClients();
let server: SiteServer;
let dir: string;

beforeAll(async () => {
  server = await startSiteServer();
  dir = await mkdtemp(join(tmpdir(), 'lifeboat-check-'));
});

afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

async function lifeboat(args: string[], ready: ReadySite[]) {
  const config = await writeConfig(
    dir,
    ready.map((r) => r.raw),
  );
  const bucket = ready[0]?.provisioned.catalogBucket ?? '';
  return runCli(
    [...args, '--endpoint', motoEndpoint(), '--bucket', bucket, '--config', config],
    MOTO_CREDENTIALS,
  );
}

describe('lifeboat check (subprocess against moto)', () => {
  it('says a ready site is ready, check by check, and exits 0', async () => {
    const ready = await provisionReadySite(clients, server.port);

    const result = await lifeboat(['check', ready.site.name], [ready]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^${ready.site.name}: READY with 1 warning \\(checked .* UTC\\)$`, 'm'),
    );
    expect(result.stdout).toMatch(
      /^ {2}ok {4}Task definition +arn:aws:ecs:us-east-1:\d+:task-definition\/\S+: FARGATE/m,
    );
    expect(result.stdout).toMatch(
      /^ {2}ok {4}Known-good backup restorable in both regions +\S+ \(6 h 00 min old\)/m,
    );
    expect(result.stdout).toMatch(
      /^ {2}warn {2}Quotas +EBS concurrent snapshot copies into us-west-2: not readable/m,
    );
    expect(result.stderr).toBe('');
  });

  it.each(BREAKERS.map((b) => [b.name, b] as const))(
    'exits 1 and names the failing check on %s',
    async (_name, breaker) => {
      const ready = await provisionReadySite(clients, server.port);
      await breaker.apply(clients, ready);

      const result = await lifeboat(['check', ready.site.name], [ready]);

      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/: NOT READY: \d+ failing/);
      const line = result.stdout.split('\n').find((l) => l.startsWith('  FAIL') && breaker.reason.test(l));
      expect(line).toBeDefined();
    },
  );

  it('checks every site without a name, as JSON with --json, and records the result for status', async () => {
    const good = await provisionReadySite(clients, server.port);
    const bad = await provisionReadySite(clients, server.port);
    bad.provisioned.catalogBucket = good.provisioned.catalogBucket;
    await BREAKERS.find((b) => b.check === 'triggers')?.apply(clients, bad);

    const result = await lifeboat(['check', '--json'], [good, bad]);
    const status = await lifeboat(['status'], [good, bad]);

    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as {
      verdict: string;
      sites: { site: string; verdict: string }[];
    };
    expect(parsed.verdict).toBe('fail');
    expect(parsed.sites.map((s) => [s.site, s.verdict])).toEqual([
      [good.site.name, 'warn'],
      [bad.site.name, 'fail'],
    ]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      new RegExp(
        `^${good.site.name} +Completed \\S+ +6 h 00 min +6 h 00 min ago +passed: files and database 5 h 00 min ago +warn \\(<1 min ago\\) +— +—$`,
        'm',
      ),
    );
    expect(status.stdout).toMatch(
      new RegExp(`^${bad.site.name} +none +— +none +never +fail \\(<1 min ago\\)`, 'm'),
    );
  });
});

describe('lifeboat status and report --fleet (subprocess against moto)', () => {
  it('prints the fleet as JSON and writes the fleet page', async () => {
    const ready = await provisionReadySite(clients, server.port);
    const out = join(dir, 'report');

    const status = await lifeboat(['status', '--json'], [ready]);
    const report = await lifeboat(['report', '--fleet', '--out', out], [ready]);

    expect(status.code).toBe(0);
    const view = JSON.parse(status.stdout) as { sites: { site: string; newestBackup?: { id: string } }[] };
    expect(view.sites).toEqual([
      expect.objectContaining({
        site: ready.site.name,
        newestBackup: expect.objectContaining({ id: ready.backup.id }),
      }),
    ]);
    expect(report.code).toBe(0);
    expect(report.stdout.trim()).toBe(join(out, 'fleet.html'));
    const html = await readFile(join(out, 'fleet.html'), 'utf8');
    expect(html).toContain(`<td data-label="Site" class="site"><div>${ready.site.name}</div></td>`);
    expect(html).toContain(`title="${ready.backup.id}: Completed`);
  });

  it('refuses report without an id or --fleet as a usage error', async () => {
    const ready = await provisionReadySite(clients, server.port);

    const result = await lifeboat(['report'], [ready]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('report: missing <recovery-id> (or --fleet for every site)');
  });
});
