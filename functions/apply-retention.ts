import { z } from 'zod';
import { sqsRecords } from '../lib/backup/events';
import { systemClock } from '../lib/clock';
import { defaultConfig, findSite } from '../lib/config/load';
import type { Site } from '../lib/config/schema';
import { getStringFromEnv } from '../lib/env';
import { asError, InvalidInputError } from '../lib/errors';
import { lambda, logger, stopTime } from '../lib/middleware/lambda';
import type { RetentionReport } from '../lib/retention/apply-retention';
import {
  RETENTION_QUEUE,
  type RetentionContinuation,
  retentionContinuation,
} from '../lib/retention/retention-queue';
import { handOn, runRetention, type SiteFailure } from '../lib/retention/run';
import { defaultRetentionContinuations, defaultRetentionPorts } from '../lib/retention/wiring';

/** `{}` for every site, `{ site }` for one; `dryRun: true` lists what would go, and why, deleting nothing. */
const input = z.object({
  site: z.string().min(1).optional(),
  dryRun: z.boolean().default(false),
});

/**
 * Who retention runs as, read once: LIFEBOAT_ACCOUNT_ID (the template sets it to
 * `${AWS::AccountId}`; no STS call at run time) and LIFEBOAT_STAGE (`${sls:stage}`).
 */
let trust: { accountId: string; stage: string } | undefined;
function trustFromEnv() {
  trust ??= { accountId: getStringFromEnv('LIFEBOAT_ACCOUNT_ID'), stage: getStringFromEnv('LIFEBOAT_STAGE') };
  return trust;
}

interface RunResult {
  dryRun: boolean;
  reports: (RetentionReport | SiteFailure)[];
  /** The sites handed to the next invocation (RetentionRunQueue), and which invocation of the run it is. */
  continued?: { sites: number; pass: number };
  /** Sites the run gave up on after maxPasses invocations: the next day's run takes them. */
  leftForTomorrow?: string[];
}

function logSite(outcome: RetentionReport | SiteFailure) {
  if ('error' in outcome) {
    logger.error('retention failed for a site', { site: outcome.site, error: outcome.error });
    return;
  }
  logger.info('retention applied', {
    site: outcome.site,
    dryRun: outcome.dryRun,
    deleted: outcome.deleted,
    failed: outcome.failed,
    refused: outcome.refused,
    waiting: outcome.waiting,
    deferred: outcome.deferred,
    anomalies: outcome.anomalies.length,
  });
  for (const item of outcome.items.filter((i) => i.outcome === 'refused'))
    logger.warn('retention refused a deletion', {
      site: outcome.site,
      backupId: item.backupId,
      refusals: item.refusals,
    });
}

/**
 * One invocation's share of a run: the sites in order until `finishReserveMs` before the timeout,
 * then the rest to RetentionRunQueue for the next invocation (at most maxPasses in all).
 */
async function run(
  sites: Site[],
  dryRun: boolean,
  pass: number,
  startedAt: string,
  stopBy: Date | undefined,
): Promise<RunResult> {
  const { reports, remaining } = await runRetention(defaultRetentionPorts(), systemClock, sites, {
    dryRun,
    trust: trustFromEnv(),
    ...(stopBy === undefined ? {} : { stopBy }),
    onSite: logSite,
  });
  const { next, leftForTomorrow } = handOn(pass, remaining, startedAt);
  if (leftForTomorrow !== undefined) {
    logger.error('retention run gave up: the sites left wait for the next day', {
      passes: pass,
      startedAt,
      sites: leftForTomorrow,
    });
    return { dryRun, reports, leftForTomorrow };
  }
  if (next === undefined) return { dryRun, reports };
  await defaultRetentionContinuations().send(next);
  logger.info('retention run continues in the next invocation', {
    sites: remaining.length,
    pass: next.pass,
    startedAt,
  });
  return { dryRun, reports, continued: { sites: remaining.length, pass: next.pass } };
}

/** The sites a continuation names that are still configured; one removed since is reported, not run. */
function continuedSites(names: string[]): { sites: Site[]; gone: SiteFailure[] } {
  const config = defaultConfig();
  const byName = new Map(config.sites.map((s) => [s.name, s]));
  const sites: Site[] = [];
  const gone: SiteFailure[] = [];
  for (const name of names) {
    const site = byName.get(name);
    if (site === undefined)
      gone.push({ site: name, dryRun: false, error: 'not in the configuration any more: not run' });
    else sites.push(site);
  }
  return { sites, gone };
}

/**
 * The daily retention job: applies each site's keep-N-daily/weekly/monthly policy in both
 * regions. Invoked by its schedule or by hand (`{}`, `{ site }`, `dryRun`), and by
 * RetentionRunQueue with a run's continuation when the sites outlast one invocation. A
 * continuation that does not parse is logged and dropped (it can never succeed).
 */
export const handler = lambda(async function applyRetentionHandler(
  event: unknown,
  context?: { getRemainingTimeInMillis?: () => number },
) {
  const stopBy = () => stopTime(context, RETENTION_QUEUE.finishReserveMs);
  const records = sqsRecords(event);
  if (records !== undefined) {
    const results: RunResult[] = [];
    for (const record of records) {
      let parsed: RetentionContinuation;
      try {
        parsed = retentionContinuation.parse(JSON.parse(record.body));
      } catch (error) {
        logger.error('dropping a retention continuation that can never succeed', {
          messageId: record.messageId,
          error: asError(error).message,
        });
        continue;
      }
      const { sites, gone } = continuedSites(parsed.sites);
      for (const g of gone) logSite(g);
      const result = await run(sites, false, parsed.pass, parsed.startedAt, stopBy());
      results.push({ ...result, reports: [...gone, ...result.reports] });
    }
    return { continuations: results };
  }
  const parsed = input.safeParse(event ?? {});
  if (!parsed.success) {
    throw new InvalidInputError(`invalid apply-retention input: ${z.prettifyError(parsed.error)}`);
  }
  const { dryRun } = parsed.data;
  const config = defaultConfig();
  const sites = parsed.data.site === undefined ? config.sites : [findSite(config, parsed.data.site)];
  return run(sites, dryRun, 1, new Date().toISOString(), stopBy());
});
