import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { SnsAdapter } from '../../../lib/aws/sns';
import { AwsCallError } from '../../../lib/errors';

const snsMock = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:lifeboat-dev-recovery';

// moto accepts any Subject and Message; real SNS refuses these.
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
describe('SnsAdapter', () => {
  const adapter = new SnsAdapter(new SNSClient({ region: 'us-east-1' }), TOPIC);

  beforeEach(() => {
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('publishes the subject and message to the topic', async () => {
    const id = await adapter.publish('lifeboat: blog recovered', 'DNS switched at 09:41');

    expect(id).toBe('m-1');
    expect(snsMock).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: 'lifeboat: blog recovered',
      Message: 'DNS switched at 09:41',
    });
  });

  it('sends a subject of fewer than 100 characters, cut on a character and not inside an emoji', async () => {
    await adapter.publish(`${'a'.repeat(98)}🛟🛟`, 'body');

    const subject = snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Subject ?? '';
    expect(Array.from(subject)).toHaveLength(99);
    expect(subject.endsWith('🛟')).toBe(true);
  });

  it('sends a subject without line breaks or control characters', async () => {
    await adapter.publish('lifeboat: blog\nrecovery failed\t(step\u0007 3)', 'body');

    expect(snsMock).toHaveReceivedCommandWith(PublishCommand, {
      Subject: 'lifeboat: blog recovery failed (step  3)',
    });
  });

  it('leaves out a subject that would be empty (SNS refuses an empty one)', async () => {
    await adapter.publish(' \n ', 'body');

    expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toBeUndefined();
  });

  it('never sends an empty message', async () => {
    await adapter.publish('subject', '');

    expect(snsMock).toHaveReceivedCommandWith(PublishCommand, { Message: '(no details)' });
  });

  it('cuts a message to the 256 KB of UTF-8 SNS accepts, counting bytes not characters', async () => {
    await adapter.publish('subject', 'é'.repeat(200_000));

    const message = snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
    expect(Buffer.byteLength(message, 'utf8')).toBeLessThanOrEqual(262_144);
    expect(message.endsWith('\n[truncated]')).toBe(true);
  });

  it('turns an SNS error into AwsCallError naming the topic', async () => {
    snsMock.on(PublishCommand).rejects(Object.assign(new Error('no topic'), { name: 'NotFound' }));

    await expect(adapter.publish('s', 'm')).rejects.toMatchObject({
      name: AwsCallError.name,
      context: expect.objectContaining({ topicArn: TOPIC }),
    });
  });
});
