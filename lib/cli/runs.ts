import { SfnAdapter } from '../aws/sfn';
import type { Site } from '../config/schema';
import type { Recovery } from '../recovery/model';
import { recoveryExecutionName, recoveryIdFor } from '../recovery/start-recovery';
import { type Invocation, secondsOption } from './args';
import { type CliContext, stateMachineArnFor } from './context';
import { EXIT, type ExitCode } from './exit-codes';
import { exitCodeOf, followRecovery, printRecovery } from './follow';

/** The executions of the recovery, promote or drill state machine named on the command line. */
export function executionsFor(
  ctx: CliContext,
  invocation: Invocation,
  kind: 'recovery' | 'promote' | 'drill',
): SfnAdapter {
  const { arn, region } = stateMachineArnFor(ctx, invocation, kind);
  return new SfnAdapter(ctx.clients.sfn(region), arn);
}

/** Starts a promote or drill run: the execution input of a recovery (RecoveryExecutionInput). */
export async function startRun(
  ctx: CliContext,
  invocation: Invocation,
  site: Site,
  kind: 'promote' | 'drill',
  options: Partial<Recovery['spec']['options']>,
): Promise<{ recoveryId: string; executionArn: string }> {
  const executions = executionsFor(ctx, invocation, kind);
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
  return { recoveryId, executionArn: started.executionArn };
}

/** With --follow, follows the run to its end and returns its exit code; otherwise says how to. */
export async function maybeFollow(
  ctx: CliContext,
  invocation: Invocation,
  site: Site,
  recoveryId: string,
): Promise<ExitCode> {
  if (invocation.options.follow !== true) {
    ctx.out.line(`follow it with: lifeboat status ${recoveryId} --follow`);
    return EXIT.ok;
  }
  const ended = await followRecovery(ctx, site, recoveryId, {
    intervalMs: secondsOption(invocation, 'interval', ctx.endpoint === undefined ? 5 : 0.5),
    timeoutMs: secondsOption(invocation, 'timeout', 3600),
  });
  if (ended === undefined || ended.status.phase === 'Running') return EXIT.failed;
  printRecovery(ctx, ended);
  return exitCodeOf(ended);
}
