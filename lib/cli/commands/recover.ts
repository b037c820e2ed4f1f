import { findSite } from '../../config/load';
import { startRecovery } from '../../recovery/start-recovery';
import { formatTime } from '../../report/format';
import { type Invocation, stringOption } from '../args';
import { type CliContext, executionsFor } from '../context';
import { EXIT, type ExitCode, UsageError } from '../exit-codes';
import { planRecovery } from '../plan';
import { afterStart } from '../runs';

function sinceOf(invocation: Invocation, now: Date): Date {
  const raw = stringOption(invocation, 'since');
  if (raw === undefined) return now;
  const since = new Date(raw);
  if (Number.isNaN(since.getTime()))
    throw new UsageError(`--since: "${raw}" is not a time such as 2026-11-23T09:39:00Z`);
  if (since.getTime() > now.getTime()) throw new UsageError('--since: the outage cannot begin in the future');
  return since;
}

/** `lifeboat recover <site> [--dry-run] [--backup ID]`: starts a recovery, or prints its plan. */
export async function recoverCommand(ctx: CliContext, invocation: Invocation): Promise<ExitCode> {
  const site = findSite(ctx.config, invocation.args.site ?? '');
  const now = ctx.clock.now();
  const since = sinceOf(invocation, now);
  const backupId = stringOption(invocation, 'backup');
  const skipSandbox = invocation.options['skip-sandbox'] === true;

  if (invocation.options['dry-run'] === true) {
    const plan = await planRecovery(await ctx.catalog(), site, since, { backupId, skipSandbox });
    if (ctx.json) {
      ctx.out.line(JSON.stringify(plan, null, 2));
    } else {
      ctx.out.line(
        `Plan to recover ${site.name} from an outage that began ${formatTime(plan.outageStartedAt)} (dry run: nothing changed)`,
      );
      plan.steps.forEach((step, i) => {
        ctx.out.line(`  ${i + 1}. ${step}`);
      });
    }
    return plan.candidates.length === 0 ? EXIT.failed : EXIT.ok;
  }

  const executions = await executionsFor(ctx, invocation, 'recovery');
  const result = await startRecovery({ catalog: await ctx.catalog(), executions }, ctx.clock, {
    site,
    trigger: {
      source: 'manual',
      incidentKey: `manual:${site.name}:${now.toISOString()}`,
      outageStartedAt: since,
      summary: `manual recovery from the lifeboat command line${ctx.env.USER === undefined ? '' : ` by ${ctx.env.USER}`}`,
    },
    options: { backupId, skipSandbox },
  });
  if (result.outcome === 'ignored') {
    ctx.out.error(`lifeboat: recovery not started: ${result.why}`);
    return EXIT.failed;
  }
  if (!ctx.json) {
    ctx.out.line(`recovery ${result.recoveryId} of ${site.name} started`);
    ctx.out.line(`  execution ${result.executionArn}`);
  }
  return afterStart(ctx, invocation, site, {
    kind: 'recovery',
    recoveryId: result.recoveryId,
    executionArn: result.executionArn,
    localRun: executions.localRun(),
  });
}
