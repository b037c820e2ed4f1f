import { ec2Client } from '../lib/aws/ec2';
import { EcsAdapter, ecsClient } from '../lib/aws/ecs';
import { SnsAdapter, snsClient } from '../lib/aws/sns';
import { lambda } from '../lib/middleware/lambda';
import { recoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

const context = () =>
  recoveryContext({
    notifier: (clients, topicArn) => new SnsAdapter(snsClient(clients), topicArn),
    tasks: (clients, region) =>
      new EcsAdapter(ecsClient(clients, region), ec2Client(clients, region), region),
  });

/** Step Functions task: roll back on failure, record the outcome, notify, release the lock. */
export const handler = lambda(async function recoveryFinish(event: unknown) {
  return recoverySteps.recoveryFinish(context(), event);
});
