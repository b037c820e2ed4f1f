import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { defaultRecoveryContext, ecsTaskPort } from '../lib/recovery/wiring';

const context = defaultRecoveryContext({ tasks: ecsTaskPort });

/** Step Functions task: stop tasks a promote or drill is done with. */
export const handler = lambda(async function recoveryRetireTasks(event: unknown) {
  return recoverySteps.recoveryRetireTasks(context(), event);
});
