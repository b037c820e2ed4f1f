import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { InvalidInputError } from '../errors';
import type { AwsClients } from './clients';
import { translateAwsError } from './errors';

/** The SQSClient for a region, built once per process. */
export function sqsClient(clients: AwsClients, region = clients.settings.defaultRegion): SQSClient {
  return clients.client('sqs', SQSClient, region);
}

/** SQS refuses a message body over 256 KiB. */
const MAX_BODY_BYTES = 262_144;

/** Sends messages to one SQS queue. */
export class SqsAdapter {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /**
   * Sends one message and returns its id. A body over 256 KiB is refused here, naming the queue,
   * rather than cut: a message is work, and half of it is not.
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
   */
  async send(body: string): Promise<string> {
    const bytes = Buffer.byteLength(body, 'utf8');
    if (body === '' || bytes > MAX_BODY_BYTES)
      throw new InvalidInputError(
        `an SQS message must hold 1 to ${MAX_BODY_BYTES} bytes; this one has ${bytes} (${this.queueUrl})`,
        { queueUrl: this.queueUrl },
      );
    try {
      const out = await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }));
      return out.MessageId ?? '';
    } catch (error) {
      throw translateAwsError(error, 'SQS SendMessage', { queueUrl: this.queueUrl });
    }
  }
}
