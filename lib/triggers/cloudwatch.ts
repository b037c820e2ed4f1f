import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';
import type { Clock } from '../clock';
import type { LifeboatConfig } from '../config/schema';
import { InvalidInputError } from '../errors';
import { recordSignal } from '../recovery/record-signal';
import { startRecovery } from '../recovery/start-recovery';
import { describeIssues } from './issues';
import type { TriggerOutcome, TriggerPorts } from './outcome';

const alarmState = z.object({
  value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  reason: z.string().optional(),
  // CloudWatch writes `2019-10-02T17:04:40.989+0000`.
  timestamp: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/, 'an ISO 8601 time'),
  // Composite alarms with an actions suppressor: WaitPeriod, ExtensionPeriod or Alarm while suppressed.
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm_Suppression.html
  actionsSuppressedBy: z.string().min(1).optional(),
  actionsSuppressedReason: z.string().optional(),
});

/**
 * The "CloudWatch Alarm State Change" EventBridge event (Powertools' EventBridge envelope with the
 * alarm's detail); fields lifeboat does not read are accepted.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 */
export const alarmStateChangeSchema = EventBridgeSchema.extend({
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  source: z.literal('aws.cloudwatch'),
  // Powertools accepts these empty; the incident key is made of them.
  account: z.string().min(1),
  region: z.string().min(1),
  detail: z.object({
    alarmName: z.string().min(1).max(255),
    state: alarmState,
    previousState: alarmState.partial({ timestamp: true }).optional(),
    configuration: z.object({ description: z.string().nullish() }).partial().optional(),
  }),
});

/** A validated alarm state change. */
export interface AlarmStateChange {
  account: string;
  region: string;
  alarmName: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  previousState?: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  changedAt: Date;
  reason?: string;
  /** Set while a composite alarm's actions are suppressed (WaitPeriod, ExtensionPeriod, Alarm). */
  actionsSuppressedBy?: string;
  actionsSuppressedReason?: string;
  /** Whether the actions were suppressed in the previous state: their release is the transition that acts. */
  previousActionsSuppressed?: boolean;
  /** When the previous state began (for a release of suppressed actions: when the alarm went ALARM). */
  previousChangedAt?: Date;
}

function isoTime(text: string): Date {
  // `+0000` → `+00:00`: the colon-less offset is not in the ECMAScript date format.
  return new Date(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/** Validates an EventBridge alarm event; InvalidInputError names every bad field. */
export function parseAlarmStateChange(event: unknown): AlarmStateChange {
  const parsed = alarmStateChangeSchema.safeParse(event);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error);
    throw new InvalidInputError(`invalid CloudWatch alarm event: ${issues.join('; ')}`, { issues });
  }
  const { detail, account, region } = parsed.data;
  const changedAt = isoTime(detail.state.timestamp);
  if (Number.isNaN(changedAt.getTime())) {
    throw new InvalidInputError(
      'invalid CloudWatch alarm event: detail.state.timestamp is not a valid time',
      {
        issues: ['detail.state.timestamp: not a valid time'],
      },
    );
  }
  const previousAt =
    detail.previousState?.timestamp === undefined ? undefined : isoTime(detail.previousState.timestamp);
  return {
    account,
    region,
    alarmName: detail.alarmName,
    state: detail.state.value,
    previousState: detail.previousState?.value,
    changedAt,
    reason: detail.state.reason,
    actionsSuppressedReason: detail.state.actionsSuppressedReason,
    actionsSuppressedBy: detail.state.actionsSuppressedBy,
    previousActionsSuppressed: detail.previousState?.actionsSuppressedBy !== undefined,
    previousChangedAt:
      previousAt === undefined || Number.isNaN(previousAt.getTime()) ? undefined : previousAt,
  };
}

/**
 * Whether an alarm change is the moment its actions run in ALARM: a transition into ALARM whose
 * actions are not suppressed, or the release of actions a composite alarm's suppressor held back
 * (ALARM → ALARM once the wait or extension period ends). A suppressed ALARM is what the operator
 * asked CloudWatch not to act on (a maintenance window): lifeboat does not recover on it either.
 * Returns the outage start for the recovery, or why not.
 */
export function alarmActionsRun(change: AlarmStateChange): { outageStartedAt: Date } | { why: string } {
  if (change.state !== 'ALARM') return { why: 'not into ALARM' };
  if (change.actionsSuppressedBy !== undefined) {
    return { why: `its actions are suppressed (${change.actionsSuppressedBy})` };
  }
  if (change.previousState === 'ALARM' && change.previousActionsSuppressed === true) {
    return { outageStartedAt: change.previousChangedAt ?? change.changedAt };
  }
  if (change.previousState === 'ALARM') return { why: 'already in ALARM' };
  return { outageStartedAt: change.changedAt };
}

/** The incident an alarm transition belongs to: the alarm and the moment it changed state. */
export function alarmIncidentKey(change: AlarmStateChange): string {
  return `cloudwatch-${change.account}-${change.region}-${change.alarmName}-${change.changedAt.toISOString()}`;
}

/**
 * Acts on an alarm state change: only a transition into ALARM starts a recovery of the alarm's
 * site; a return to OK is recorded on the open recovery; anything else is ignored with the reason.
 */
export async function handleAlarmStateChange(
  ports: TriggerPorts,
  clock: Clock,
  request: { config: LifeboatConfig; change: AlarmStateChange },
): Promise<TriggerOutcome> {
  const { change } = request;
  const site = request.config.sites.find((s) => s.triggers.cloudwatchAlarms.includes(change.alarmName));
  if (site === undefined) {
    return {
      outcome: 'ignored',
      reason: 'unknown-alarm',
      why: `no site in the config claims alarm ${change.alarmName}`,
    };
  }
  const acts = alarmActionsRun(change);
  if ('outageStartedAt' in acts) {
    const reason = change.reason === undefined ? '' : `: ${change.reason}`;
    return startRecovery(ports, clock, {
      site,
      trigger: {
        source: 'cloudwatch',
        incidentKey: alarmIncidentKey(change),
        outageStartedAt: acts.outageStartedAt,
        summary: `CloudWatch alarm ${change.alarmName} is ALARM${reason}`.slice(0, 1024),
      },
    });
  }
  if (change.state === 'ALARM' && change.actionsSuppressedBy !== undefined) {
    return {
      outcome: 'ignored',
      reason: 'actions-suppressed',
      why: `alarm ${change.alarmName} is ALARM but ${acts.why}: ${change.actionsSuppressedReason ?? 'no reason given'}`,
      site: site.name,
    };
  }
  if (change.state === 'OK' && change.previousState === 'ALARM') {
    return recordSignal(ports, clock, {
      site: site.name,
      signal: { source: 'cloudwatch', state: 'OK', at: change.changedAt },
    });
  }
  return {
    outcome: 'ignored',
    reason: 'state-not-actionable',
    why: `alarm ${change.alarmName} went ${change.previousState ?? 'unknown'} → ${change.state}, not into ALARM`,
    site: site.name,
  };
}
