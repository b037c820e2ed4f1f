import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { defaultRecoveryContext, route53DnsPort } from '../lib/recovery/wiring';

const context = defaultRecoveryContext({ dns: route53DnsPort });

/** Step Functions task: UPSERT the site's (or sandbox's) record to a task that passed the gate. */
export const handler = lambda(async function recoverySwitchDns(event: unknown) {
  return recoverySteps.recoverySwitchDns(context(), event);
});
