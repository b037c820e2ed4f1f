import { EcsAdapter } from '../lib/aws/ecs';
import { SnsAdapter } from '../lib/aws/sns';
import { lambda } from '../lib/middleware/lambda';
import { recoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

const context = () =>
  recoveryContext({
    notifier: (clients, topicArn) => new SnsAdapter(clients.sns(), topicArn),
    tasks: (clients, region) => new EcsAdapter(clients.ecs(region), clients.ec2(region), region),
  });

/** Step Functions task: roll back on failure, record the outcome, notify, release the lock. */
export const handler = lambda(async function recoveryFinish(event: unknown) {
  return recoverySteps.recoveryFinish(context(), event);
});
