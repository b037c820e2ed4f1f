import { lambda } from '../lib/middleware/lambda';
import { defaultRecoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

/** Step Functions task: roll back on failure, record the outcome, notify, release the lock. */
export const handler = lambda(async function recoveryFinish(event: unknown) {
  return recoverySteps.recoveryFinish(defaultRecoveryContext(), event);
});
