import { EcsAdapter } from '../lib/aws/ecs';
import { lambda } from '../lib/middleware/lambda';
import { recoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

const context = () =>
  recoveryContext({
    tasks: (clients, region) => new EcsAdapter(clients.ecs(region), clients.ec2(region), region),
  });

/** Step Functions task: one round of a task's health gate (RUNNING, then an HTTP probe). */
export const handler = lambda(async function recoveryCheckHealth(event: unknown) {
  return recoverySteps.recoveryCheckHealth(context(), event);
});
