import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { defaultRecoveryContext, ecsTaskPort } from '../lib/recovery/wiring';

const context = defaultRecoveryContext({ tasks: ecsTaskPort });

/** Step Functions task: one round of a task's health gate (RUNNING, then an HTTP probe). */
export const handler = lambda(async function recoveryCheckHealth(event: unknown) {
  return recoverySteps.recoveryCheckHealth(context(), event);
});
