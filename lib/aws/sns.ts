import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AwsClients } from './clients';
import { translateAwsError } from './errors';

/** The SNSClient for a region, built once per process. */
export function snsClient(clients: AwsClients, region = clients.settings.defaultRegion): SNSClient {
  return clients.client('sns', SNSClient, region);
}

/** Publishes operator notifications to one SNS topic. */
export class SnsAdapter {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  /** Publishes one message; email subscribers see `subject` (SNS allows at most 100 characters). */
  async publish(subject: string, message: string): Promise<string> {
    try {
      const out = await this.sns.send(
        new PublishCommand({ TopicArn: this.topicArn, Subject: subject.slice(0, 100), Message: message }),
      );
      return out.MessageId ?? '';
    } catch (error) {
      throw translateAwsError(error, 'SNS Publish', { topicArn: this.topicArn });
    }
  }
}
