import { lambda } from '../lib/middleware/lambda';
import { backupService } from '../lib/recovery/backup-service';
import { recoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

const context = () => recoveryContext({ backups: backupService });

/** Step Functions task: snapshot the sandbox's volume before promoting it. */
export const handler = lambda(async function promoteSnapshotSandbox(event: unknown) {
  return recoverySteps.promoteSnapshotSandbox(context(), event);
});
