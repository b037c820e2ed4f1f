import {
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationAdapter } from '../../../lib/aws/cloudformation';
import { AwsCallError } from '../../../lib/errors';

const cfnMock = mockClient(CloudFormationClient);

function validationError(message: string) {
  return new CloudFormationServiceException({
    name: 'ValidationError',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message,
  });
}

describe('CloudFormationAdapter', () => {
  const adapter = new CloudFormationAdapter(new CloudFormationClient({ region: 'us-east-1' }));

  beforeEach(() => cfnMock.reset());

  it('reads the outputs and every page of the resources by logical id', async () => {
    cfnMock.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'lifeboat-prod',
          StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/lifeboat-prod/1',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date('2026-11-01T00:00:00Z'),
          LastUpdatedTime: new Date('2026-11-20T10:00:00Z'),
          Outputs: [{ OutputKey: 'CatalogBucketName', OutputValue: 'lifeboat-prod-catalogbucket-1a2b' }],
        },
      ],
    });
    cfnMock
      .on(ListStackResourcesCommand, { StackName: 'lifeboat-prod', NextToken: undefined })
      .resolves({
        StackResourceSummaries: [
          {
            LogicalResourceId: 'RecoveryTopic',
            PhysicalResourceId: 'arn:aws:sns:us-east-1:123456789012:lifeboat-prod-RecoveryTopic-X',
            ResourceType: 'AWS::SNS::Topic',
            ResourceStatus: 'CREATE_COMPLETE',
            LastUpdatedTimestamp: new Date(),
          },
        ],
        NextToken: 'page-2',
      })
      .on(ListStackResourcesCommand, { StackName: 'lifeboat-prod', NextToken: 'page-2' })
      .resolves({
        StackResourceSummaries: [
          {
            LogicalResourceId: 'CatalogBucket',
            PhysicalResourceId: 'lifeboat-prod-catalogbucket-1a2b',
            ResourceType: 'AWS::S3::Bucket',
            ResourceStatus: 'CREATE_COMPLETE',
            LastUpdatedTimestamp: new Date(),
          },
        ],
      });

    const stack = await adapter.describeStack('lifeboat-prod');

    expect(stack).toEqual({
      name: 'lifeboat-prod',
      id: 'arn:aws:cloudformation:us-east-1:123456789012:stack/lifeboat-prod/1',
      status: 'UPDATE_COMPLETE',
      updatedAt: '2026-11-20T10:00:00.000Z',
      outputs: { CatalogBucketName: 'lifeboat-prod-catalogbucket-1a2b' },
      resources: {
        RecoveryTopic: 'arn:aws:sns:us-east-1:123456789012:lifeboat-prod-RecoveryTopic-X',
        CatalogBucket: 'lifeboat-prod-catalogbucket-1a2b',
      },
    });
    expect(cfnMock).toHaveReceivedCommandTimes(ListStackResourcesCommand, 2);
  });

  it('answers undefined for a stack that does not exist', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(validationError('Stack with id lifeboat-dev does not exist'));

    expect(await adapter.describeStack('lifeboat-dev')).toBeUndefined();
    expect(cfnMock).not.toHaveReceivedCommand(ListStackResourcesCommand);
  });

  it('turns any other error into AwsCallError naming the call', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(validationError('1 validation error detected'));

    const failure = adapter.describeStack('lifeboat-dev');

    await expect(failure).rejects.toBeInstanceOf(AwsCallError);
    await expect(failure).rejects.toThrow(
      'CloudFormation DescribeStacks failed: ValidationError: 1 validation error detected',
    );
  });
});
