import type { Site } from '../../config/schema';
import { NotFoundError } from '../../errors';
import type { Recovery } from '../../recovery/model';
import { type Invocation, secondsOption, stringOption } from '../args';
import { type CliContext, findRecovery } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { exitCodeOf, followRecovery, printRecovery } from '../follow';
import { fleetStatusCommand } from './fleet';

/** How long --follow waits for a run's record: its first step writes it a moment after the start. */
const APPEAR_MS = 30_000;

/** The recovery; with --follow, one that is not recorded yet is waited for a little before exit 4. */
async function findOrAwait(
  ctx: CliContext,
  id: string,
  siteName: string | undefined,
  follow: { intervalMs: number; timeoutMs: number } | undefined,
): Promise<{ site: Site; recovery: Recovery }> {
  const deadline = ctx.clock.now().getTime() + Math.min(APPEAR_MS, follow?.timeoutMs ?? 0);
  let told = false;
  for (;;) {
    try {
      return await findRecovery(ctx, id, siteName);
    } catch (error) {
      if (follow === undefined || !(error instanceof NotFoundError) || ctx.clock.now().getTime() > deadline)
        throw error;
      if (!told) ctx.out.progress(`waiting for ${id} to appear in the catalog`);
      told = true;
      await ctx.sleep(follow.intervalMs);
    }
  }
}

/** `lifeboat status <recovery-id> [--follow]`: a recovery's steps, live with --follow; no id: the fleet. */
export async function statusCommand(ctx: CliContext, invocation: Invocation): Promise<ExitCode> {
  const id = invocation.args['recovery-id'];
  if (id === undefined) return fleetStatusCommand(ctx);
  const poll =
    invocation.options.follow === true
      ? {
          intervalMs: secondsOption(invocation, 'interval', ctx.endpoint === undefined ? 5 : 0.5),
          timeoutMs: secondsOption(invocation, 'timeout', 3600),
        }
      : undefined;
  const { site, recovery } = await findOrAwait(ctx, id, stringOption(invocation, 'site'), poll);
  if (poll === undefined || recovery.status.phase !== 'Running') {
    printRecovery(ctx, recovery);
    return exitCodeOf(recovery);
  }
  const ended = await followRecovery(ctx, site, id, poll);
  if (ended === undefined) return EXIT.failed;
  printRecovery(ctx, ended);
  return ended.status.phase === 'Running' ? EXIT.failed : exitCodeOf(ended);
}
