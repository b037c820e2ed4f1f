import { z } from 'zod';
import { defaultBackupPorts } from '../lib/backup/wiring';
import { systemClock } from '../lib/clock';
import { defaultConfig, findSite } from '../lib/config/load';
import { InvalidInputError } from '../lib/errors';
import { lambda, logger } from '../lib/middleware/lambda';
import { applyRetention } from '../lib/retention/apply-retention';

/** `{}` for every site, `{ site }` for one; `dryRun: true` lists what would go, and why, deleting nothing. */
const input = z.object({
  site: z.string().min(1).optional(),
  dryRun: z.boolean().default(false),
});

/** The daily retention job: applies each site's keep-N-daily/weekly/monthly policy in both regions. */
export const handler = lambda(async function applyRetentionHandler(event: unknown) {
  const parsed = input.safeParse(event ?? {});
  if (!parsed.success) {
    throw new InvalidInputError(`invalid apply-retention input: ${z.prettifyError(parsed.error)}`);
  }
  const config = defaultConfig();
  const sites = parsed.data.site === undefined ? config.sites : [findSite(config, parsed.data.site)];
  const reports = [];
  for (const site of sites) {
    const report = await applyRetention(defaultBackupPorts(), systemClock, site, {
      dryRun: parsed.data.dryRun,
    });
    logger.info('retention applied', {
      site: site.name,
      dryRun: report.dryRun,
      deleted: report.deleted,
      failed: report.failed,
    });
    reports.push(report);
  }
  return { dryRun: parsed.data.dryRun, reports };
});
