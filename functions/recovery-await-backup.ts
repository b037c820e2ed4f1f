import { lambda } from '../lib/middleware/lambda';
import { backupService } from '../lib/recovery/backup-service';
import { recoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

const context = () => recoveryContext({ backups: backupService });

/** Step Functions task: advance a backup; NotReadyError until its volume snapshot is usable. */
export const handler = lambda(async function recoveryAwaitBackup(event: unknown) {
  return recoverySteps.recoveryAwaitBackup(context(), event);
});
