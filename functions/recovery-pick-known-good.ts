import { lambda } from '../lib/middleware/lambda';
import { recoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

const context = () => recoveryContext({});

/** Step Functions task: pick the backups to restore from, best first (a dry run only plans). */
export const handler = lambda(async function recoveryPickKnownGood(event: unknown) {
  return recoverySteps.recoveryPickKnownGood(context(), event);
});
