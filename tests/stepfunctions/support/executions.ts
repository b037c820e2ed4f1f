import { recoveryIdFor } from '../../../lib/recovery/start-recovery';
import type { LocalEvent } from '../../../local/local-runner';

/** When the outage of the recovery scenarios began. */
export const OUTAGE = '2026-11-22T09:39:00Z';

/** The input a trigger gives the recovery state machine for an outage of `site` (default: Pingdom, at OUTAGE). */
export function recoveryInput(
  site: string,
  options: {
    outage?: string;
    source?: 'pingdom' | 'cloudwatch' | 'manual';
    incidentKey?: string;
    receivedAt?: string;
    summary?: string;
    options?: Record<string, unknown>;
  } = {},
) {
  const outage = options.outage ?? OUTAGE;
  const incidentKey = options.incidentKey ?? `pingdom:12345:${outage}:${site}`;
  return {
    site,
    recoveryId: recoveryIdFor(new Date(outage), incidentKey),
    kind: 'recovery',
    trigger: {
      source: options.source ?? 'pingdom',
      incidentKey,
      outageStartedAt: outage,
      receivedAt: options.receivedAt ?? outage,
      summary: options.summary ?? 'www is DOWN (HTTP 500)',
    },
    options: { dryRun: false, skipSandbox: false, database: 'keep', ...options.options },
  };
}

/** Names of the states entered, in order. */
export function entered(events: LocalEvent[]): string[] {
  return events.filter((e) => e.type === 'StateEntered').map((e) => e.state?.name ?? '');
}

/** What each exit of `state` output, in order. */
export function outputsOf(events: LocalEvent[], state: string): unknown[] {
  return events
    .filter((e) => e.type === 'StateExited' && e.state?.name === state)
    .map((e) => e.state?.output);
}

/** How many times `state` was retried. */
export function retried(events: LocalEvent[], state: string): number {
  return events.filter((e) => e.type === 'StateRetried' && e.state?.name === state).length;
}
