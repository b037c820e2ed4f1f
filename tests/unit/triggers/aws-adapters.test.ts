import 'aws-sdk-client-mock-jest';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { executionArnFor, SfnAdapter } from '../../../lib/aws/sfn';
import { SsmAdapter } from '../../../lib/aws/ssm';
import {
  AwsCallError,
  ConfigError,
  ExecutionAlreadyExistsError,
  InvalidInputError,
} from '../../../lib/errors';
import { STATE_MACHINE_ARN } from './support';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

function awsError(name: string): Error {
  return Object.assign(new Error(`${name} from AWS`), { name, $metadata: { httpStatusCode: 400 } });
}

describe('SfnAdapter', () => {
  const client = new SFNClient({ region: 'us-east-1', credentials });
  const sfn = mockClient(client);
  const adapter = new SfnAdapter(client, STATE_MACHINE_ARN);

  beforeEach(() => sfn.reset());

  it('derives execution ARNs from the state machine ARN', () => {
    expect(executionArnFor(STATE_MACHINE_ARN, 'blog-x')).toBe(
      'arn:aws:states:us-east-1:123456789012:execution:lifeboat-test-recovery:blog-x',
    );
    expect(() => executionArnFor('arn:aws:lambda:us-east-1:1:function:f', 'x')).toThrow(InvalidInputError);
  });

  it('sends the name and JSON input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date(0) });

    await adapter.start('blog-20261122t093900z-1a2b3c4d', { site: 'blog' });

    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'blog-20261122t093900z-1a2b3c4d',
      input: '{"site":"blog"}',
    });
  });

  it('turns ExecutionAlreadyExists into ExecutionAlreadyExistsError with the ARN', async () => {
    sfn.on(StartExecutionCommand).rejects(awsError('ExecutionAlreadyExists'));

    const failure = adapter.start('blog-1', {});

    await expect(failure).rejects.toBeInstanceOf(ExecutionAlreadyExistsError);
    await expect(failure).rejects.toMatchObject({
      context: { executionArn: executionArnFor(STATE_MACHINE_ARN, 'blog-1') },
    });
  });

  it('rejects a name Step Functions would refuse, without calling it', async () => {
    await expect(adapter.start('blog 1', {})).rejects.toBeInstanceOf(InvalidInputError);
    await expect(adapter.start('x'.repeat(81), {})).rejects.toBeInstanceOf(InvalidInputError);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('passes other failures on as AwsCallError', async () => {
    sfn.on(StartExecutionCommand).rejects(awsError('StateMachineDoesNotExist'));

    await expect(adapter.start('blog-1', {})).rejects.toBeInstanceOf(AwsCallError);
  });
});

describe('SsmAdapter', () => {
  const client = new SSMClient({ region: 'us-east-1', credentials });
  const ssm = mockClient(client);
  const adapter = new SsmAdapter(client);

  beforeEach(() => ssm.reset());

  it('reads the decrypted value', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'the-token' } });

    await expect(adapter.getSecret('/lifeboat/test/pingdom-token')).resolves.toBe('the-token');
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, {
      Name: '/lifeboat/test/pingdom-token',
      WithDecryption: true,
    });
  });

  it('reports a missing or empty parameter as a config error naming it', async () => {
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(awsError('ParameterNotFound'))
      .resolves({ Parameter: { Value: '' } });

    const missing = adapter.getSecret('/lifeboat/test/pingdom-token');
    await expect(missing).rejects.toBeInstanceOf(ConfigError);
    await expect(missing).rejects.toThrow('SSM parameter /lifeboat/test/pingdom-token does not exist');
    await expect(adapter.getSecret('/lifeboat/test/pingdom-token')).rejects.toThrow(/is empty/);
  });

  it('reads on every call, leaving the caching to the caller (a rotated token is seen at once)', async () => {
    ssm
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Value: 'old' } })
      .resolves({ Parameter: { Value: 'new' } });

    const first = await adapter.getSecret('/lifeboat/test/pingdom-token');
    const second = await adapter.getSecret('/lifeboat/test/pingdom-token');

    expect([first, second]).toEqual(['old', 'new']);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 2);
  });

  it("passes other failures on as AwsCallError with what AWS said, not Powertools' wrapper", async () => {
    ssm.on(GetParameterCommand).rejects(awsError('AccessDeniedException'));

    const failure = adapter.getSecret('/lifeboat/test/pingdom-token');

    await expect(failure).rejects.toBeInstanceOf(AwsCallError);
    await expect(failure).rejects.toMatchObject({ cause: { name: 'AccessDeniedException' } });
  });
});
