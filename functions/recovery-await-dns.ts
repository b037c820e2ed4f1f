import { Route53Adapter, route53Client } from '../lib/aws/route53';
import { lambda } from '../lib/middleware/lambda';
import { recoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

const context = () => recoveryContext({ dns: (clients) => new Route53Adapter(route53Client(clients)) });

/** Step Functions task: NotReadyError until the Route 53 change is INSYNC. */
export const handler = lambda(async function recoveryAwaitDns(event: unknown) {
  return recoverySteps.recoveryAwaitDns(context(), event);
});
