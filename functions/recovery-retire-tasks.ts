import { EcsAdapter } from '../lib/aws/ecs';
import { lambda } from '../lib/middleware/lambda';
import { recoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

const context = () =>
  recoveryContext({
    tasks: (clients, region) => new EcsAdapter(clients.ecs(region), clients.ec2(region), region),
  });

/** Step Functions task: stop tasks a promote or drill is done with. */
export const handler = lambda(async function recoveryRetireTasks(event: unknown) {
  return recoverySteps.recoveryRetireTasks(context(), event);
});
