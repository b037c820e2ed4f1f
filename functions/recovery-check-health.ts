import { lambda } from '../lib/middleware/lambda';
import { defaultRecoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

/** Step Functions task: one round of a task's health gate (RUNNING, then an HTTP probe). */
export const handler = lambda(async function recoveryCheckHealth(event: unknown) {
  return recoverySteps.recoveryCheckHealth(defaultRecoveryContext(), event);
});
