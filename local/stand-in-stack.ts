// Emulator fixture: a CloudFormation stack in moto that stands in for the deployed one, so the CLI
// finds its stack on the emulator as it does in AWS. It calls the SDK directly, like the other fixtures.
import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import type { AllAwsClients } from '../lib/aws/all-clients';
import { cloudFormationClient } from '../lib/aws/cloudformation';
import { stackNameOf } from '../lib/cli/deployment';
import { deployDrForwarder } from './dr-forwarder';

/** What the stand-in stack outputs, under the names serverless.yml gives them. */
export interface StandInOutputs {
  catalogBucket: string;
  stateMachines: { recovery: string; promote: string; drill: string };
  recoveryTopicArn: string;
  backupWorkTopicArn?: string;
  backupAlarmTopicArn?: string;
  pingdomWebhookUrl?: string;
}

/**
 * Creates the stack `lifeboat-<stage>` in the emulator with the deployed stack's outputs pointing
 * at resources that already exist there (its one resource is a placeholder: a stack needs one).
 * Given a DR region, it also deploys the DR-region event forwarder there, as the README says to.
 */
export async function createStandInStack(
  clients: AllAwsClients,
  region: string,
  stage: string,
  outputs: StandInOutputs,
  options: { drRegion?: string } = {},
): Promise<string> {
  const values: Record<string, string | undefined> = {
    CatalogBucketName: outputs.catalogBucket,
    RecoveryStateMachineArn: outputs.stateMachines.recovery,
    PromoteStateMachineArn: outputs.stateMachines.promote,
    DrillStateMachineArn: outputs.stateMachines.drill,
    RecoveryTopicArn: outputs.recoveryTopicArn,
    BackupWorkTopicArn: outputs.backupWorkTopicArn,
    BackupAlarmTopicArn: outputs.backupAlarmTopicArn,
    PingdomWebhookUrl: outputs.pingdomWebhookUrl,
  };
  const template = {
    Description: `lifeboat ${stage} - stand-in for the deployed stack, on the emulator`,
    Resources: { Placeholder: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
    Outputs: Object.fromEntries(
      Object.entries(values)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => [key, { Value: value }]),
    ),
  };
  const name = stackNameOf(stage);
  await cloudFormationClient(clients, region).send(
    new CreateStackCommand({ StackName: name, TemplateBody: JSON.stringify(template) }),
  );
  if (options.drRegion !== undefined && options.drRegion !== region) {
    await deployDrForwarder(clients, { stage, drRegion: options.drRegion, primaryRegion: region });
  }
  return name;
}
