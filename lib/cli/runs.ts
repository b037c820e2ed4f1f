import type { Site } from '../config/schema';
import type { Recovery } from '../recovery/model';
import { recoveryExecutionName, recoveryIdFor } from '../recovery/start-recovery';
import { type Invocation, secondsOption } from './args';
import { type CliContext, executionsFor } from './context';
import type { LocalExecutionEnd } from './executions';
import { EXIT, type ExitCode, OperationFailedError } from './exit-codes';
import { exitCodeOf, followRecovery, printRecovery } from './follow';

/** A run the CLI started: its ids and, when it runs in this process, how it ends. */
export interface StartedRun {
  kind: Recovery['spec']['kind'];
  recoveryId: string;
  executionArn: string;
  localRun?: Promise<LocalExecutionEnd>;
}

/** Starts a promote or drill run: the execution input of a recovery (RecoveryExecutionInput). */
export async function startRun(
  ctx: CliContext,
  invocation: Invocation,
  site: Site,
  kind: 'promote' | 'drill',
  options: Partial<Recovery['spec']['options']>,
): Promise<StartedRun> {
  const executions = await executionsFor(ctx, invocation, kind);
  const now = ctx.clock.now();
  const incidentKey = `${kind}:${site.name}:${now.toISOString()}`;
  const recoveryId = recoveryIdFor(now, incidentKey);
  const input = {
    site: site.name,
    recoveryId,
    kind,
    trigger: {
      source: 'manual',
      incidentKey,
      outageStartedAt: now.toISOString(),
      receivedAt: now.toISOString(),
      summary: `${kind} from the lifeboat command line${ctx.env.USER === undefined ? '' : ` by ${ctx.env.USER}`}`,
    },
    options: { dryRun: false, skipSandbox: kind === 'drill', database: 'keep', ...options },
  };
  const started = await executions.start(recoveryExecutionName(site.name, recoveryId), input);
  return { kind, recoveryId, executionArn: started.executionArn, localRun: executions.localRun() };
}

/** Polling options of --follow: every --interval until --timeout. */
function pollOf(ctx: CliContext, invocation: Invocation) {
  return {
    intervalMs: secondsOption(invocation, 'interval', ctx.endpoint === undefined ? 5 : 0.5),
    timeoutMs: secondsOption(invocation, 'timeout', 3600),
  };
}

/**
 * What a start command does once its run is started. In Step Functions: with --follow, follows it
 * to its end and exits by its outcome, otherwise says how to follow it. Run in this process (the
 * emulator): waits for its end either way, since the run ends with this process.
 */
export async function afterStart(
  ctx: CliContext,
  invocation: Invocation,
  site: Site,
  run: StartedRun,
): Promise<ExitCode> {
  const follow = invocation.options.follow === true;
  const hint = `follow it with: lifeboat status ${run.recoveryId} --follow`;
  if (run.localRun === undefined) {
    if (!follow) {
      if (ctx.json) ctx.out.line(JSON.stringify({ site: site.name, ...run }, null, 2));
      else ctx.out.line(hint);
      return EXIT.ok;
    }
    const ended = await followRecovery(ctx, site, run.recoveryId, pollOf(ctx, invocation));
    if (ended === undefined || ended.status.phase === 'Running') return EXIT.failed;
    printRecovery(ctx, ended);
    return exitCodeOf(ended);
  }

  if (!follow) ctx.out.progress(`running here on the emulator until it ends; ${hint} (from another shell)`);
  let over = false;
  const local = run.localRun.finally(() => {
    over = true;
  });
  const followed = follow
    ? followRecovery(ctx, site, run.recoveryId, { ...pollOf(ctx, invocation), isOver: () => over })
    : undefined;
  const end = await local;
  await followed;
  const recovery = await (await ctx.catalog()).getRecovery(site.name, run.recoveryId);
  if (recovery === undefined) {
    throw new OperationFailedError(
      `the ${run.kind} ${run.recoveryId} ended ${end.status} before it was recorded: ${end.error ?? 'no error'}${end.cause === undefined ? '' : `: ${end.cause}`}`,
    );
  }
  printRecovery(ctx, recovery);
  return exitCodeOf(recovery);
}
