import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { defaultRecoveryContext } from '../lib/recovery/wiring';

const context = defaultRecoveryContext({});

/** Step Functions task: create the run's record (create-only) and take the site's lock. */
export const handler = lambda(async function recoveryBegin(event: unknown) {
  return recoverySteps.recoveryBegin(context(), event);
});
