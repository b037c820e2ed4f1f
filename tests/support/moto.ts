import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { AllAwsClients } from '../../lib/aws/all-clients';

/** The moto endpoint this test file's worker owns (set up by moto-per-file.ts). */
export function motoEndpoint(): string {
  const endpoint = process.env.LIFEBOAT_AWS_ENDPOINT;
  if (endpoint === undefined)
    throw new Error('LIFEBOAT_AWS_ENDPOINT is not set: moto-per-file.ts did not run');
  return endpoint;
}

/** SDK clients pointed at this worker's moto. */
export function motoClients(): AllAwsClients {
  return new AllAwsClients({
    endpoint: motoEndpoint(),
    defaultRegion: 'us-east-1',
    maxAttempts: 3,
    retryMode: 'standard',
  });
}

let counter = 0;
/** A name unique within the run, for buckets, clusters and records. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`.toLowerCase();
}

/** A site name unique within the run that is also a valid RDS identifier and DNS label (letters and digits). */
export function uniqueSiteName(prefix = 's'): string {
  counter += 1;
  return `${prefix}${process.pid.toString(36)}${Date.now().toString(36)}${counter.toString(36)}`;
}

/** Subjects and messages published to a topic so far, read from the queue subscribed to it. */
export async function receivedNotifications(
  clients: AllAwsClients,
  queueUrl: string,
): Promise<{ subject: string; message: string }[]> {
  const out = await clients
    .sqs()
    .send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  return (out.Messages ?? []).map((m) => {
    const envelope = JSON.parse(m.Body ?? '{}') as { Subject?: string; Message?: string };
    return { subject: envelope.Subject ?? '', message: envelope.Message ?? '' };
  });
}
