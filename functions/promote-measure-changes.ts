import { lambda } from '../lib/middleware/lambda';
import { recoverySteps } from '../lib/recovery/steps';
import {
  defaultRecoveryContext,
  ebsChangesPort,
  ec2SnapshotPort,
  rdsMetricsWrites,
} from '../lib/recovery/wiring';

const context = defaultRecoveryContext({
  snapshots: ec2SnapshotPort,
  blockChanges: ebsChangesPort,
  databaseWrites: rdsMetricsWrites,
});

/** Step Functions task: measure what promoting would discard (the replacement) or keep (the fix). */
export const handler = lambda(async function promoteMeasureChanges(event: unknown) {
  return recoverySteps.promoteMeasureChanges(context(), event);
});
