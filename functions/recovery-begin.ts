import { lambda } from '../lib/middleware/lambda';
import { recoveryContext } from '../lib/recovery/default-context';
import { recoverySteps } from '../lib/recovery/steps';

const context = () => recoveryContext({});

/** Step Functions task: create the run's record (create-only) and take the site's lock. */
export const handler = lambda(async function recoveryBegin(event: unknown) {
  return recoverySteps.recoveryBegin(context(), event);
});
