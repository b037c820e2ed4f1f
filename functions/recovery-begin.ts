import { lambda } from '../lib/middleware/lambda';
import { defaultRecoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

/** Step Functions task: create the run's record (create-only) and take the site's lock. */
export const handler = lambda(async function recoveryBegin(event: unknown) {
  return recoverySteps.recoveryBegin(defaultRecoveryContext(), event);
});
