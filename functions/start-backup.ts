import { z } from 'zod';
import { startBackup } from '../lib/backup/start-backup';
import { backupLimitsFromEnv, defaultBackupPorts } from '../lib/backup/wiring';
import { systemClock } from '../lib/clock';
import { defaultConfig, findSite } from '../lib/config/load';
import { InvalidInputError } from '../lib/errors';
import { lambda } from '../lib/middleware/lambda';

/**
 * The schedule passes `{ site, time }` (time is the EventBridge event's scheduled time, so a
 * duplicate delivery names the same backup); by hand, `{ site }` starts a manual backup now.
 */
const input = z.object({
  site: z.string().min(1),
  time: z.iso.datetime({ offset: true }).optional(),
  kind: z.enum(['scheduled', 'manual']).optional(),
  reason: z.string().max(500).optional(),
});

const limits = backupLimitsFromEnv();

/**
 * Starts a backup of one site: records it as Pending, then finds its volumes and database and
 * snapshots them. A throttled discovery ends the call without error: the backup is recorded, and
 * the sweeper finishes the discovery (`discovered: false` in the answer).
 */
export const handler = lambda(async function startBackupHandler(event: unknown) {
  const parsed = input.safeParse(event);
  if (!parsed.success) {
    throw new InvalidInputError(`invalid start-backup input: ${z.prettifyError(parsed.error)}`);
  }
  const site = findSite(defaultConfig(), parsed.data.site);
  const kind = parsed.data.kind ?? (parsed.data.time === undefined ? 'manual' : 'scheduled');
  // Whole seconds: the id is second-precise, and a retried manual call within the second is one backup.
  const at = new Date(
    Math.floor((parsed.data.time ? Date.parse(parsed.data.time) : Date.now()) / 1000) * 1000,
  );
  const backup = await startBackup(
    defaultBackupPorts(),
    systemClock,
    { site, kind, at, reason: parsed.data.reason },
    limits,
  );
  return {
    site: site.name,
    backupId: backup.id,
    phase: backup.status.phase,
    discovered: backup.status.discovered !== false,
    parts: backup.status.parts.map((p) => ({
      kind: p.kind,
      sourceId: p.sourceId,
      snapshotId: p.snapshotId,
      state: p.state,
    })),
  };
});
