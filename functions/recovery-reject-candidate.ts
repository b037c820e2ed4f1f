import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { defaultRecoveryContext, ecsTaskPort, rdsRestorePort } from '../lib/recovery/wiring';

const context = defaultRecoveryContext({ tasks: ecsTaskPort, databases: rdsRestorePort });

/** Step Functions task: stop an unhealthy candidate's task and walk back to the next backup. */
export const handler = lambda(async function recoveryRejectCandidate(event: unknown) {
  return recoverySteps.recoveryRejectCandidate(context(), event);
});
