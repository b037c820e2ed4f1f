import { EcsAdapter } from '../lib/aws/ecs';
import { lambda } from '../lib/middleware/lambda';
import { recoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

const context = () =>
  recoveryContext({
    tasks: (clients, region) => new EcsAdapter(clients.ecs(region), clients.ec2(region), region),
  });

/** Step Functions task: run an ECS task with its volume created from a backup's snapshot. */
export const handler = lambda(async function recoveryLaunchTask(event: unknown) {
  return recoverySteps.recoveryLaunchTask(context(), event);
});
