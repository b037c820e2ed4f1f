import { lambda, logger } from '../lib/middleware/lambda';
import { handleAlarmStateChange, parseAlarmStateChange } from '../lib/triggers/cloudwatch';
import type { TriggerOutcome } from '../lib/triggers/outcome';
import { defaultAlarmContext, type TriggerContext } from '../lib/triggers/wiring';

/** What the alarm handler runs with; built once per container, replaced in tests. */
export type OnAlarmDeps = TriggerContext;

/** Builds the handler of "CloudWatch Alarm State Change" events: a transition into ALARM starts a recovery. */
export function createOnAlarmHandler(deps: () => OnAlarmDeps) {
  return lambda(async function onAlarm(event: unknown): Promise<TriggerOutcome> {
    const change = parseAlarmStateChange(event);
    const { ports, clock, config } = deps();
    const outcome = await handleAlarmStateChange(ports, clock, { config, change });
    logger.info(`alarm ${change.alarmName} ${change.state}: ${outcome.outcome}`, { outcome });
    return outcome;
  });
}

export const handler = createOnAlarmHandler(defaultAlarmContext());
