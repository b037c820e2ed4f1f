import { z } from 'zod';
import { systemClock } from '../lib/clock';
import { defaultConfig, findSite } from '../lib/config/load';
import { getStringFromEnv } from '../lib/env';
import { asError, InvalidInputError } from '../lib/errors';
import { lambda, logger } from '../lib/middleware/lambda';
import { applyRetention, type RetentionReport } from '../lib/retention/apply-retention';
import { retiredScan } from '../lib/retention/retired-databases';
import { defaultRetentionPorts } from '../lib/retention/wiring';

/** `{}` for every site, `{ site }` for one; `dryRun: true` lists what would go, and why, deleting nothing. */
const input = z.object({
  site: z.string().min(1).optional(),
  dryRun: z.boolean().default(false),
});

/** A site whose retention could not run at all (its report says why); the next site still runs. */
type SiteFailure = { site: string; dryRun: boolean; error: string };

/**
 * Who retention runs as, read once: LIFEBOAT_ACCOUNT_ID (the template sets it to
 * `${AWS::AccountId}`; no STS call at run time) and LIFEBOAT_STAGE (`${sls:stage}`).
 */
let trust: { accountId: string; stage: string } | undefined;
function trustFromEnv() {
  trust ??= { accountId: getStringFromEnv('LIFEBOAT_ACCOUNT_ID'), stage: getStringFromEnv('LIFEBOAT_STAGE') };
  return trust;
}

/** The daily retention job: applies each site's keep-N-daily/weekly/monthly policy in both regions. */
export const handler = lambda(async function applyRetentionHandler(event: unknown) {
  const parsed = input.safeParse(event ?? {});
  if (!parsed.success) {
    throw new InvalidInputError(`invalid apply-retention input: ${z.prettifyError(parsed.error)}`);
  }
  const { dryRun } = parsed.data;
  const config = defaultConfig();
  const sites = parsed.data.site === undefined ? config.sites : [findSite(config, parsed.data.site)];
  const who = trustFromEnv();
  const reports: (RetentionReport | SiteFailure)[] = [];
  // Retired databases are listed once per region for the whole run, not once per site.
  const retiredDatabases = retiredScan(defaultRetentionPorts(), who.stage);
  for (const site of sites) {
    // One site's failure (an unreadable catalog, an AWS outage in its region) never stops the next.
    try {
      const report = await applyRetention(defaultRetentionPorts(), systemClock, site, {
        dryRun,
        trust: who,
        retiredScan: retiredDatabases,
      });
      logger.info('retention applied', {
        site: site.name,
        dryRun,
        deleted: report.deleted,
        failed: report.failed,
        refused: report.refused,
        waiting: report.waiting,
        anomalies: report.anomalies.length,
      });
      for (const item of report.items.filter((i) => i.outcome === 'refused'))
        logger.warn('retention refused a deletion', {
          site: site.name,
          backupId: item.backupId,
          refusals: item.refusals,
        });
      reports.push(report);
    } catch (error) {
      const e = asError(error);
      logger.error('retention failed for a site', {
        site: site.name,
        error: { name: e.name, message: e.message },
      });
      reports.push({ site: site.name, dryRun, error: `${e.name}: ${e.message}` });
    }
  }
  return { dryRun, reports };
});
