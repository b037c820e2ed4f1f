import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { SfnAdapter } from '../../../lib/aws/sfn';
import { InvalidInputError } from '../../../lib/errors';

const sfnMock = mockClient(SFNClient);
const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:lifeboat-dev-recovery';

// https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
describe('SfnAdapter: what StartExecution refuses and moto accepts', () => {
  const adapter = new SfnAdapter(new SFNClient({ region: 'us-east-1' }), STATE_MACHINE);

  beforeEach(() => {
    sfnMock.reset();
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date(0) });
  });

  it('refuses execution input over 256 KiB of UTF-8 without calling Step Functions', async () => {
    await expect(adapter.start('blog-1', { note: 'é'.repeat(140_000) })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('sends input up to the limit as it is', async () => {
    await adapter.start('blog-1', { note: 'x'.repeat(200_000) });

    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, {
      input: JSON.stringify({ note: 'x'.repeat(200_000) }),
    });
  });

  it.each(['blog:1', 'blog/1', 'blog#1', 'blog{1}', 'blog\u00071'])(
    'refuses the execution name %j, which Step Functions calls InvalidName',
    async (name) => {
      await expect(adapter.start(name, {})).rejects.toBeInstanceOf(InvalidInputError);
      expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
    },
  );
});
