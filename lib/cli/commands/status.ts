import { type Invocation, secondsOption, stringOption } from '../args';
import { type CliContext, findRecovery } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { exitCodeOf, followRecovery, printRecovery } from '../follow';
import { fleetStatusCommand } from './fleet';

/** `lifeboat status <recovery-id> [--follow]`: a recovery's steps, live with --follow; no id: the fleet. */
export async function statusCommand(ctx: CliContext, invocation: Invocation): Promise<ExitCode> {
  const id = invocation.args['recovery-id'];
  if (id === undefined) return fleetStatusCommand(ctx);
  const { site, recovery } = await findRecovery(ctx, id, stringOption(invocation, 'site'));
  if (invocation.options.follow !== true || recovery.status.phase !== 'Running') {
    printRecovery(ctx, recovery);
    return exitCodeOf(recovery);
  }
  const ended = await followRecovery(ctx, site, id, {
    intervalMs: secondsOption(invocation, 'interval', ctx.endpoint === undefined ? 5 : 0.5),
    timeoutMs: secondsOption(invocation, 'timeout', 3600),
  });
  if (ended === undefined) return EXIT.failed;
  printRecovery(ctx, ended);
  return ended.status.phase === 'Running' ? EXIT.failed : exitCodeOf(ended);
}
