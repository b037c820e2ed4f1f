import type { SQSBatchResponse } from 'aws-lambda';
import { z } from 'zod';
import { advanceBackup } from '../lib/backup/advance-backup';
import { backupLimitsFromEnv, defaultBackupPorts } from '../lib/backup/default-ports';
import { systemClock } from '../lib/clock';
import { defaultConfig, findSite } from '../lib/config/load';
import { asError, InvalidInputError, NotFoundError, UnknownSiteError } from '../lib/errors';
import { lambda, logger } from '../lib/middleware/lambda';

const ref = z.object({ site: z.string().min(1), backupId: z.string().min(1) });
const sqsEvent = z.object({ Records: z.array(z.object({ messageId: z.string(), body: z.string() })).min(1) });

const limits = backupLimitsFromEnv();

async function advanceOne(body: unknown): Promise<string> {
  const parsed = ref.safeParse(body);
  if (!parsed.success)
    throw new InvalidInputError(`invalid advance-backup message: ${z.prettifyError(parsed.error)}`);
  const site = findSite(defaultConfig(), parsed.data.site);
  const backup = await advanceBackup(defaultBackupPorts(), systemClock, site, parsed.data.backupId, limits);
  return backup.status.phase;
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new InvalidInputError('advance-backup message body is not JSON', {}, { cause: error });
  }
}

/** Work that can never succeed is dropped (logged); anything else is retried by SQS after its visibility timeout. */
function isPermanent(error: unknown): boolean {
  return (
    error instanceof InvalidInputError || error instanceof NotFoundError || error instanceof UnknownSiteError
  );
}

/**
 * The SQS worker: advances one backup per message `{ site, backupId }`, reporting failed items so
 * SQS retries only those (the queue's visibility timeout is the backoff). Also callable by hand
 * with a bare `{ site, backupId }`.
 */
export const handler = lambda(async function advanceBackupHandler(
  event: unknown,
): Promise<SQSBatchResponse | { phase: string }> {
  const batch = sqsEvent.safeParse(event);
  if (!batch.success) return { phase: await advanceOne(event) };
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of batch.data.Records) {
    try {
      await advanceOne(parseBody(record.body));
    } catch (error) {
      const e = asError(error);
      if (isPermanent(error)) {
        logger.error('dropping advance-backup message', { messageId: record.messageId, error: e.message });
      } else {
        logger.warn('advance failed; SQS will retry', {
          messageId: record.messageId,
          error: e.name,
          message: e.message,
        });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
  }
  return { batchItemFailures: failures };
});
