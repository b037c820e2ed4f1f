import { type CloudWatchClient, paginateGetMetricData } from '@aws-sdk/client-cloudwatch';
import type { MetricDatapoint, MetricQuery, RdsMetricsPort } from '../recovery/ports';
import { translateAwsError } from './errors';

/**
 * One AWS/RDS metric of one database, read with GetMetricData (every page), oldest first.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 */
export class RdsMetricsAdapter implements RdsMetricsPort {
  constructor(
    private readonly cloudwatch: CloudWatchClient,
    readonly region: string,
  ) {}

  async datapoints(query: MetricQuery): Promise<MetricDatapoint[]> {
    const points: MetricDatapoint[] = [];
    const pages = paginateGetMetricData(
      { client: this.cloudwatch },
      {
        StartTime: query.since,
        EndTime: query.until,
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [
          {
            Id: 'writes',
            ReturnData: true,
            MetricStat: {
              Metric: {
                Namespace: 'AWS/RDS',
                MetricName: query.metric,
                Dimensions: [{ Name: query.dimension, Value: query.identifier }],
              },
              Period: query.periodSeconds,
              Stat: query.statistic,
            },
          },
        ],
      },
    );
    try {
      for await (const page of pages)
        for (const result of page.MetricDataResults ?? []) {
          const values = result.Values ?? [];
          (result.Timestamps ?? []).forEach((at, i) => {
            const value = values[i];
            if (value !== undefined) points.push({ at: at.toISOString(), value });
          });
        }
    } catch (error) {
      throw translateAwsError(error, 'CloudWatch GetMetricData', {
        region: this.region,
        metric: query.metric,
        identifier: query.identifier,
      });
    }
    // Pages are each in order; sorting makes the whole series so whatever the service returns.
    return points.sort((a, b) => a.at.localeCompare(b.at));
  }
}
