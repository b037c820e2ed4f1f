import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { defaultRecoveryContext, ecsTaskPort } from '../lib/recovery/wiring';

const context = defaultRecoveryContext({ tasks: ecsTaskPort });

/** Step Functions task: NotReadyError until the sandbox task runs with an address. */
export const handler = lambda(async function recoveryAwaitSandbox(event: unknown) {
  return recoverySteps.recoveryAwaitSandbox(context(), event);
});
