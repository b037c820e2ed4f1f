import {
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { EventRuleReader } from '../../../lib/aws/eventbridge';
import { AwsCallError, ThrottledError } from '../../../lib/errors';

const eventsMock = mockClient(EventBridgeClient);
const BUS = 'arn:aws:events:us-east-1:123456789012:event-bus/default';

describe('EventRuleReader', () => {
  const reader = new EventRuleReader(new EventBridgeClient({ region: 'us-west-2' }), 'us-west-2');

  beforeEach(() => {
    eventsMock.reset();
  });

  it('reads every page of rules by prefix and of each rule’s targets (moto answers one page)', async () => {
    eventsMock
      .on(ListRulesCommand, { NamePrefix: 'lifeboat-dev-dr-forward-', NextToken: undefined })
      .resolves({
        Rules: [{ Name: 'lifeboat-dev-dr-forward-ebs-snapshot-events', State: 'ENABLED' }],
        NextToken: 'p2',
      })
      .on(ListRulesCommand, { NamePrefix: 'lifeboat-dev-dr-forward-', NextToken: 'p2' })
      .resolves({ Rules: [{ Name: 'lifeboat-dev-dr-forward-rds-snapshot-events', State: 'DISABLED' }] });
    eventsMock
      .on(ListTargetsByRuleCommand, {
        Rule: 'lifeboat-dev-dr-forward-ebs-snapshot-events',
        NextToken: undefined,
      })
      .resolves({ Targets: [{ Id: 'a', Arn: BUS }], NextToken: 't2' })
      .on(ListTargetsByRuleCommand, { Rule: 'lifeboat-dev-dr-forward-ebs-snapshot-events', NextToken: 't2' })
      .resolves({ Targets: [{ Id: 'b', Arn: 'arn:aws:sqs:us-west-2:123456789012:q' }] })
      .on(ListTargetsByRuleCommand, { Rule: 'lifeboat-dev-dr-forward-rds-snapshot-events' })
      .resolves({ Targets: [] });

    const rules = await reader.rulesNamed('lifeboat-dev-dr-forward-');

    expect(rules).toEqual([
      {
        name: 'lifeboat-dev-dr-forward-ebs-snapshot-events',
        state: 'ENABLED',
        eventPattern: undefined,
        targetArns: [BUS, 'arn:aws:sqs:us-west-2:123456789012:q'],
      },
      {
        name: 'lifeboat-dev-dr-forward-rds-snapshot-events',
        state: 'DISABLED',
        eventPattern: undefined,
        targetArns: [],
      },
    ]);
    expect(eventsMock).toHaveReceivedCommandTimes(ListRulesCommand, 2);
    expect(eventsMock).toHaveReceivedCommandTimes(ListTargetsByRuleCommand, 3);
  });

  it('turns throttling into ThrottledError (the readiness row then warns) and other errors into AwsCallError', async () => {
    eventsMock.on(ListRulesCommand).rejectsOnce({ name: 'ThrottlingException', message: 'Rate exceeded' });
    await expect(reader.rulesNamed('lifeboat-dev-')).rejects.toBeInstanceOf(ThrottledError);

    eventsMock.reset();
    eventsMock
      .on(ListRulesCommand)
      .resolves({ Rules: [{ Name: 'lifeboat-dev-dr-forward-x', State: 'ENABLED' }] });
    eventsMock
      .on(ListTargetsByRuleCommand)
      .rejects(new ResourceNotFoundException({ message: 'Rule does not exist', $metadata: {} }));
    const failure = reader.rulesNamed('lifeboat-dev-');
    await expect(failure).rejects.toBeInstanceOf(AwsCallError);
    await expect(failure).rejects.toThrow(/EventBridge ListTargetsByRule failed: ResourceNotFoundException/);
  });
});
