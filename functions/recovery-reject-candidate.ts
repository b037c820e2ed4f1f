import { lambda } from '../lib/middleware/lambda';
import { defaultRecoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

/** Step Functions task: stop an unhealthy candidate's task and walk back to the next backup. */
export const handler = lambda(async function recoveryRejectCandidate(event: unknown) {
  return recoverySteps.recoveryRejectCandidate(defaultRecoveryContext(), event);
});
