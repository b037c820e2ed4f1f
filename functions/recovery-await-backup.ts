import { lambda } from '../lib/middleware/lambda';
import { defaultRecoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

/** Step Functions task: advance a backup; NotReadyError until its volume snapshot is usable. */
export const handler = lambda(async function recoveryAwaitBackup(event: unknown) {
  return recoverySteps.recoveryAwaitBackup(defaultRecoveryContext(), event);
});
