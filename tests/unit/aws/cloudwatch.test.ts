import { CloudWatchClient, DeleteAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchAlarms, type MetricAlarm } from '../../../lib/aws/cloudwatch';
import { InvalidInputError } from '../../../lib/errors';

const cwMock = mockClient(CloudWatchClient);

const alarm: MetricAlarm = {
  name: 'lifeboat-dev-no-backup-blog',
  description: 'lifeboat: no backup of site blog completed in the last 26 hours',
  namespace: 'lifeboat',
  metricName: 'NewestCompletedBackupAgeSeconds',
  dimensions: { service: 'lifeboat', site: 'blog' },
  statistic: 'Maximum',
  periodSeconds: 3600,
  evaluationPeriods: 1,
  threshold: 93_600,
  comparison: 'GreaterThanThreshold',
  treatMissingData: 'breaching',
  actions: ['arn:aws:sns:us-east-1:123456789012:lifeboat-dev-backup-alarms'],
};

// moto stores any alarm; these are what PutMetricAlarm refuses.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
describe('CloudWatchAlarms', () => {
  const alarms = new CloudWatchAlarms(new CloudWatchClient({ region: 'us-east-1' }), 'us-east-1');

  beforeEach(() => {
    cwMock.reset();
    cwMock.on(PutMetricAlarmCommand).resolves({});
    cwMock.on(DeleteAlarmsCommand).resolves({});
  });

  it('puts the alarm with the same actions for ALARM and OK', async () => {
    await alarms.put(alarm);

    expect(cwMock).toHaveReceivedCommandWith(PutMetricAlarmCommand, {
      AlarmName: 'lifeboat-dev-no-backup-blog',
      Period: 3600,
      EvaluationPeriods: 1,
      Dimensions: [
        { Name: 'service', Value: 'lifeboat' },
        { Name: 'site', Value: 'blog' },
      ],
      TreatMissingData: 'breaching',
      AlarmActions: alarm.actions,
      OKActions: alarm.actions,
    });
  });

  it.each<[string, Partial<MetricAlarm>, string]>([
    ['a period that is not 10, 20, 30 or a multiple of 60', { periodSeconds: 90 }, 'period 90 s'],
    [
      'an evaluation window over a day for periods under an hour',
      { periodSeconds: 300, evaluationPeriods: 289 },
      'exceed the 86400 s',
    ],
    [
      'an evaluation window over seven days',
      { periodSeconds: 3600, evaluationPeriods: 169 },
      'exceed the 604800 s',
    ],
    ['more than 5 actions', { actions: ['a', 'b', 'c', 'd', 'e', 'f'] }, '6 actions (at most 5)'],
    ['a name with a line break', { name: 'lifeboat\nblog' }, 'without control characters'],
    ['a description over 1024 characters', { description: 'x'.repeat(1025) }, 'description over 1024'],
  ])('refuses %s without calling CloudWatch', async (_case, change, expected) => {
    const put = alarms.put({ ...alarm, ...change });

    await expect(put).rejects.toBeInstanceOf(InvalidInputError);
    await expect(put).rejects.toThrow(expected);
    expect(cwMock.commandCalls(PutMetricAlarmCommand)).toHaveLength(0);
  });

  it('deletes alarms at most 100 names per DeleteAlarms call', async () => {
    await alarms.delete(Array.from({ length: 150 }, (_, i) => `a-${i}`));

    const calls = cwMock.commandCalls(DeleteAlarmsCommand).map((c) => c.args[0].input.AlarmNames?.length);
    expect(calls).toEqual([100, 50]);
  });
});
