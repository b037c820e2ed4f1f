import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { backupService, defaultRecoveryContext } from '../lib/recovery/wiring';

const context = defaultRecoveryContext({ backups: backupService });

/** Step Functions task: advance a backup; NotReadyError until its volume snapshot is usable. */
export const handler = lambda(async function recoveryAwaitBackup(event: unknown) {
  return recoverySteps.recoveryAwaitBackup(context(), event);
});
