import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { defaultRecoveryContext, rdsRestorePort } from '../lib/recovery/wiring';

const context = defaultRecoveryContext({ databases: rdsRestorePort });

/** Step Functions task: delete the database a restore drill restored (tag-checked, no final snapshot). */
export const handler = lambda(async function drillDiscardDatabase(event: unknown) {
  return recoverySteps.drillDiscardDatabase(context(), event);
});
