import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { backupService, defaultRecoveryContext } from '../lib/recovery/wiring';

const context = defaultRecoveryContext({ backups: backupService });

/** Step Functions task: snapshot the sandbox's volume before promoting it. */
export const handler = lambda(async function promoteSnapshotSandbox(event: unknown) {
  return recoverySteps.promoteSnapshotSandbox(context(), event);
});
