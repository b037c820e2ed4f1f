import { defaultClients } from '../lib/aws/clients';
import { SqsQueue } from '../lib/aws/sqs';
import { backupLimitsFromEnv, defaultBackupPorts } from '../lib/backup/default-ports';
import { inlineDispatch, queueDispatch } from '../lib/backup/dispatch';
import { sweepBackups } from '../lib/backup/sweep-backups';
import { systemClock } from '../lib/clock';
import { defaultConfig } from '../lib/config/load';
import { getOptionalStringFromEnv } from '../lib/env';
import { asError } from '../lib/errors';
import { lambda, logger } from '../lib/middleware/lambda';
import { backupMetrics } from '../lib/telemetry/metrics';

/** In AWS the queue's worker advances; without BACKUP_QUEUE_URL (local runs) this process does. */
const queueUrl = getOptionalStringFromEnv('BACKUP_QUEUE_URL');
const limits = backupLimitsFromEnv();

/** The reconciler (every few minutes): hands every unfinished backup of every site to advance. */
export const handler = lambda(async function sweepBackupsHandler() {
  const ports = defaultBackupPorts();
  const config = defaultConfig();
  const dispatch =
    queueUrl === undefined
      ? inlineDispatch(ports, systemClock, config, {
          limits,
          onError: (ref, error) =>
            logger.warn('advance failed; the next sweep retries', { ...ref, error: asError(error).message }),
        })
      : queueDispatch(new SqsQueue(defaultClients().sqs(), queueUrl));
  const result = await sweepBackups(ports, systemClock, config.sites, dispatch, backupMetrics());
  return {
    dispatched: result.dispatched.length,
    via: queueUrl === undefined ? 'inline' : 'sqs',
    sites: result.sites,
  };
});
