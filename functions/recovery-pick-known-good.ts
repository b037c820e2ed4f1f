import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { defaultRecoveryContext } from '../lib/recovery/wiring';

const context = defaultRecoveryContext({});

/** Step Functions task: pick the backups to restore from, best first (a dry run only plans). */
export const handler = lambda(async function recoveryPickKnownGood(event: unknown) {
  return recoverySteps.recoveryPickKnownGood(context(), event);
});
