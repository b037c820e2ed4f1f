import { lambda } from '../lib/middleware/lambda';
import { defaultRecoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

/** Step Functions task: NotReadyError until the sandbox task runs with an address. */
export const handler = lambda(async function recoveryAwaitSandbox(event: unknown) {
  return recoverySteps.recoveryAwaitSandbox(defaultRecoveryContext(), event);
});
