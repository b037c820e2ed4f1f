import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsAdapter } from '../../../lib/aws/sqs';
import { AwsCallError, InvalidInputError } from '../../../lib/errors';

const sqsMock = mockClient(SQSClient);
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/lifeboat-dev-retention-runs';

// moto accepts any body; real SQS refuses an empty one and one over 256 KiB.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
describe('SqsAdapter', () => {
  const adapter = new SqsAdapter(new SQSClient({ region: 'us-east-1', maxAttempts: 1 }), QUEUE);

  beforeEach(() => {
    sqsMock.reset();
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  });

  it('sends the body to the queue', async () => {
    expect(await adapter.send('{"sites":["blog"]}')).toBe('m-1');
    expect(sqsMock).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: QUEUE,
      MessageBody: '{"sites":["blog"]}',
    });
  });

  it.each([
    ['empty', ''],
    ['over 256 KiB of UTF-8', 'é'.repeat(131_073)],
  ])('refuses a body SQS would refuse (%s) without sending it, naming the queue', async (_, body) => {
    await expect(adapter.send(body)).rejects.toThrow(InvalidInputError);
    await expect(adapter.send(body)).rejects.toThrow(QUEUE);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it("turns SQS's refusal into an AwsCallError naming the call and the queue", async () => {
    sqsMock.on(SendMessageCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));

    const error = await adapter.send('x').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as Error).message).toContain('SQS SendMessage');
  });
});
