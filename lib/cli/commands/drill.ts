import { findSite } from '../../config/load';
import { NotFoundError } from '../../errors';
import { type Invocation, stringOption } from '../args';
import type { CliContext } from '../context';
import type { ExitCode } from '../exit-codes';
import { afterStart, startRun } from '../runs';

/** `lifeboat drill <site> [--backup ID]`: starts a restore drill of the newest (or given) backup. */
export async function drillCommand(ctx: CliContext, invocation: Invocation): Promise<ExitCode> {
  const site = findSite(ctx.config, invocation.args.site ?? '');
  const backupId = stringOption(invocation, 'backup');
  if (backupId !== undefined && (await (await ctx.catalog()).getBackup(site.name, backupId)) === undefined) {
    throw new NotFoundError(`backup ${backupId} of ${site.name} is not in the catalog`);
  }
  const run = await startRun(ctx, invocation, site, 'drill', backupId === undefined ? {} : { backupId });
  if (!ctx.json) {
    ctx.out.line(
      `drill ${run.recoveryId} of ${site.name} started${backupId === undefined ? '' : ` on backup ${backupId}`}`,
    );
    ctx.out.line(`  execution ${run.executionArn}`);
    ctx.out.line(`the verdict lands on the backup: lifeboat list ${site.name}`);
  }
  return afterStart(ctx, invocation, site, run);
}
