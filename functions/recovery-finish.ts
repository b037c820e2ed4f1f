import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { defaultRecoveryContext, ecsTaskPort, rdsRestorePort, snsNotifier } from '../lib/recovery/wiring';

const context = defaultRecoveryContext({
  notifier: snsNotifier,
  tasks: ecsTaskPort,
  databases: rdsRestorePort,
});

/** Step Functions task: roll back on failure, record the outcome, notify, release the lock. */
export const handler = lambda(async function recoveryFinish(event: unknown) {
  return recoverySteps.recoveryFinish(context(), event);
});
