import { z } from 'zod';
import type { Clock } from '../clock';
import type { LifeboatConfig, Site } from '../config/schema';
import { InvalidInputError, UnknownCheckError } from '../errors';
import { recordSignal } from '../recovery/record-signal';
import { startRecovery } from '../recovery/start-recovery';
import { describeIssues } from './issues';
import type { TriggerOutcome, TriggerPorts } from './outcome';

/** Latest time a Pingdom epoch-seconds field may hold (year 9999); milliseconds are rejected. */
const MAX_EPOCH_SECONDS = 253_402_300_799;

// Pingdom's documentation shows ids and times as JSON numbers, some integrations send them as
// strings of digits: accept both. https://www.pingdom.com/resources/webhooks/
const wholeNumber = (max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^\s*\d{1,16}\s*$/.test(value) ? Number(value) : value),
    z
      .number({ error: 'a whole number (or a string of digits)' })
      .int('a whole number')
      .min(0, 'not negative')
      .max(max, `at most ${max}`),
  );

const utcTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/,
    'a time like 2016-01-01T01:01:01',
  );

/** The fields of a Pingdom state change webhook lifeboat reads; the rest is accepted and ignored. */
export const pingdomAlertSchema = z
  .object({
    check_id: wholeNumber(Number.MAX_SAFE_INTEGER),
    check_name: z.string().max(1024).optional(),
    check_type: z.string().max(64).optional(),
    previous_state: z.string().max(64).optional(),
    current_state: z.string({ error: 'a state such as DOWN or UP' }).min(1).max(64),
    state_changed_timestamp: wholeNumber(MAX_EPOCH_SECONDS).optional(),
    state_changed_utc_time: utcTime.optional(),
    description: z.string().optional(),
    long_description: z.string().optional(),
  })
  .refine((a) => a.state_changed_timestamp !== undefined || a.state_changed_utc_time !== undefined, {
    message: 'state_changed_timestamp or state_changed_utc_time is required',
    path: ['state_changed_timestamp'],
  });

/** A validated Pingdom state change. */
export interface PingdomAlert {
  checkId: number;
  checkName?: string;
  checkType?: string;
  previousState?: string;
  /** Upper case: UP, DOWN (uptime checks), SUCCESS, FAILING (transaction checks), or other. */
  currentState: string;
  changedAt: Date;
  description?: string;
}

function changedAt(raw: z.infer<typeof pingdomAlertSchema>): Date {
  if (raw.state_changed_timestamp !== undefined) return new Date(raw.state_changed_timestamp * 1000);
  const text = raw.state_changed_utc_time ?? '';
  // Pingdom's UTC time has no zone designator; without one, Date would read it as local time.
  return new Date(/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`);
}

/** Validates a parsed webhook body; InvalidInputError names every bad field. */
export function parsePingdomAlert(body: unknown): PingdomAlert {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidInputError('Pingdom webhook body must be a JSON object', {
      issues: ['(body): a JSON object'],
    });
  }
  const parsed = pingdomAlertSchema.safeParse(body);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error);
    throw new InvalidInputError(`invalid Pingdom webhook body: ${issues.join('; ')}`, { issues });
  }
  const raw = parsed.data;
  const at = changedAt(raw);
  if (Number.isNaN(at.getTime())) {
    throw new InvalidInputError('invalid Pingdom webhook body: state_changed_utc_time is not a valid time', {
      issues: ['state_changed_utc_time: not a valid time'],
    });
  }
  return {
    checkId: raw.check_id,
    checkName: raw.check_name,
    checkType: raw.check_type,
    previousState: raw.previous_state?.toUpperCase(),
    currentState: raw.current_state.toUpperCase(),
    changedAt: at,
    description: raw.description,
  };
}

/** The site whose config names this check (by id, else by name); UnknownCheckError otherwise. */
export function siteForCheck(config: LifeboatConfig, alert: PingdomAlert): Site {
  const byId = config.sites.find((s) => s.triggers.pingdom?.checkIds.includes(alert.checkId));
  const byName =
    alert.checkName === undefined
      ? undefined
      : config.sites.find((s) => s.triggers.pingdom?.checkNames.includes(alert.checkName ?? ''));
  const site = byId ?? byName;
  if (site === undefined) {
    throw new UnknownCheckError(`no site in the config claims Pingdom check ${alert.checkId}`, {
      checkId: alert.checkId,
    });
  }
  return site;
}

const OUTAGE_STATES = new Set(['DOWN', 'FAILING']);
const RECOVERED_STATES = new Set(['UP', 'SUCCESS']);

/** The incident a state change belongs to: the check and the second it went down. */
export function pingdomIncidentKey(alert: PingdomAlert): string {
  return `pingdom-${alert.checkId}-${Math.floor(alert.changedAt.getTime() / 1000)}`;
}

/**
 * Acts on a Pingdom state change: DOWN or FAILING starts a recovery of the check's site, UP or
 * SUCCESS is recorded on the open recovery, anything else is ignored with the reason.
 */
export async function handlePingdomAlert(
  ports: TriggerPorts,
  clock: Clock,
  request: { config: LifeboatConfig; alert: PingdomAlert },
): Promise<TriggerOutcome> {
  const { alert } = request;
  const site = siteForCheck(request.config, alert);
  if (OUTAGE_STATES.has(alert.currentState)) {
    const name = alert.checkName === undefined ? '' : ` "${alert.checkName}"`;
    const why = alert.description === undefined ? '' : `: ${alert.description}`;
    return startRecovery(ports, clock, {
      site,
      trigger: {
        source: 'pingdom',
        incidentKey: pingdomIncidentKey(alert),
        outageStartedAt: alert.changedAt,
        summary: `Pingdom check${name} (${alert.checkId}) is ${alert.currentState}${why}`.slice(0, 1024),
      },
    });
  }
  if (RECOVERED_STATES.has(alert.currentState)) {
    return recordSignal(ports, clock, {
      site: site.name,
      signal: { source: 'pingdom', state: alert.currentState, at: alert.changedAt },
    });
  }
  return {
    outcome: 'ignored',
    reason: 'state-not-actionable',
    why: `state ${alert.currentState} is neither DOWN/FAILING nor UP/SUCCESS`,
    site: site.name,
  };
}
