// Emulator fixture: deploys config/dr-region-forwarder.yml, the very template the operator deploys,
// into the DR region of the emulator (moto creates its rules and role through CloudFormation).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { AwsClients } from '../lib/aws/clients';
import { cloudFormationClient } from '../lib/aws/cloudformation';
import { awsErrorCode } from '../lib/aws/errors';
import { drForwarderStackName } from '../lib/readiness/dr-events';

/** The forwarder template, as the README's deploy command reads it. */
export const DR_FORWARDER_TEMPLATE = join(__dirname, '..', 'config', 'dr-region-forwarder.yml');

/** Where and for which stage the forwarder is deployed. */
export interface DrForwarderTarget {
  stage: string;
  drRegion: string;
  primaryRegion: string;
}

/**
 * Creates the stack lifeboat-<stage>-dr-forwarder in `drRegion` from the template, unless it is
 * there already (several sites share a DR region); returns the stack name.
 */
export async function deployDrForwarder(clients: AwsClients, target: DrForwarderTarget): Promise<string> {
  const name = drForwarderStackName(target.stage);
  const cloudformation = cloudFormationClient(clients, target.drRegion);
  try {
    const out = await cloudformation.send(new DescribeStacksCommand({ StackName: name }));
    if ((out.Stacks ?? []).some((s) => s.StackStatus !== 'DELETE_COMPLETE')) return name;
  } catch (error) {
    if (awsErrorCode(error) !== 'ValidationError') throw error;
  }
  await cloudformation.send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: readFileSync(DR_FORWARDER_TEMPLATE, 'utf8'),
      Parameters: [
        { ParameterKey: 'Stage', ParameterValue: target.stage },
        { ParameterKey: 'PrimaryRegion', ParameterValue: target.primaryRegion },
      ],
      Capabilities: ['CAPABILITY_IAM'],
    }),
  );
  return name;
}
