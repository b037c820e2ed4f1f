import { Route53Adapter, route53Client } from '../lib/aws/route53';
import { lambda } from '../lib/middleware/lambda';
import { recoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

const context = () => recoveryContext({ dns: (clients) => new Route53Adapter(route53Client(clients)) });

/** Step Functions task: UPSERT the site's (or sandbox's) record to a task that passed the gate. */
export const handler = lambda(async function recoverySwitchDns(event: unknown) {
  return recoverySteps.recoverySwitchDns(context(), event);
});
