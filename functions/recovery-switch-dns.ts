import { lambda } from '../lib/middleware/lambda';
import { defaultRecoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

/** Step Functions task: UPSERT the site's (or sandbox's) record to a task that passed the gate. */
export const handler = lambda(async function recoverySwitchDns(event: unknown) {
  return recoverySteps.recoverySwitchDns(defaultRecoveryContext(), event);
});
