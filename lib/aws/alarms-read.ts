import { type CloudWatchClient, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
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
    try {
      for (let i = 0; i < names.length; i += 100) {
        const pages = paginateDescribeAlarms(
          { client: this.cloudwatch },
          { AlarmNames: names.slice(i, i + 100), AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] },
        );
        for await (const page of pages)
          for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])])
            if (a.AlarmName !== undefined) found.push(a.AlarmName);
      }
    } catch (error) {
      throw translateAwsError(error, 'CloudWatch DescribeAlarms', { region: this.region });
    }
    return found;
  }
}
