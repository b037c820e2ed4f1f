import { systemClock } from '../../../lib/clock';
import { awsReadinessPorts } from '../../../lib/readiness/aws-ports';
import { checkReadiness } from '../../../lib/readiness/check-readiness';
import { type SiteServer, startSiteServer } from '../../../local/site-server';
import { motoClients } from '../../support/moto';
import { BREAKERS } from './breakers';
import { provisionReadySite } from './scenario';

const clients = motoClients();
let server: SiteServer;

beforeAll(async () => {
  server = await startSiteServer();
});

afterAll(async () => {
  await server.stop();
});

describe('checkReadiness against moto', () => {
  it('finds a provisioned, backed-up and drilled site ready (only the quota moto cannot tell warns)', async () => {
    const ready = await provisionReadySite(clients, server.port);

    const readiness = await checkReadiness(
      awsReadinessPorts(clients, ready.catalog),
      systemClock,
      ready.site,
    );

    const notOk = readiness.checks.filter((c) => c.verdict !== 'ok').map((c) => [c.id, c.verdict, c.reason]);
    expect(notOk).toEqual([
      ['quotas', 'warn', expect.stringMatching(/not readable \(Service Quotas does not list ebs\)/)],
    ]);
    expect(readiness.verdict).toBe('warn');
    expect(readiness.checks.find((c) => c.id === 'site-health')?.reason).toMatch(
      new RegExp(`^GET http://127\\.0\\.0\\.1:${server.port}/wp-login\\.php answered 200`),
    );
  });

  it.each(BREAKERS.map((b) => [b.name, b] as const))('fails on %s', async (_name, breaker) => {
    const ready = await provisionReadySite(clients, server.port);
    await breaker.apply(clients, ready);

    const readiness = await checkReadiness(
      awsReadinessPorts(clients, ready.catalog),
      systemClock,
      ready.site,
    );

    const check = readiness.checks.find((c) => c.id === breaker.check);
    expect(check?.verdict).toBe('fail');
    expect(check?.reason).toMatch(breaker.reason);
    expect(readiness.verdict).toBe('fail');
  });

  it('warns, not fails, when the running site does not answer (it may be the outage)', async () => {
    const ready = await provisionReadySite(clients, server.port);
    server.setMode('unhealthy');
    try {
      const readiness = await checkReadiness(
        awsReadinessPorts(clients, ready.catalog),
        systemClock,
        ready.site,
      );

      expect(readiness.checks.find((c) => c.id === 'site-health')).toMatchObject({
        verdict: 'warn',
        reason: expect.stringMatching(/HTTP 502, expected 200/),
      });
    } finally {
      server.setMode('healthy');
    }
  });
});
