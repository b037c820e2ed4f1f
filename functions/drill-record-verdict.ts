import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { defaultRecoveryContext } from '../lib/recovery/wiring';

const context = defaultRecoveryContext({});

/** Step Functions task: record a restore drill's verdict on the backup. */
export const handler = lambda(async function drillRecordVerdict(event: unknown) {
  return recoverySteps.drillRecordVerdict(context(), event);
});
