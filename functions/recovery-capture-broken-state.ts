import { lambda } from '../lib/middleware/lambda';
import { backupService } from '../lib/recovery/backup-service';
import { recoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

const context = () => recoveryContext({ backups: backupService });

/** Step Functions task: snapshot the live volume and database as they are now. */
export const handler = lambda(async function recoveryCaptureBrokenState(event: unknown) {
  return recoverySteps.recoveryCaptureBrokenState(context(), event);
});
