import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { translateAwsError } from './errors';

/** Which CloudWatch alarms exist in one region (the triggers listen for them by name). */
export class AlarmReader {
  constructor(
    private readonly cloudwatch: CloudWatchClient,
    readonly region: string,
  ) {}

  /** The names among `names` of metric or composite alarms that exist (DescribeAlarms takes 100 names a call). */
  async existing(names: string[]): Promise<string[]> {
    const found: string[] = [];
    for (let i = 0; i < names.length; i += 100) {
      let nextToken: string | undefined;
      do {
        try {
          const out = await this.cloudwatch.send(
            new DescribeAlarmsCommand({
              AlarmNames: names.slice(i, i + 100),
              AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
              NextToken: nextToken,
            }),
          );
          for (const a of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
            if (a.AlarmName !== undefined) found.push(a.AlarmName);
          }
          nextToken = out.NextToken;
        } catch (error) {
          throw translateAwsError(error, 'CloudWatch DescribeAlarms', { region: this.region });
        }
      } while (nextToken !== undefined);
    }
    return found;
  }
}
