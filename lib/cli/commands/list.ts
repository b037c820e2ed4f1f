import type { Backup } from '../../backup/model';
import { findSite } from '../../config/load';
import { costGuardOf } from '../../config/schema';
import { findRestoredDatabases } from '../../cost-guard/restored-databases';
import { awsManagedDatabases } from '../../cost-guard/wiring';
import { drillVerdictShort } from '../../report/drill-text';
import type { Invocation } from '../args';
import type { CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { ageOf, formatTable } from '../output';
import { formatRestoredDatabases, restoredDatabaseRow } from './list-restored-databases';

/** `2/2 copied`, `copying 1/2`, `not copied` (broken-state captures stay in the primary region). */
export function drCopySummary(backup: Backup): string {
  const parts = backup.status.parts;
  if (!backup.spec.copyToDr) return 'not copied';
  if (parts.length === 0) return '—';
  const done = parts.filter((p) => p.copy.state === 'completed').length;
  const failed = parts.filter((p) => p.copy.state === 'failed').length;
  if (done === parts.length) return `${done}/${parts.length} copied`;
  if (failed > 0) return `${failed}/${parts.length} failed`;
  return `copying ${done}/${parts.length}`;
}

/**
 * `lifeboat list <site>`: the site's backups, newest first, then the databases its recoveries
 * restored that still exist in RDS (age, status, hourly cost class); on stderr any record that
 * does not parse.
 */
export async function listCommand(ctx: CliContext, invocation: Invocation): Promise<ExitCode> {
  const site = findSite(ctx.config, invocation.args.site ?? '');
  const now = ctx.clock.now();
  const { items: backups, unreadable } = await (await ctx.catalog()).readBackups(site.name);
  // On stderr, so `--json` output stays the same; the records are quarantined, not fatal.
  for (const u of unreadable) {
    ctx.out.error(`lifeboat: unreadable backup record ${u.key} (skipped): ${u.reason}`);
  }
  const { restoredDatabaseMaxAgeHours: maxAgeHours } = costGuardOf(ctx.config);
  // AWS, not the catalog, says what is still running (and billing).
  const restored = await findRestoredDatabases(awsManagedDatabases(ctx.clients), ctx.clock, {
    regions: [site.regions.primary, site.regions.dr],
    stage: ctx.deployment.stage,
    maxAgeHours,
    site: site.name,
  });
  const [unreadableRegion] = restored.unreadable;
  if (unreadableRegion !== undefined) throw unreadableRegion.error;

  if (ctx.json) {
    const rows = backups.map((b) => ({
      id: b.id,
      kind: b.spec.kind,
      phase: b.status.phase,
      takenAt: b.spec.scheduledFor,
      drCopy: drCopySummary(b),
      drill: b.status.drill?.verdict ?? null,
    }));
    const document = {
      backups: rows,
      restoredDatabases: restored.databases.map(restoredDatabaseRow),
      restoredDatabaseMaxAgeHours: maxAgeHours,
    };
    ctx.out.line(JSON.stringify(document, null, 2));
    return EXIT.ok;
  }
  const section = formatRestoredDatabases(restored.databases, maxAgeHours);
  if (backups.length === 0) {
    ctx.out.line(`no backups of ${site.name} yet (start one with: lifeboat backup ${site.name})`);
  } else {
    const rows = backups.map((b) => [
      b.id,
      b.spec.kind,
      b.status.phase,
      ageOf(b.spec.scheduledFor, now),
      drCopySummary(b),
      b.status.drill === undefined
        ? '—'
        : `${drillVerdictShort(b.status.drill)} (${ageOf(b.status.drill.at, now)} ago)`,
    ]);
    ctx.out.line(formatTable(['ID', 'KIND', 'PHASE', 'AGE', 'DR COPY', 'DRILL'], rows));
  }
  if (section.length > 0) ctx.out.line(['', ...section].join('\n'));
  return EXIT.ok;
}
