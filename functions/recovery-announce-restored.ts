import { lambda } from '../lib/middleware/lambda';
import { defaultRecoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

/** Step Functions task: tell the operator the site is back as soon as DNS is in sync. */
export const handler = lambda(async function recoveryAnnounceRestored(event: unknown) {
  return recoverySteps.recoveryAnnounceRestored(defaultRecoveryContext(), event);
});
