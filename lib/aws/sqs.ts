import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { AwsCallError } from '../errors';
import { translateAwsError } from './errors';

/** SendMessageBatch takes at most 10 entries. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html */
const BATCH = 10;

/** One SQS queue that lifeboat sends JSON work items to. */
export class SqsQueue {
  constructor(
    private readonly sqs: SQSClient,
    readonly queueUrl: string,
  ) {}

  /** Sends every body (as JSON), ten per call; fails if SQS refuses any entry. */
  async sendAll(bodies: readonly unknown[]): Promise<void> {
    for (let start = 0; start < bodies.length; start += BATCH) {
      const chunk = bodies.slice(start, start + BATCH);
      let failed: { Id?: string; Code?: string; Message?: string }[] = [];
      try {
        const out = await this.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: chunk.map((body, i) => ({ Id: String(i), MessageBody: JSON.stringify(body) })),
          }),
        );
        failed = out.Failed ?? [];
      } catch (error) {
        throw translateAwsError(error, 'SQS SendMessageBatch', { queueUrl: this.queueUrl });
      }
      if (failed.length > 0) {
        throw new AwsCallError(
          `SQS refused ${failed.length} of ${chunk.length} messages: ${failed[0]?.Code}`,
          {
            queueUrl: this.queueUrl,
            failed,
          },
        );
      }
    }
  }
}
