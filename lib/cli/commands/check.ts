import { findSite } from '../../config/load';
import { costGuardOf } from '../../config/schema';
import { asError } from '../../errors';
import { awsReadinessPorts } from '../../readiness/aws-ports';
import { checkReadiness } from '../../readiness/check-readiness';
import { overallVerdict, type Readiness } from '../../readiness/model';
import { catalogReadinessStore } from '../../readiness/store';
import { formatTime } from '../../report/format';
import type { Invocation } from '../args';
import type { CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';

const MARK = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;

/** One site's checks as lines: a verdict headline, then each check with its reason. */
export function formatReadiness(readiness: Readiness): string {
  const count = (v: 'warn' | 'fail') => readiness.checks.filter((c) => c.verdict === v).length;
  const headline = {
    ok: 'READY',
    warn: `READY with ${count('warn')} warning${count('warn') === 1 ? '' : 's'}`,
    fail: `NOT READY: ${count('fail')} failing`,
  }[readiness.verdict];
  const width = Math.max(...readiness.checks.map((c) => c.title.length));
  const lines = readiness.checks.map((c) => `  ${MARK[c.verdict]}  ${c.title.padEnd(width)}  ${c.reason}`);
  return [`${readiness.site}: ${headline} (checked ${formatTime(readiness.checkedAt)})`, ...lines].join('\n');
}

/** `lifeboat check [site]`: would a recovery succeed now? Exit 1 when any check of any site fails. */
export async function checkCommand(ctx: CliContext, invocation: Invocation): Promise<ExitCode> {
  const name = invocation.args.site;
  const sites = name === undefined ? ctx.config.sites : [findSite(ctx.config, name)];
  const ports = awsReadinessPorts(ctx.clients, await ctx.catalog());
  const store = catalogReadinessStore(await ctx.objectStore());
  const options = {
    stage: ctx.deployment.stage,
    restoredDatabaseMaxAgeHours: costGuardOf(ctx.config).restoredDatabaseMaxAgeHours,
  };
  const results: Readiness[] = [];
  for (const site of sites) {
    const readiness = await checkReadiness(ports, ctx.clock, site, options);
    results.push(readiness);
    // The latest check is what `lifeboat status` shows; not being able to record it changes no verdict.
    await store.save(readiness).catch((error) => {
      ctx.out.error(`lifeboat: could not record the readiness of ${site.name}: ${asError(error).message}`);
    });
  }
  const verdict = overallVerdict(results);
  if (ctx.json) {
    ctx.out.line(JSON.stringify({ verdict, sites: results }, null, 2));
  } else {
    ctx.out.line(results.map(formatReadiness).join('\n\n'));
  }
  return verdict === 'fail' ? EXIT.failed : EXIT.ok;
}
