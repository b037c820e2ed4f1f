import { lambda } from '../lib/middleware/lambda';
import { defaultRecoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

/** Step Functions task: stop tasks a promote or drill is done with. */
export const handler = lambda(async function recoveryRetireTasks(event: unknown) {
  return recoverySteps.recoveryRetireTasks(defaultRecoveryContext(), event);
});
