import { defaultClients } from '../lib/aws/clients';
import { defaultCatalog } from '../lib/catalog/default';
import { type Clock, systemClock } from '../lib/clock';
import { defaultConfig } from '../lib/config/load';
import type { LifeboatConfig } from '../lib/config/schema';
import { getStringFromEnv } from '../lib/env';
import { lambda, logger } from '../lib/middleware/lambda';
import { handleAlarmStateChange, parseAlarmStateChange } from '../lib/triggers/cloudwatch';
import { triggerPorts } from '../lib/triggers/default-ports';
import type { TriggerOutcome, TriggerPorts } from '../lib/triggers/outcome';

/** What the alarm handler runs with; built once per container, replaced in tests. */
export interface OnAlarmDeps {
  ports: TriggerPorts;
  clock: Clock;
  config: LifeboatConfig;
}

let processDeps: OnAlarmDeps | undefined;

function defaultDeps(): OnAlarmDeps {
  processDeps ??= {
    ports: triggerPorts(defaultClients(), defaultCatalog(), getStringFromEnv('RECOVERY_STATE_MACHINE_ARN')),
    clock: systemClock,
    config: defaultConfig(),
  };
  return processDeps;
}

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

export const handler = createOnAlarmHandler(defaultDeps);
