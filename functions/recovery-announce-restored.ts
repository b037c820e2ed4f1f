import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { defaultRecoveryContext, snsNotifier } from '../lib/recovery/wiring';

const context = defaultRecoveryContext({ notifier: snsNotifier });

/** Step Functions task: tell the operator the site is back as soon as DNS is in sync. */
export const handler = lambda(async function recoveryAnnounceRestored(event: unknown) {
  return recoverySteps.recoveryAnnounceRestored(context(), event);
});
