import { lambda } from '../lib/middleware/lambda';
import { recoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

const context = () => recoveryContext({});

/** Step Functions task: record a restore drill's verdict on the backup. */
export const handler = lambda(async function drillRecordVerdict(event: unknown) {
  return recoverySteps.drillRecordVerdict(context(), event);
});
