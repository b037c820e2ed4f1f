import { SnsAdapter, snsClient } from '../lib/aws/sns';
import { lambda } from '../lib/middleware/lambda';
import { recoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

const context = () =>
  recoveryContext({ notifier: (clients, topicArn) => new SnsAdapter(snsClient(clients), topicArn) });

/** Step Functions task: tell the operator the site is back as soon as DNS is in sync. */
export const handler = lambda(async function recoveryAnnounceRestored(event: unknown) {
  return recoverySteps.recoveryAnnounceRestored(context(), event);
});
