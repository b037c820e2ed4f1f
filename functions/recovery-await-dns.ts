import { Route53Adapter } from '../lib/aws/route53';
import { lambda } from '../lib/middleware/lambda';
import { recoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

const context = () => recoveryContext({ dns: (clients) => new Route53Adapter(clients.route53()) });

/** Step Functions task: NotReadyError until the Route 53 change is INSYNC. */
export const handler = lambda(async function recoveryAwaitDns(event: unknown) {
  return recoverySteps.recoveryAwaitDns(context(), event);
});
