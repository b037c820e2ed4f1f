import { lambda } from '../lib/middleware/lambda';
import { defaultRecoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

/** Step Functions task: record a restore drill's verdict on the backup. */
export const handler = lambda(async function drillRecordVerdict(event: unknown) {
  return recoverySteps.drillRecordVerdict(defaultRecoveryContext(), event);
});
