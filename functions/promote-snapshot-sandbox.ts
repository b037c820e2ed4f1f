import { lambda } from '../lib/middleware/lambda';
import { defaultRecoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

/** Step Functions task: snapshot the sandbox's volume before promoting it. */
export const handler = lambda(async function promoteSnapshotSandbox(event: unknown) {
  return recoverySteps.promoteSnapshotSandbox(defaultRecoveryContext(), event);
});
