import { advanceBackup } from '../../backup/advance-backup';
import { type Backup, isTerminal } from '../../backup/model';
import { startBackup } from '../../backup/start-backup';
import { backupPorts } from '../../backup/wiring';
import { findSite } from '../../config/load';
import { formatDuration } from '../../report/format';
import { type Invocation, secondsOption } from '../args';
import type { CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';

/** One line per observable state of each part, so a change prints once. */
function partStates(backup: Backup): Map<string, string> {
  const states = new Map<string, string>();
  for (const part of backup.status.parts) {
    const snapshot = `${part.state}${part.snapshotId === undefined ? '' : ` (${part.snapshotId})`}${part.error === undefined ? '' : `: ${part.error}`}`;
    states.set(`${part.sourceId} snapshot`, snapshot);
    if (part.copy.state !== 'skipped') {
      const copy = `${part.copy.state}${part.copy.snapshotId === undefined ? '' : ` (${part.copy.snapshotId})`}${part.copy.error === undefined ? '' : `: ${part.copy.error}`}`;
      states.set(`${part.sourceId} DR copy to ${part.copy.region}`, copy);
    }
  }
  states.set('phase', backup.status.phase);
  return states;
}

function reportChanges(ctx: CliContext, before: Map<string, string>, after: Map<string, string>): void {
  for (const [what, state] of after) {
    if (before.get(what) !== state)
      ctx.out.progress(what === 'phase' ? `phase ${state}` : `${what}: ${state}`);
  }
}

/** `lifeboat backup <site>`: starts a manual backup and advances it until it is terminal. */
export async function backupCommand(ctx: CliContext, invocation: Invocation): Promise<ExitCode> {
  const site = findSite(ctx.config, invocation.args.site ?? '');
  const interval = secondsOption(invocation, 'interval', ctx.endpoint === undefined ? 15 : 0.5);
  const timeout = secondsOption(invocation, 'timeout', 3600);
  const ports = backupPorts(ctx.clients, await ctx.catalog());
  const started = ctx.clock.now();

  let backup = await startBackup(ports, ctx.clock, {
    site,
    kind: 'manual',
    at: started,
    reason: 'lifeboat backup (command line)',
  });
  ctx.out.progress(
    `backup ${backup.id} of ${site.name}: ${backup.status.parts.length} part(s), DR copies to ${site.regions.dr}`,
  );
  let seen = new Map<string, string>();
  reportChanges(ctx, seen, partStates(backup));
  seen = partStates(backup);

  while (!isTerminal(backup.status.phase)) {
    if (ctx.clock.now().getTime() - started.getTime() > timeout) {
      ctx.out.error(
        `lifeboat: backup ${backup.id} is still ${backup.status.phase} after ${formatDuration(timeout)}; it goes on in AWS (see lifeboat list ${site.name})`,
      );
      return EXIT.failed;
    }
    await ctx.sleep(interval);
    backup = await advanceBackup(ports, ctx.clock, site, backup.id);
    const now = partStates(backup);
    reportChanges(ctx, seen, now);
    seen = now;
  }

  const took = formatDuration(ctx.clock.now().getTime() - started.getTime());
  if (ctx.json) {
    ctx.out.line(JSON.stringify(backup, null, 2));
  } else {
    ctx.out.line(`${backup.id}  ${backup.status.phase}  (${took})`);
    for (const part of backup.status.parts) {
      const copy =
        part.copy.snapshotId === undefined
          ? part.copy.state
          : `${part.copy.snapshotId} in ${part.copy.region}`;
      ctx.out.line(`  ${part.sourceId} → ${part.snapshotId ?? part.state}; DR copy ${copy}`);
    }
  }
  if (backup.status.phase === 'Completed') return EXIT.ok;
  ctx.out.error(
    `lifeboat: backup ${backup.id} ended ${backup.status.phase}: ${backup.status.failureReason ?? 'see the parts above'}`,
  );
  return EXIT.failed;
}
