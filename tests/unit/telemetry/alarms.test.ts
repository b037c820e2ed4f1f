import type { MetricAlarm } from '../../../lib/aws/cloudwatch';
import {
  type AlarmSettings,
  type AlarmsPort,
  alarmSettingsFromEnv,
  reconcileSiteAlarms,
  siteBackupAlarm,
} from '../../../lib/telemetry/alarms';
import { buildSite } from '../../support/builders';

const settings: AlarmSettings = {
  prefix: 'lifeboat-prod-no-backup-',
  topicArn: 'arn:aws:sns:us-east-1:123456789012:lifeboat-prod-backup-alarms',
  namespace: 'Lifeboat',
  service: 'lifeboat',
  maxAgeHours: 26,
};

class FakeAlarms implements AlarmsPort {
  readonly alarms = new Map<string, MetricAlarm>();
  puts = 0;

  async list(prefix: string): Promise<MetricAlarm[]> {
    // AWS returns dimensions in its own order.
    return [...this.alarms.values()]
      .filter((a) => a.name.startsWith(prefix))
      .map((a) => ({ ...a, dimensions: Object.fromEntries(Object.entries(a.dimensions).reverse()) }));
  }

  async put(alarm: MetricAlarm): Promise<void> {
    this.puts += 1;
    this.alarms.set(alarm.name, alarm);
  }

  async delete(names: readonly string[]): Promise<void> {
    for (const n of names) this.alarms.delete(n);
  }
}

describe('per-site backup alarms', () => {
  const blog = buildSite();
  const shop = buildSite({ name: 'shop' });

  it('alarms when the newest completed backup of the site is older than 26 h, or when nothing is reported', () => {
    expect(siteBackupAlarm(blog, settings)).toMatchObject({
      name: 'lifeboat-prod-no-backup-blog',
      metricName: 'NewestCompletedBackupAge',
      dimensions: { service: 'lifeboat', site: 'blog' },
      threshold: 26 * 3600,
      comparison: 'GreaterThanThreshold',
      treatMissingData: 'breaching',
      actions: [settings.topicArn],
    });
  });

  it('creates one alarm per site, changes nothing when they match, and removes alarms of sites that left', async () => {
    const port = new FakeAlarms();

    const first = await reconcileSiteAlarms(port, [blog, shop], settings);
    const second = await reconcileSiteAlarms(port, [blog, shop], settings);
    const third = await reconcileSiteAlarms(port, [blog], settings);

    expect(first).toEqual({
      put: ['lifeboat-prod-no-backup-blog', 'lifeboat-prod-no-backup-shop'],
      deleted: [],
    });
    expect(second).toEqual({ put: [], deleted: [] });
    expect(third).toEqual({ put: [], deleted: ['lifeboat-prod-no-backup-shop'] });
    expect([...port.alarms.keys()]).toEqual(['lifeboat-prod-no-backup-blog']);
  });

  it('updates an alarm whose definition drifted', async () => {
    const port = new FakeAlarms();
    await reconcileSiteAlarms(port, [blog], settings);

    const out = await reconcileSiteAlarms(port, [blog], { ...settings, maxAgeHours: 30 });

    expect(out.put).toEqual(['lifeboat-prod-no-backup-blog']);
    expect(port.alarms.get('lifeboat-prod-no-backup-blog')?.threshold).toBe(30 * 3600);
  });
});

describe('alarmSettingsFromEnv', () => {
  it('watches the namespace and service the metrics are emitted under', () => {
    expect(
      alarmSettingsFromEnv({
        BACKUP_ALARM_TOPIC_ARN: settings.topicArn,
        BACKUP_ALARM_PREFIX: settings.prefix,
        POWERTOOLS_METRICS_NAMESPACE: 'Acme/Backups',
        POWERTOOLS_SERVICE_NAME: 'acme',
      }),
    ).toEqual({ ...settings, namespace: 'Acme/Backups', service: 'acme' });
  });

  it('is off without an alarm topic (local runs)', () => {
    expect(alarmSettingsFromEnv({ POWERTOOLS_METRICS_NAMESPACE: 'Lifeboat' })).toBeUndefined();
  });
});
