import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { defaultRecoveryContext, ecsTaskPort, rdsRestorePort, route53DnsPort } from '../lib/recovery/wiring';

const context = defaultRecoveryContext({
  tasks: ecsTaskPort,
  databases: rdsRestorePort,
  dns: route53DnsPort,
});

/** Step Functions task: stop tasks a promote or drill is done with (a promote: also the sandbox record and the databases no longer serving). */
export const handler = lambda(async function recoveryRetireTasks(event: unknown) {
  return recoverySteps.recoveryRetireTasks(context(), event);
});
