import { findSite } from '../../config/load';
import { NotFoundError } from '../../errors';
import type { Recovery } from '../../recovery/model';
import { assertSandboxNotPromoted } from '../../recovery/start-recovery';
import { type Invocation, stringOption } from '../args';
import type { CliContext } from '../context';
import type { ExitCode } from '../exit-codes';
import { UsageError } from '../exit-codes';
import { afterStart, startRun } from '../runs';

/**
 * `lifeboat promote <site> [--from RECOVERY_ID] [--discard-changes] [--database sandbox|replacement]`:
 * promotes the sandbox of the last recovery; the promote refuses (UnsavedChangesError) when the
 * replacement changed anything since it was launched, unless --discard-changes.
 */
export async function promoteCommand(ctx: CliContext, invocation: Invocation): Promise<ExitCode> {
  const site = findSite(ctx.config, invocation.args.site ?? '');
  const from = stringOption(invocation, 'from');
  const database = stringOption(invocation, 'database');
  if (database !== undefined && database !== 'sandbox' && database !== 'replacement')
    throw new UsageError(`--database: "${database}" is not sandbox or replacement`);
  const catalog = await ctx.catalog();
  let source: Recovery | undefined;
  if (from !== undefined) {
    source = await catalog.getRecovery(site.name, from);
    if (source === undefined) throw new NotFoundError(`no recovery ${from} of ${site.name} in the catalog`);
  } else {
    for await (const recovery of catalog.allRecoveries(site.name)) {
      if (recovery.spec.kind === 'recovery' && recovery.status.sandbox !== undefined) {
        source = recovery;
        break;
      }
    }
  }
  if (source?.status.sandbox === undefined) {
    throw new NotFoundError(
      from === undefined
        ? `no recovery of ${site.name} has a sandbox to promote`
        : `recovery ${from} has no sandbox to promote`,
    );
  }
  await assertSandboxNotPromoted(catalog, site.name, source.id);
  const discardChanges = invocation.options['discard-changes'] === true;
  const run = await startRun(ctx, invocation, site, 'promote', {
    sourceRecoveryId: source.id,
    ...(discardChanges ? { discardChanges } : {}),
    ...(database === undefined ? {} : { promoteDatabase: database }),
  });
  if (!ctx.json) {
    ctx.out.line(
      `promote ${run.recoveryId} of ${site.name} started: sandbox ${source.status.sandbox.recordName} of recovery ${source.id}`,
    );
    ctx.out.line(
      discardChanges
        ? '  --discard-changes: what the replacement changed since it was launched is dropped (measured and recorded first)'
        : '  it first measures what the replacement changed since it was launched, and refuses if anything (--discard-changes to drop it)',
    );
    ctx.out.line(
      database === 'replacement'
        ? "  --database replacement: the final task runs against the replacement's database; the sandbox's is stopped after a final snapshot"
        : "  the final task runs against the sandbox's database (the live one if the sandbox ran on it); the replacement's is stopped after a final snapshot",
    );
    ctx.out.line(`  execution ${run.executionArn}`);
  }
  return afterStart(ctx, invocation, site, run);
}
