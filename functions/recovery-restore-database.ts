import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import { defaultRecoveryContext, ecsTaskPort, rdsRestorePort } from '../lib/recovery/wiring';

// ECS's port for the security groups of the sandbox's database (EC2 DescribeSecurityGroups).
const context = defaultRecoveryContext({ databases: rdsRestorePort, tasks: ecsTaskPort });

/** Step Functions task: start restoring the database a task of the recovery runs against. */
export const handler = lambda(async function recoveryRestoreDatabase(event: unknown) {
  return recoverySteps.recoveryRestoreDatabase(context(), event);
});
