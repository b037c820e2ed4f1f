import { EcsAdapter } from '../lib/aws/ecs';
import { lambda } from '../lib/middleware/lambda';
import { recoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

const context = () =>
  recoveryContext({
    tasks: (clients, region) => new EcsAdapter(clients.ecs(region), clients.ec2(region), region),
  });

/** Step Functions task: NotReadyError until the sandbox task runs with an address. */
export const handler = lambda(async function recoveryAwaitSandbox(event: unknown) {
  return recoverySteps.recoveryAwaitSandbox(context(), event);
});
