import { lambda } from '../lib/middleware/lambda';
import { defaultRecoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

/** Step Functions task: snapshot the live volume and database as they are now. */
export const handler = lambda(async function recoveryCaptureBrokenState(event: unknown) {
  return recoverySteps.recoveryCaptureBrokenState(defaultRecoveryContext(), event);
});
