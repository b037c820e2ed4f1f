import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { defaultRecoveryContext, route53DnsPort } from '../lib/recovery/wiring';

const context = defaultRecoveryContext({ dns: route53DnsPort });

/** Step Functions task: NotReadyError until the Route 53 change is INSYNC. */
export const handler = lambda(async function recoveryAwaitDns(event: unknown) {
  return recoverySteps.recoveryAwaitDns(context(), event);
});
