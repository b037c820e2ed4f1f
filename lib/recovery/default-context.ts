import { defaultClients } from '../aws/clients';
import { defaultCatalog } from '../catalog/default';
import { systemClock } from '../clock';
import { defaultConfig } from '../config/load';
import { getStringFromEnv } from '../env';
import { recoveryPorts } from './default-ports';
import type { RecoveryContext } from './steps';

let processContext: RecoveryContext | undefined;

/** The process-wide context of the recovery steps: config, catalog, AWS clients and
 * (for the finish step) the SNS topic in RECOVERY_TOPIC_ARN. */
export function defaultRecoveryContext(): RecoveryContext {
  if (processContext === undefined) {
    const catalog = defaultCatalog();
    processContext = {
      config: defaultConfig(),
      clock: systemClock,
      ports: recoveryPorts(defaultClients(), catalog, systemClock, {
        topicArn: () => getStringFromEnv('RECOVERY_TOPIC_ARN'),
      }),
    };
  }
  return processContext;
}
