import { lambda } from '../lib/middleware/lambda';
import { defaultRecoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

/** Step Functions task: run an ECS task with its volume created from a backup's snapshot. */
export const handler = lambda(async function recoveryLaunchTask(event: unknown) {
  return recoverySteps.recoveryLaunchTask(defaultRecoveryContext(), event);
});
