import { ec2Client } from '../lib/aws/ec2';
import { EcsAdapter, ecsClient } from '../lib/aws/ecs';
import { lambda } from '../lib/middleware/lambda';
import { recoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

const context = () =>
  recoveryContext({
    tasks: (clients, region) =>
      new EcsAdapter(ecsClient(clients, region), ec2Client(clients, region), region),
  });

/** Step Functions task: one round of a task's health gate (RUNNING, then an HTTP probe). */
export const handler = lambda(async function recoveryCheckHealth(event: unknown) {
  return recoverySteps.recoveryCheckHealth(context(), event);
});
