import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import {
  GetServiceQuotaCommand,
  ListAWSDefaultServiceQuotasCommand,
  NoSuchResourceException,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { mockClient } from 'aws-sdk-client-mock';
import { AlarmReader } from '../../../lib/aws/alarms-read';
import { DnsReader } from '../../../lib/aws/dns-read';
import { NetworkReader } from '../../../lib/aws/network';
import { EBS_COPY_QUOTA_NAME, QuotaReader } from '../../../lib/aws/quotas';
import { TaskDefinitionReader } from '../../../lib/aws/task-definitions';

const route53 = mockClient(Route53Client);
const quotas = mockClient(ServiceQuotasClient);
const cloudwatch = mockClient(CloudWatchClient);
const ec2 = mockClient(EC2Client);
const ecs = mockClient(ECSClient);

beforeEach(() => {
  route53.reset();
  quotas.reset();
  cloudwatch.reset();
  ec2.reset();
  ecs.reset();
});

const noSuchResource = () => new NoSuchResourceException({ message: 'no such quota', $metadata: {} });

describe('DnsReader.recordSets', () => {
  const reader = new DnsReader(new Route53Client({ region: 'us-east-1' }));

  it('pages from the name and stops at the first other name (Route 53 lists in name order)', async () => {
    route53
      .on(ListResourceRecordSetsCommand, { StartRecordName: 'www.example.com' })
      .resolves({
        ResourceRecordSets: [
          {
            Name: 'www.example.com.',
            Type: 'A',
            SetIdentifier: 'blue',
            ResourceRecords: [{ Value: '192.0.2.1' }],
          },
        ],
        IsTruncated: true,
        NextRecordName: 'www.example.com.',
        NextRecordType: 'A',
        NextRecordIdentifier: 'green',
        MaxItems: 1,
      })
      .on(ListResourceRecordSetsCommand, { StartRecordIdentifier: 'green' })
      .resolves({
        ResourceRecordSets: [
          {
            Name: 'www.example.com.',
            Type: 'A',
            SetIdentifier: 'green',
            AliasTarget: { DNSName: 'lb.', HostedZoneId: 'Z1', EvaluateTargetHealth: false },
          },
          { Name: 'xyz.example.com.', Type: 'A', ResourceRecords: [{ Value: '192.0.2.9' }] },
        ],
        IsTruncated: true,
        NextRecordName: 'zzz.example.com.',
        MaxItems: 2,
      });

    const sets = await reader.recordSets('Z0123', 'WWW.example.com');

    expect(sets).toEqual([
      { name: 'www.example.com', type: 'A', setIdentifier: 'blue', alias: false, values: ['192.0.2.1'] },
      { name: 'www.example.com', type: 'A', setIdentifier: 'green', alias: true, values: [] },
    ]);
    expect(route53).toHaveReceivedCommandTimes(ListResourceRecordSetsCommand, 2);
  });
});

describe('QuotaReader.byName', () => {
  const reader = new QuotaReader(new ServiceQuotasClient({ region: 'us-west-2' }), 'us-west-2');

  it('finds the quota code by its published name, then reads the applied value', async () => {
    quotas.on(ListAWSDefaultServiceQuotasCommand).resolves({
      Quotas: [
        { QuotaName: 'Snapshots per Region', QuotaCode: 'L-A', Value: 100000 },
        { QuotaName: EBS_COPY_QUOTA_NAME, QuotaCode: 'L-B', Value: 20 },
      ],
    });
    quotas.on(GetServiceQuotaCommand).resolves({ Quota: { QuotaCode: 'L-B', Value: 25 } });

    expect(await reader.byName('ebs', EBS_COPY_QUOTA_NAME)).toEqual({ value: 25, source: 'applied' });
    expect(quotas).toHaveReceivedCommandWith(GetServiceQuotaCommand, {
      ServiceCode: 'ebs',
      QuotaCode: 'L-B',
    });
  });

  it('falls back to the default when no applied value is recorded (NoSuchResource)', async () => {
    quotas.on(ListAWSDefaultServiceQuotasCommand).resolves({
      Quotas: [{ QuotaName: EBS_COPY_QUOTA_NAME, QuotaCode: 'L-B', Value: 20 }],
    });
    quotas.on(GetServiceQuotaCommand).rejects(noSuchResource());

    expect(await reader.byName('ebs', EBS_COPY_QUOTA_NAME)).toEqual({ value: 20, source: 'default' });
  });

  it('says why when the service is not listed (as in moto, which lists only vpc)', async () => {
    quotas.on(ListAWSDefaultServiceQuotasCommand).rejects(noSuchResource());

    expect(await reader.byName('ebs', EBS_COPY_QUOTA_NAME)).toEqual({
      unknown: 'Service Quotas does not list ebs',
    });
  });
});

describe('AlarmReader.existing', () => {
  it('asks DescribeAlarms at most 100 names a call, following NextToken', async () => {
    const names = Array.from({ length: 150 }, (_, i) => `alarm-${i}`);
    cloudwatch.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames: string[]; NextToken?: string }) => ({
      MetricAlarms:
        input.NextToken === undefined ? input.AlarmNames.slice(0, 1).map((AlarmName) => ({ AlarmName })) : [],
      CompositeAlarms: input.NextToken === undefined ? [{ AlarmName: input.AlarmNames[1] }] : [],
      NextToken: input.NextToken === undefined ? 'more' : undefined,
    }));

    const found = await new AlarmReader(new CloudWatchClient({ region: 'us-east-1' }), 'us-east-1').existing(
      names,
    );

    expect(found).toEqual(['alarm-0', 'alarm-1', 'alarm-100', 'alarm-101']);
    const calls = cloudwatch
      .commandCalls(DescribeAlarmsCommand)
      .map((c) => c.args[0].input.AlarmNames?.length);
    expect(calls).toEqual([100, 100, 50, 50]);
  });
});

describe('NetworkReader and TaskDefinitionReader', () => {
  it('asks for subnets with a filter, so one missing subnet does not fail the call', async () => {
    ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [{ SubnetId: 'subnet-1' }] });

    const found = await new NetworkReader(
      new EC2Client({ region: 'us-east-1' }),
      'us-east-1',
    ).existingSubnets(['subnet-1', 'subnet-2']);

    expect(found).toEqual(['subnet-1']);
    expect(ec2).toHaveReceivedCommandWith(DescribeSubnetsCommand, {
      Filters: [{ Name: 'subnet-id', Values: ['subnet-1', 'subnet-2'] }],
    });
    expect(ec2.commandCalls(DescribeSubnetsCommand)[0]?.args[0].input.SubnetIds).toBeUndefined();
  });

  it('reads a task definition ECS does not know as absent', async () => {
    ecs
      .on(DescribeTaskDefinitionCommand)
      .rejects(Object.assign(new Error('Unable to describe task definition.'), { name: 'ClientException' }));

    const td = await new TaskDefinitionReader(new ECSClient({ region: 'us-east-1' }), 'us-east-1').describe(
      'blog:9',
    );

    expect(td).toBeUndefined();
  });
});
