import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { defaultRecoveryContext, ecsTaskPort } from '../lib/recovery/wiring';

const context = defaultRecoveryContext({ tasks: ecsTaskPort });

/** Step Functions task: run an ECS task with its volume created from a backup's snapshot. */
export const handler = lambda(async function recoveryLaunchTask(event: unknown) {
  return recoverySteps.recoveryLaunchTask(context(), event);
});
