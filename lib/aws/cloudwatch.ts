import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  PutMetricAlarmCommand,
  paginateDescribeAlarms,
} from '@aws-sdk/client-cloudwatch';
import type { AwsClients } from './clients';
import { translateAwsError } from './errors';

/** The CloudWatchClient for a region, built once per process. */
export function cloudwatchClient(clients: AwsClients, region: string): CloudWatchClient {
  return clients.client('cloudwatch', CloudWatchClient, region);
}

/** A metric alarm on one metric with fixed dimensions, as lifeboat defines them. */
export interface MetricAlarm {
  name: string;
  description: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  statistic: 'Maximum' | 'Minimum' | 'Average' | 'Sum' | 'SampleCount';
  periodSeconds: number;
  evaluationPeriods: number;
  threshold: number;
  comparison: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold';
  treatMissingData: 'breaching' | 'notBreaching' | 'ignore' | 'missing';
  actions: string[];
}

/** CloudWatch metric alarms in one region. */
export class CloudWatchAlarms {
  constructor(
    private readonly cloudwatch: CloudWatchClient,
    readonly region: string,
  ) {}

  /** Every metric alarm whose name starts with `prefix`, page by page. */
  async list(prefix: string): Promise<MetricAlarm[]> {
    const out: MetricAlarm[] = [];
    try {
      for await (const page of paginateDescribeAlarms(
        { client: this.cloudwatch },
        { AlarmNamePrefix: prefix, AlarmTypes: ['MetricAlarm'] },
      )) {
        for (const a of page.MetricAlarms ?? []) {
          out.push({
            name: a.AlarmName ?? '',
            description: a.AlarmDescription ?? '',
            namespace: a.Namespace ?? '',
            metricName: a.MetricName ?? '',
            dimensions: Object.fromEntries((a.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? ''])),
            statistic: (a.Statistic ?? 'Maximum') as MetricAlarm['statistic'],
            periodSeconds: a.Period ?? 0,
            evaluationPeriods: a.EvaluationPeriods ?? 0,
            threshold: a.Threshold ?? 0,
            comparison: (a.ComparisonOperator ?? 'GreaterThanThreshold') as MetricAlarm['comparison'],
            treatMissingData: (a.TreatMissingData ?? 'missing') as MetricAlarm['treatMissingData'],
            actions: a.AlarmActions ?? [],
          });
        }
      }
    } catch (error) {
      throw translateAwsError(error, 'CloudWatch DescribeAlarms', { region: this.region, prefix });
    }
    return out;
  }

  /** Creates or replaces the alarm (PutMetricAlarm is an upsert by name). */
  async put(alarm: MetricAlarm): Promise<void> {
    try {
      await this.cloudwatch.send(
        new PutMetricAlarmCommand({
          AlarmName: alarm.name,
          AlarmDescription: alarm.description,
          Namespace: alarm.namespace,
          MetricName: alarm.metricName,
          Dimensions: Object.entries(alarm.dimensions).map(([Name, Value]) => ({ Name, Value })),
          Statistic: alarm.statistic,
          Period: alarm.periodSeconds,
          EvaluationPeriods: alarm.evaluationPeriods,
          Threshold: alarm.threshold,
          ComparisonOperator: alarm.comparison,
          TreatMissingData: alarm.treatMissingData,
          AlarmActions: alarm.actions,
          OKActions: alarm.actions,
        }),
      );
    } catch (error) {
      throw translateAwsError(error, 'CloudWatch PutMetricAlarm', { region: this.region, alarm: alarm.name });
    }
  }

  /** Deletes alarms by name (at most 100 per call). */
  async delete(names: readonly string[]): Promise<void> {
    for (let i = 0; i < names.length; i += 100) {
      try {
        await this.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: names.slice(i, i + 100) }));
      } catch (error) {
        throw translateAwsError(error, 'CloudWatch DeleteAlarms', { region: this.region });
      }
    }
  }
}
