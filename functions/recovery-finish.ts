import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { defaultRecoveryContext, ecsTaskPort, snsNotifier } from '../lib/recovery/wiring';

const context = defaultRecoveryContext({ notifier: snsNotifier, tasks: ecsTaskPort });

/** Step Functions task: roll back on failure, record the outcome, notify, release the lock. */
export const handler = lambda(async function recoveryFinish(event: unknown) {
  return recoverySteps.recoveryFinish(context(), event);
});
