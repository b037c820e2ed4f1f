import {
  CloudFormationClient,
  DescribeStacksCommand,
  paginateListStackResources,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import type { AwsClients } from './clients';
import { awsErrorCode, translateAwsError } from './errors';

/** The CloudFormationClient for a region, built once per process. */
export function cloudFormationClient(
  clients: AwsClients,
  region = clients.settings.defaultRegion,
): CloudFormationClient {
  return clients.client('cloudformation', CloudFormationClient, region);
}

/** A deployed stack as the CLI reads it: its state, its outputs and its resources by logical id. */
export interface StackDescription {
  name: string;
  id: string;
  status: string;
  /** When it was last updated (or created, if never updated). */
  updatedAt?: string;
  /** OutputKey → OutputValue. */
  outputs: Record<string, string>;
  /** LogicalResourceId → PhysicalResourceId (bucket name, topic ARN, state machine ARN, ...). */
  resources: Record<string, string>;
}

/** Reads deployed stacks (DescribeStacks, ListStackResources); never changes one. */
export class CloudFormationAdapter {
  constructor(private readonly cfn: CloudFormationClient) {}

  /** The stack named `name` with its outputs and resources, or undefined if the region has none. */
  async describeStack(name: string): Promise<StackDescription | undefined> {
    let stack: Stack | undefined;
    try {
      const out = await this.cfn.send(new DescribeStacksCommand({ StackName: name }));
      stack = out.Stacks?.[0];
    } catch (error) {
      // A missing stack is a ValidationError, not a NotFound code:
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html
      if (awsErrorCode(error) === 'ValidationError' && /does not exist/.test(String(error))) return undefined;
      throw translateAwsError(error, 'CloudFormation DescribeStacks', { stack: name });
    }
    if (stack === undefined) return undefined;
    const outputs: Record<string, string> = {};
    for (const output of stack.Outputs ?? []) {
      if (output.OutputKey !== undefined && output.OutputValue !== undefined)
        outputs[output.OutputKey] = output.OutputValue;
    }
    return {
      name: stack.StackName ?? name,
      id: stack.StackId ?? name,
      status: stack.StackStatus ?? 'UNKNOWN',
      updatedAt: (stack.LastUpdatedTime ?? stack.CreationTime)?.toISOString(),
      outputs,
      resources: await this.resources(name),
    };
  }

  private async resources(name: string): Promise<Record<string, string>> {
    const resources: Record<string, string> = {};
    try {
      for await (const page of paginateListStackResources({ client: this.cfn }, { StackName: name }))
        for (const r of page.StackResourceSummaries ?? [])
          if (r.LogicalResourceId && r.PhysicalResourceId)
            resources[r.LogicalResourceId] = r.PhysicalResourceId;
    } catch (error) {
      throw translateAwsError(error, 'CloudFormation ListStackResources', { stack: name });
    }
    return resources;
  }
}
