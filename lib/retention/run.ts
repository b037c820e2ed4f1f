import { type Clock, reached } from '../clock';
import type { Site } from '../config/schema';
import { asError } from '../errors';
import { applyRetention, type RetentionReport, type RetentionTrust } from './apply-retention';
import type { RetentionPorts } from './ports';
import { RETENTION_QUEUE, type RetentionContinuation } from './retention-queue';
import { retiredScan } from './retired-databases';

/** A site whose retention could not run at all (its report says why); the next site still runs. */
export interface SiteFailure {
  site: string;
  dryRun: boolean;
  error: string;
}

export interface RetentionRunOptions {
  dryRun: boolean;
  trust: RetentionTrust;
  /** No deletion (and no site) begins at or after this time; what is left is returned in `remaining`. */
  stopBy?: Date;
  /** Told each site's outcome as it ends (the handler logs it: progress on a long run). */
  onSite?(outcome: RetentionReport | SiteFailure): void;
}

export interface RetentionRunOutcome {
  reports: (RetentionReport | SiteFailure)[];
  /** The sites this invocation did not finish, in order; empty when the run is done. */
  remaining: string[];
}

/**
 * One invocation's share of a retention run: each site in order, one listing of retired databases
 * per region for all of them, and one site's failure never stopping the next. It stops at `stopBy`
 * and returns the sites left, so a run at any fleet size ends in invocations Lambda does not kill;
 * every site is planned again from the catalog and AWS, so handing one on mid-way loses nothing.
 */
export async function runRetention(
  ports: RetentionPorts,
  clock: Clock,
  sites: readonly Site[],
  options: RetentionRunOptions,
): Promise<RetentionRunOutcome> {
  const { dryRun, trust, stopBy } = options;
  const scan = retiredScan(ports, trust.stage);
  const reports: (RetentionReport | SiteFailure)[] = [];
  for (const [index, site] of sites.entries()) {
    if (!dryRun && reached(clock, stopBy))
      return { reports, remaining: sites.slice(index).map((s) => s.name) };
    let outcome: RetentionReport | SiteFailure;
    try {
      outcome = await applyRetention(ports, clock, site, { dryRun, trust, retiredScan: scan, stopBy });
    } catch (error) {
      const e = asError(error);
      outcome = { site: site.name, dryRun, error: `${e.name}: ${e.message}` };
    }
    reports.push(outcome);
    options.onSite?.(outcome);
    if ('deferred' in outcome && outcome.deferred > 0)
      return { reports, remaining: sites.slice(index).map((s) => s.name) };
  }
  return { reports, remaining: [] };
}

/**
 * What follows invocation `pass` of a run that left `remaining`: nothing when it is done, else the
 * next invocation's continuation, or, after maxPasses, the sites that wait for the next day's run.
 */
export function handOn(
  pass: number,
  remaining: readonly string[],
  startedAt: string,
): { next?: RetentionContinuation; leftForTomorrow?: string[] } {
  if (remaining.length === 0) return {};
  if (pass >= RETENTION_QUEUE.maxPasses) return { leftForTomorrow: [...remaining] };
  return { next: { sites: [...remaining], pass: pass + 1, startedAt } };
}
