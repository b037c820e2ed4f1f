import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  PutMetricAlarmCommand,
  paginateDescribeAlarms,
} from '@aws-sdk/client-cloudwatch';
import { InvalidInputError } from '../errors';
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

/**
 * What PutMetricAlarm refuses and moto stores: a period other than 10, 20, 30 s or a multiple of
 * 60; an evaluation window over 1 day (periods under an hour) or 7 days; more than 5 actions per
 * state or 30 dimensions; a description over 1024 characters; a name over 255 characters or with control characters.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */
export function alarmProblems(alarm: MetricAlarm): string[] {
  const problems: string[] = [];
  const period = alarm.periodSeconds;
  if (![10, 20, 30].includes(period) && (period <= 0 || period % 60 !== 0)) {
    problems.push(`period ${period} s is not 10, 20, 30 or a multiple of 60`);
  }
  const window = period * alarm.evaluationPeriods;
  const maxWindow = period < 3600 ? 86_400 : 604_800;
  if (alarm.evaluationPeriods < 1 || window > maxWindow) {
    problems.push(
      `${alarm.evaluationPeriods} periods of ${period} s exceed the ${maxWindow} s CloudWatch allows`,
    );
  }
  if (alarm.actions.length > 5) problems.push(`${alarm.actions.length} actions (at most 5)`);
  if (Object.keys(alarm.dimensions).length > 30) problems.push('more than 30 dimensions');
  if (alarm.description.length > 1024) problems.push('a description over 1024 characters');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting them is the point
  if (alarm.name === '' || alarm.name.length > 255 || /[\u0000-\u001f\u007f]/.test(alarm.name)) {
    problems.push('the name must be 1-255 characters without control characters');
  }
  return problems;
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
    const problems = alarmProblems(alarm);
    if (problems.length > 0) {
      throw new InvalidInputError(`CloudWatch would refuse alarm ${alarm.name}: ${problems.join('; ')}`, {
        alarm: alarm.name,
      });
    }
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
