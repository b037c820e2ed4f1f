import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { HealthGateFailedError, NotReadyError } from '../errors';
import { entry, journal } from './journal';
import type { DnsTarget, SubmittedChange } from './model';
import type { RecoveryPorts } from './ports';

/**
 * Points the site's record (or the sandbox's) at a task. The site's record moves only to a task
 * the run recorded as healthy: this is the one place DNS changes, so the rule lives here, not in
 * the state machine alone.
 */
export async function switchDns(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  recoveryId: string,
  target: DnsTarget,
  taskArn: string,
): Promise<SubmittedChange> {
  const started = clock.now();
  const recovery = await ports.catalog.getRecovery(site.name, recoveryId);
  const address =
    target === 'site'
      ? recovery?.status.attempts.find((a) => a.taskArn === taskArn && a.verdict === 'healthy')?.address
      : recovery?.status.sandbox?.taskArn === taskArn
        ? recovery.status.sandbox.address
        : undefined;
  if (address === undefined) {
    throw new HealthGateFailedError(
      `refusing to point ${target === 'site' ? site.dns.recordName : site.sandbox.recordName} at task ${taskArn}: the run has not recorded it as ${target === 'site' ? 'healthy' : 'its sandbox'}`,
      { site: site.name, recoveryId, taskArn },
    );
  }
  const recordName = target === 'site' ? site.dns.recordName : site.sandbox.recordName;
  const change = await ports.dns.upsertARecord({
    hostedZoneId: site.dns.hostedZoneId,
    recordName,
    ip: address,
    ttl: site.dns.ttl,
    comment: `lifeboat ${recoveryId}: ${target} -> ${taskArn}`,
  });
  await journal(
    ports.catalog,
    site.name,
    recoveryId,
    [
      entry(`switch-dns-${target}`, started, clock.now(), 'ok', target === 'site', {
        recordName,
        value: address,
        changeId: change.changeId,
      }),
    ],
    (r) => {
      if (target !== 'site') return;
      r.status.dnsChange = {
        changeId: change.changeId,
        recordName,
        value: address,
        ttl: site.dns.ttl,
        submittedAt: change.submittedAt,
      };
    },
  );
  return { target, changeId: change.changeId, recordName, value: address, submittedAt: change.submittedAt };
}

/**
 * NotReadyError until Route 53 reports the change INSYNC (every name server answers with it);
 * then records when.
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetChange.html
 */
export async function awaitDnsInsync(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  recoveryId: string,
  change: SubmittedChange,
): Promise<SubmittedChange & { insyncAt: string }> {
  const status = await ports.dns.changeStatus(change.changeId);
  if (status !== 'INSYNC')
    throw new NotReadyError(`change ${change.changeId} is ${status}`, { changeId: change.changeId });
  const insyncAt = clock.now();
  await journal(
    ports.catalog,
    site.name,
    recoveryId,
    [
      entry(
        `dns-insync-${change.target}`,
        new Date(change.submittedAt),
        insyncAt,
        'ok',
        change.target === 'site',
        { changeId: change.changeId },
      ),
    ],
    (r) => {
      if (change.target === 'site' && r.status.dnsChange?.changeId === change.changeId) {
        r.status.dnsChange.insyncAt = insyncAt.toISOString();
      }
    },
  );
  return { ...change, insyncAt: insyncAt.toISOString() };
}
