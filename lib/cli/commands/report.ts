import { resolve } from 'node:path';
import type { Backup } from '../../backup/model';
import { writeRecoveryReport } from '../../report/write-report';
import { type Invocation, stringOption } from '../args';
import { type CliContext, findRecovery } from '../context';
import { EXIT, type ExitCode, UsageError } from '../exit-codes';
import { fleetReportCommand } from './fleet';

/** `lifeboat report <recovery-id> [--out DIR]`: writes the HTML and Markdown report; --fleet: the fleet page. */
export async function reportCommand(ctx: CliContext, invocation: Invocation): Promise<ExitCode> {
  if (invocation.options.fleet === true) return fleetReportCommand(ctx, invocation);
  const id = invocation.args['recovery-id'];
  if (id === undefined) throw new UsageError('report: missing <recovery-id> (or --fleet for every site)');
  const { site, recovery } = await findRecovery(ctx, id, stringOption(invocation, 'site'));
  const backups: Backup[] = [];
  for await (const backup of (await ctx.catalog()).allBackups(site.name)) backups.push(backup);
  const dir = resolve(stringOption(invocation, 'out') ?? 'out');
  const paths = await writeRecoveryReport(dir, recovery, backups, ctx.clock.now());
  if (ctx.json) {
    ctx.out.line(JSON.stringify({ recoveryId: recovery.id, site: site.name, ...paths }, null, 2));
  } else {
    ctx.out.line(paths.html);
    ctx.out.line(paths.markdown);
  }
  return EXIT.ok;
}
