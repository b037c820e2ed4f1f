import {
  CloudWatchClient,
  CloudWatchServiceException,
  GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { RdsMetricsAdapter } from '../../../lib/aws/rds-metrics';
import { AwsCallError, ThrottledError } from '../../../lib/errors';
import type { MetricQuery } from '../../../lib/recovery/ports';

const cloudwatchMock = mockClient(CloudWatchClient);

function awsError(name: string): CloudWatchServiceException {
  return new CloudWatchServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: name,
  });
}

const QUERY: MetricQuery = {
  metric: 'BinLogDiskUsage',
  statistic: 'Maximum',
  dimension: 'DBInstanceIdentifier',
  identifier: 'lifeboat-blog-replacement-0a1b2c',
  since: new Date('2026-11-22T09:41:00Z'),
  until: new Date('2026-11-22T11:00:00Z'),
  periodSeconds: 60,
};

describe('RdsMetricsAdapter', () => {
  const adapter = new RdsMetricsAdapter(new CloudWatchClient({ region: 'us-east-1' }), 'us-east-1');

  beforeEach(() => cloudwatchMock.reset());

  it('asks for the one AWS/RDS metric of the database, oldest first, and follows NextToken to the last page', async () => {
    cloudwatchMock
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          {
            Id: 'writes',
            Timestamps: [new Date('2026-11-22T09:42:00Z'), new Date('2026-11-22T09:43:00Z')],
            Values: [10, 20],
          },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        MetricDataResults: [{ Id: 'writes', Timestamps: [new Date('2026-11-22T09:44:00Z')], Values: [35] }],
      });

    const points = await adapter.datapoints(QUERY);

    expect(points).toEqual([
      { at: '2026-11-22T09:42:00.000Z', value: 10 },
      { at: '2026-11-22T09:43:00.000Z', value: 20 },
      { at: '2026-11-22T09:44:00.000Z', value: 35 },
    ]);
    expect(cloudwatchMock).toHaveReceivedCommandTimes(GetMetricDataCommand, 2);
    expect(cloudwatchMock).toHaveReceivedNthCommandWith(1, GetMetricDataCommand, {
      StartTime: QUERY.since,
      EndTime: QUERY.until,
      ScanBy: 'TimestampAscending',
      MetricDataQueries: [
        {
          Id: 'writes',
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/RDS',
              MetricName: 'BinLogDiskUsage',
              Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'lifeboat-blog-replacement-0a1b2c' }],
            },
            Period: 60,
            Stat: 'Maximum',
          },
        },
      ],
    });
    expect(cloudwatchMock).toHaveReceivedNthCommandWith(2, GetMetricDataCommand, { NextToken: 'page-2' });
  });

  it('answers no datapoints as an empty series (the caller says it could not measure)', async () => {
    cloudwatchMock
      .on(GetMetricDataCommand)
      .resolves({ MetricDataResults: [{ Id: 'writes', Timestamps: [], Values: [] }] });

    expect(await adapter.datapoints(QUERY)).toEqual([]);
  });

  it('turns throttling into ThrottledError (the state machine retries) and other refusals into AwsCallError', async () => {
    cloudwatchMock
      .on(GetMetricDataCommand)
      .rejectsOnce(awsError('Throttling'))
      .rejectsOnce(awsError('AccessDenied'));

    await expect(adapter.datapoints(QUERY)).rejects.toBeInstanceOf(ThrottledError);
    await expect(adapter.datapoints(QUERY)).rejects.toThrow(AwsCallError);
  });
});
