import { z } from 'zod';
import { defaultClients } from '../lib/aws/clients';
import { inlineDispatch, topicDispatch } from '../lib/backup/dispatch';
import { sweepBackups } from '../lib/backup/sweep-backups';
import { backupLimitsFromEnv, defaultBackupPorts, snsWorkTopic } from '../lib/backup/wiring';
import { systemClock } from '../lib/clock';
import { defaultConfig } from '../lib/config/load';
import { getOptionalStringFromEnv } from '../lib/env';
import { asError, InvalidInputError } from '../lib/errors';
import { lambda, logger } from '../lib/middleware/lambda';
import { alarmSettingsFromEnv, cloudWatchAlarmsPort, reconcileSiteAlarms } from '../lib/telemetry/alarms';
import { backupMetrics } from '../lib/telemetry/metrics';

/** In AWS the work topic's subscriber advances; without BACKUP_WORK_TOPIC_ARN (local runs) this process does. */
const topicArn = getOptionalStringFromEnv('BACKUP_WORK_TOPIC_ARN');
const limits = backupLimitsFromEnv();
/** Set in AWS: the per-site alarms of earlier versions are removed (the fleet alarms are in serverless.yml). */
const alarmSettings = alarmSettingsFromEnv();

/** The schedule's event carries nothing we read; by hand, `{ "inline": true }` advances here instead of fanning out. */
const input = z.object({ inline: z.boolean().default(false) });

/**
 * The reconciler (every few minutes): hands every backup that needs a step to advance, fills the
 * DR copy slots, and reports fleet-wide DR freshness (per-site detail in the log).
 */
export const handler = lambda(async function sweepBackupsHandler(event: unknown) {
  const parsed = input.safeParse(event ?? {});
  if (!parsed.success)
    throw new InvalidInputError(`invalid sweep-backups input: ${z.prettifyError(parsed.error)}`);
  const inline = parsed.data.inline || topicArn === undefined;
  const ports = defaultBackupPorts();
  const config = defaultConfig();
  const dispatch =
    inline || topicArn === undefined
      ? inlineDispatch(ports, systemClock, config, {
          limits,
          onError: (ref, error) =>
            logger.warn('advance failed; the next sweep retries', { ...ref, error: asError(error).message }),
        })
      : topicDispatch(snsWorkTopic(defaultClients(), topicArn));
  const result = await sweepBackups(ports, systemClock, config.sites, dispatch, backupMetrics(), { limits });
  logger.info('DR freshness per site', { sites: result.sites });
  // Alarms live in the region the service is deployed to, next to the metrics.
  const alarms =
    alarmSettings === undefined
      ? undefined
      : await reconcileSiteAlarms(
          cloudWatchAlarmsPort(defaultClients(), defaultClients().settings.defaultRegion),
          [],
          alarmSettings,
        );
  return {
    dispatched: result.dispatched.length,
    via: inline ? 'inline' : 'sns',
    copiesStarted: result.copiesStarted,
    drFreshness: result.fleet,
    sites: result.sites,
    alarms,
  };
});
