import { lambda } from '../lib/middleware/lambda';
import { defaultRecoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

/** Step Functions task: NotReadyError until the Route 53 change is INSYNC. */
export const handler = lambda(async function recoveryAwaitDns(event: unknown) {
  return recoverySteps.recoveryAwaitDns(defaultRecoveryContext(), event);
});
