// Emulator fixture: reads what the local run needs to show, straight from the emulator's APIs.
import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import type { AllAwsClients } from '../lib/aws/all-clients';

/** The value of the A record `name` in the zone, or undefined. */
export async function aRecordValue(
  clients: AllAwsClients,
  hostedZoneId: string,
  name: string,
): Promise<string | undefined> {
  const out = await clients.route53().send(new ListResourceRecordSetsCommand({ HostedZoneId: hostedZoneId }));
  const record = (out.ResourceRecordSets ?? []).find(
    (r) => r.Type === 'A' && r.Name?.replace(/\.$/, '') === name,
  );
  return record?.ResourceRecords?.[0]?.Value;
}

/** The input an execution was started with. */
export async function executionInput(clients: AllAwsClients, executionArn: string): Promise<unknown> {
  const region = executionArn.split(':')[3];
  const out = await clients.sfn(region).send(new DescribeExecutionCommand({ executionArn }));
  return JSON.parse(out.input ?? '{}') as unknown;
}
