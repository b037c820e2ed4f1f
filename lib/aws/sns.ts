import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AwsClients } from './clients';
import { translateAwsError } from './errors';

/** The SNSClient for a region, built once per process. */
export function snsClient(clients: AwsClients, region = clients.settings.defaultRegion): SNSClient {
  return clients.client('sns', SNSClient, region);
}

/** SNS refuses a message over 256 KB of UTF-8 (bytes, not characters). */
const MAX_MESSAGE_BYTES = 262_144;
/** A subject must be "less than 100 characters long". */
const MAX_SUBJECT_CHARS = 99;
const TRUNCATED = '\n[truncated]';

/**
 * A subject SNS accepts: no line breaks or control characters, fewer than 100 characters (code
 * points, so an emoji is never cut in half); undefined when nothing is left, since an empty
 * Subject is refused too.
 * https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
function snsSubject(subject: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const clean = subject.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  const cut = Array.from(clean).slice(0, MAX_SUBJECT_CHARS).join('').trim();
  return cut === '' ? undefined : cut;
}

/** A message SNS accepts: not empty, at most 256 KB of UTF-8, cut on a character boundary. */
function snsMessage(message: string): string {
  if (message === '') return '(no details)';
  if (Buffer.byteLength(message, 'utf8') <= MAX_MESSAGE_BYTES) return message;
  const room = MAX_MESSAGE_BYTES - Buffer.byteLength(TRUNCATED, 'utf8');
  let bytes = 0;
  let out = '';
  for (const ch of message) {
    bytes += Buffer.byteLength(ch, 'utf8');
    if (bytes > room) break;
    out += ch;
  }
  return out + TRUNCATED;
}

/** Publishes operator notifications to one SNS topic. */
export class SnsAdapter {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  /** Publishes one message; email subscribers see `subject`. moto checks neither limit. */
  async publish(subject: string, message: string): Promise<string> {
    try {
      const out = await this.sns.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: snsSubject(subject),
          Message: snsMessage(message),
        }),
      );
      return out.MessageId ?? '';
    } catch (error) {
      throw translateAwsError(error, 'SNS Publish', { topicArn: this.topicArn });
    }
  }
}
