import { HealthGateFailedError, NotReadyError } from '../../../lib/errors';
import { awaitDnsInsync, switchDns } from '../../../lib/recovery/switch-dns';
import { buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { type Fakes, fakePorts, runningRecovery } from './support/fake-ports';

const TASK = 'arn:aws:ecs:us-east-1:123456789012:task/blog/t1';

describe('switchDns / awaitDnsInsync', () => {
  const site = buildSite({
    dns: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', recordName: 'www.example.com', ttl: 30 },
  });
  const clock = new FakeClock('2026-11-22T09:41:00Z');
  let fakes: Fakes;

  beforeEach(() => {
    fakes = fakePorts();
  });

  it('refuses to point the site at a task the run has not recorded as healthy, and touches no record', async () => {
    const recovery = runningRecovery(site.name);
    recovery.status.attempts.push({
      backupId: 'b1',
      taskArn: TASK,
      address: '10.0.1.1',
      verdict: 'unhealthy',
    });
    await fakes.catalog.createRecovery(recovery);

    await expect(switchDns(fakes.ports, clock, site, recovery.id, 'site', TASK)).rejects.toBeInstanceOf(
      HealthGateFailedError,
    );
    expect(fakes.dns.upserts).toEqual([]);
  });

  it('points the site at the healthy task with the config TTL and records the change', async () => {
    const recovery = runningRecovery(site.name);
    recovery.status.attempts.push({ backupId: 'b1', taskArn: TASK, address: '10.0.1.1', verdict: 'healthy' });
    await fakes.catalog.createRecovery(recovery);

    const change = await switchDns(fakes.ports, clock, site, recovery.id, 'site', TASK);

    expect(fakes.dns.upserts).toEqual([{ recordName: 'www.example.com', ip: '10.0.1.1', ttl: 30 }]);
    expect((await fakes.catalog.getRecovery(site.name, recovery.id))?.status.dnsChange).toEqual({
      changeId: change.changeId,
      recordName: 'www.example.com',
      value: '10.0.1.1',
      ttl: 30,
      submittedAt: '2026-11-22T09:41:00.000Z',
    });
  });

  it('points the sandbox record only at the run sandbox', async () => {
    const recovery = runningRecovery(site.name);
    recovery.status.sandbox = { taskArn: TASK, address: '10.0.1.9', recordName: site.sandbox.recordName };
    await fakes.catalog.createRecovery(recovery);

    await switchDns(fakes.ports, clock, site, recovery.id, 'sandbox', TASK);
    await expect(
      switchDns(fakes.ports, clock, site, recovery.id, 'sandbox', `${TASK}-other`),
    ).rejects.toBeInstanceOf(HealthGateFailedError);

    expect(fakes.dns.upserts).toEqual([{ recordName: 'sandbox.example.com', ip: '10.0.1.9', ttl: 30 }]);
  });

  it('is not ready while the change is PENDING, then records when it went INSYNC', async () => {
    const recovery = runningRecovery(site.name);
    recovery.status.attempts.push({ backupId: 'b1', taskArn: TASK, address: '10.0.1.1', verdict: 'healthy' });
    await fakes.catalog.createRecovery(recovery);
    const change = await switchDns(fakes.ports, clock, site, recovery.id, 'site', TASK);
    fakes.dns.status = 'PENDING';

    await expect(awaitDnsInsync(fakes.ports, clock, site, recovery.id, change)).rejects.toBeInstanceOf(
      NotReadyError,
    );
    fakes.dns.status = 'INSYNC';
    await awaitDnsInsync(fakes.ports, clock, site, recovery.id, change);

    const recorded = await fakes.catalog.getRecovery(site.name, recovery.id);
    expect(recorded?.status.dnsChange?.insyncAt).toBe('2026-11-22T09:41:00.000Z');
    expect(recorded?.status.timeline.map((t) => [t.step, t.critical])).toEqual([
      ['switch-dns-site', true],
      ['dns-insync-site', true],
    ]);
  });
});
