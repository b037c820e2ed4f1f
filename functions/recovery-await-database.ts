import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { defaultRecoveryContext, rdsRestorePort } from '../lib/recovery/wiring';

const context = defaultRecoveryContext({ databases: rdsRestorePort });

/** Step Functions task: wait until a restored database is available and record its address. */
export const handler = lambda(async function recoveryAwaitDatabase(event: unknown) {
  return recoverySteps.recoveryAwaitDatabase(context(), event);
});
