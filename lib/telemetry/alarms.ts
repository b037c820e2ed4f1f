import type { AwsClients } from '../aws/clients';
import { CloudWatchAlarms, cloudwatchClient, type MetricAlarm } from '../aws/cloudwatch';
import type { Site } from '../config/schema';
import { getOptionalStringFromEnv } from '../env';
import { METRIC, metricsIdentity } from './metrics';

/** Where the per-site alarms live and whom they tell. */
export interface AlarmSettings {
  /** Name prefix that only these alarms use, e.g. `lifeboat-prod-no-backup-`; others under it are removed. */
  prefix: string;
  topicArn: string;
  namespace: string;
  /** The dimension Powertools adds to every metric (`service`). */
  service: string;
  /** Hours without a completed backup before the alarm fires. */
  maxAgeHours: number;
}

/** The alarms port: list, put and delete metric alarms (lib/aws/cloudwatch.ts CloudWatchAlarms). */
export interface AlarmsPort {
  list(prefix: string): Promise<MetricAlarm[]>;
  put(alarm: MetricAlarm): Promise<void>;
  delete(names: readonly string[]): Promise<void>;
}

/** Hours without a completed backup before a site's alarm fires: a nightly backup plus two hours. */
export const MAX_BACKUP_AGE_HOURS = 26;

/**
 * The alarm settings from the environment, or undefined when BACKUP_ALARM_TOPIC_ARN is not set
 * (local runs): BACKUP_ALARM_PREFIX (default `lifeboat-no-backup-`), and the namespace and service
 * of metricsIdentity(), so the alarms watch exactly what the metrics emit.
 */
export function alarmSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): AlarmSettings | undefined {
  const topicArn = getOptionalStringFromEnv('BACKUP_ALARM_TOPIC_ARN', env);
  if (topicArn === undefined) return undefined;
  return {
    prefix: getOptionalStringFromEnv('BACKUP_ALARM_PREFIX', env) ?? 'lifeboat-no-backup-',
    topicArn,
    ...metricsIdentity(env),
    maxAgeHours: MAX_BACKUP_AGE_HOURS,
  };
}

/** The alarms port in `region` (the metrics' region: where the service is deployed). */
export function cloudWatchAlarmsPort(clients: AwsClients, region: string): AlarmsPort {
  return new CloudWatchAlarms(cloudwatchClient(clients, region), region);
}

/**
 * The "no backup completed in 26 h" alarm of a site, on the age the sweeper reports every few
 * minutes. Missing data is breaching: a site that never completed a backup, or a sweeper that
 * stopped reporting, alarms too.
 */
export function siteBackupAlarm(site: Site, settings: AlarmSettings): MetricAlarm {
  return {
    name: `${settings.prefix}${site.name}`,
    description: `lifeboat: no backup of site ${site.name} completed in the last ${settings.maxAgeHours} hours`,
    namespace: settings.namespace,
    metricName: METRIC.newestCompletedAge,
    dimensions: { service: settings.service, site: site.name },
    statistic: 'Maximum',
    periodSeconds: 3600,
    evaluationPeriods: 1,
    threshold: settings.maxAgeHours * 3600,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'breaching',
    actions: [settings.topicArn],
  };
}

function canonical(alarm: MetricAlarm): string {
  const dimensions = Object.fromEntries(
    Object.entries(alarm.dimensions).sort(([a], [b]) => a.localeCompare(b)),
  );
  return JSON.stringify({ ...alarm, dimensions, actions: [...alarm.actions].sort() });
}

const same = (a: MetricAlarm, b: MetricAlarm) => canonical(a) === canonical(b);

/**
 * Makes the alarms under `settings.prefix` match the config: one per site, created or updated
 * when they differ, removed for sites that left the config. One DescribeAlarms call when nothing
 * changed. The alarms follow config/sites.yml, which serverless.yml cannot enumerate into resources.
 */
export async function reconcileSiteAlarms(
  port: AlarmsPort,
  sites: readonly Site[],
  settings: AlarmSettings,
): Promise<{ put: string[]; deleted: string[] }> {
  const existing = await port.list(settings.prefix);
  const wanted = sites.map((s) => siteBackupAlarm(s, settings));
  const put: string[] = [];
  for (const alarm of wanted) {
    const current = existing.find((e) => e.name === alarm.name);
    if (current !== undefined && same(current, alarm)) continue;
    await port.put(alarm);
    put.push(alarm.name);
  }
  const deleted = existing.filter((e) => !wanted.some((w) => w.name === e.name)).map((e) => e.name);
  if (deleted.length > 0) await port.delete(deleted);
  return { put, deleted };
}
