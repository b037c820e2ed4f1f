import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { backupService, defaultRecoveryContext } from '../lib/recovery/wiring';

const context = defaultRecoveryContext({ backups: backupService });

/** Step Functions task: snapshot the live volume and database as they are now. */
export const handler = lambda(async function recoveryCaptureBrokenState(event: unknown) {
  return recoverySteps.recoveryCaptureBrokenState(context(), event);
});
