import { z } from 'zod';
import { advanceBackup } from '../lib/backup/advance-backup';
import { snsMessages } from '../lib/backup/events';
import { SnapshotReads } from '../lib/backup/snapshot-reads';
import { backupLimitsFromEnv, defaultBackupPorts } from '../lib/backup/wiring';
import { systemClock } from '../lib/clock';
import { defaultConfig, findSite } from '../lib/config/load';
import { asError, InvalidInputError, NotFoundError, UnknownSiteError } from '../lib/errors';
import { lambda, logger } from '../lib/middleware/lambda';

const ref = z.object({ site: z.string().min(1), backupId: z.string().min(1) });
/** The sweeper sends one backup, or several (lib/backup/dispatch.ts WORK_PER_MESSAGE). */
const batch = z.object({ backups: z.array(ref).min(1) });

const limits = backupLimitsFromEnv();

function parseMessage(message: string): unknown {
  try {
    return JSON.parse(message);
  } catch (error) {
    throw new InvalidInputError('advance-backup message is not JSON', {}, { cause: error });
  }
}

/** Work that can never succeed: dropped (logged) rather than retried. */
function isPermanent(error: unknown): boolean {
  return (
    error instanceof InvalidInputError || error instanceof NotFoundError || error instanceof UnknownSiteError
  );
}

async function advanceOne(
  body: unknown,
  reads?: SnapshotReads,
): Promise<{ site: string; backupId: string; phase: string }> {
  const parsed = ref.safeParse(body);
  if (!parsed.success) {
    throw new InvalidInputError(`invalid advance-backup input: ${z.prettifyError(parsed.error)}`);
  }
  const config = defaultConfig();
  const site = findSite(config, parsed.data.site);
  const backup = await advanceBackup(defaultBackupPorts(), systemClock, site, parsed.data.backupId, limits, {
    sites: config.sites,
    fromSweeper: true,
    reads,
  });
  return { site: site.name, backupId: backup.id, phase: backup.status.phase };
}

/**
 * The sweeper's worker: advances the backup of each work-topic message `{ site, backupId }`.
 * Transient failures (throttling, a lost race) are thrown so Lambda retries the asynchronous
 * invocation with backoff; the next sweep dispatches the backup again anyway. Also callable by
 * hand with a bare `{ site, backupId }`.
 */
export const handler = lambda(async function advanceBackupHandler(event: unknown) {
  const messages = snsMessages(event);
  if (messages === undefined) return advanceOne(event);
  const bodies = messages.flatMap((message): unknown[] => {
    try {
      const body = parseMessage(message);
      const many = batch.safeParse(body);
      return many.success ? many.data.backups : [body];
    } catch (error) {
      logger.error('dropping advance-backup message that can never succeed', {
        error: asError(error).message,
      });
      return [];
    }
  });
  // Together: each waits at most its pacing wait, so the batch fits the function's timeout. One
  // count of the copies in flight serves the whole message.
  const reads = new SnapshotReads(defaultBackupPorts());
  const results = await Promise.all(
    bodies.map(async (body) => {
      try {
        return await advanceOne(body, reads);
      } catch (error) {
        if (!isPermanent(error)) throw error;
        logger.error('dropping advance-backup message that can never succeed', {
          error: asError(error).message,
        });
        return undefined;
      }
    }),
  );
  return { advanced: results.filter((r) => r !== undefined) };
});
