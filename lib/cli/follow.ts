import type { Site } from '../config/schema';
import { describeDiscarded, describeVolumeChanges } from '../recovery/measure-changes';
import type { Recovery, TimelineEntry } from '../recovery/model';
import { drillVerdictLines } from '../report/drill-text';
import { formatDuration, formatTime, humaniseStep } from '../report/format';
import { backupInUse } from '../report/recovery-report';
import type { CliContext } from './context';
import { EXIT, type ExitCode } from './exit-codes';

const mark = (entry: TimelineEntry) =>
  entry.endedAt === undefined
    ? '▶'
    : entry.outcome === 'failed'
      ? '✗'
      : entry.outcome === 'skipped'
        ? '–'
        : '✓';

function took(entry: TimelineEntry): string {
  if (entry.endedAt === undefined) return 'running';
  return formatDuration(new Date(entry.endedAt).getTime() - new Date(entry.startedAt).getTime());
}

/** One line per step: `✓ Launch replacement   1 min 14 s   critical`. */
export function stepLine(entry: TimelineEntry): string {
  const outcome = entry.outcome === 'failed' || entry.outcome === 'skipped' ? ` ${entry.outcome}` : '';
  return `${mark(entry)} ${humaniseStep(entry.step).padEnd(24)} ${took(entry).padStart(11)}${entry.critical === true ? '  critical' : ''}${outcome}`;
}

/** Prints what an operator wants to know about a recovery right now. */
export function printRecovery(ctx: CliContext, recovery: Recovery): void {
  const { spec, status } = recovery;
  if (ctx.json) {
    ctx.out.line(JSON.stringify(recovery, null, 2));
    return;
  }
  const out = ctx.out;
  out.line(
    `${spec.kind} ${recovery.id} of ${recovery.site}: ${status.phase}${spec.options.dryRun ? ' (dry run)' : ''}`,
  );
  out.line(
    `  trigger     ${spec.trigger.source}: ${spec.trigger.summary} (alarm ${formatTime(spec.trigger.receivedAt)})`,
  );
  const used = backupInUse(recovery);
  if (used !== undefined) {
    const tried = status.attempts.length > 1 ? ` after ${status.attempts.length - 1} walk-back(s)` : '';
    out.line(`  backup      ${used}${tried}`);
  }
  if (status.dnsChange !== undefined) {
    const d = status.dnsChange;
    const switched = d.insyncAt ?? d.submittedAt;
    const since = formatDuration(new Date(switched).getTime() - new Date(spec.trigger.receivedAt).getTime());
    out.line(`  DNS         ${d.recordName} → ${d.value} (TTL ${d.ttl} s), ${since} after the alarm`);
  }
  if (status.sandbox !== undefined) {
    out.line(`  sandbox     ${status.sandbox.recordName} → ${status.sandbox.address}`);
  }
  if (status.changes !== undefined) {
    out.line(`  discards    ${describeDiscarded(status.changes)}`);
    if (status.changes.databasePlan !== undefined)
      out.line(`  database    ${status.changes.databasePlan.summary}`);
    if (status.changes.fix !== undefined)
      out.line(`  the fix     ${describeVolumeChanges(status.changes.fix)}`);
  }
  if (status.drill !== undefined) {
    for (const { label, text } of drillVerdictLines(status.drill)) out.line(`  ${label.padEnd(11)} ${text}`);
  }
  if (status.failure !== undefined)
    out.line(`  failed      ${status.failure.error}: ${status.failure.cause}`);
  if (status.timeline.length > 0) {
    out.line('  steps');
    for (const entry of status.timeline) out.line(`    ${stepLine(entry)}`);
  }
}

/** The exit code a recovery's phase maps to: Failed is 1, anything else 0. */
export function exitCodeOf(recovery: Recovery): ExitCode {
  return recovery.status.phase === 'Failed' ? EXIT.failed : EXIT.ok;
}

/**
 * Polls the recovery record and prints each step as it starts and ends, until the recovery is no
 * longer Running (or the timeout passes, or `isOver` says the run in this process has ended).
 * Waits for the record to appear if the execution has only just started.
 */
export async function followRecovery(
  ctx: CliContext,
  site: Site,
  id: string,
  options: { intervalMs: number; timeoutMs: number; isOver?: () => boolean },
): Promise<Recovery | undefined> {
  const started = ctx.clock.now().getTime();
  const printed = new Set<string>();
  const catalog = await ctx.catalog();
  let announced = false;
  for (;;) {
    // Read before the record, so the last read after the run's end prints its last steps.
    const over = options.isOver?.() === true;
    const recovery = await catalog.getRecovery(site.name, id);
    if (recovery !== undefined) {
      if (!announced) {
        ctx.out.progress(`${recovery.spec.kind} ${id} of ${site.name}: ${recovery.status.phase}`);
        announced = true;
      }
      recovery.status.timeline.forEach((entry, i) => {
        const startKey = `${i}:start`;
        const endKey = `${i}:end`;
        if (!printed.has(startKey) && entry.endedAt === undefined) {
          ctx.out.progress(stepLine(entry));
          printed.add(startKey);
        }
        if (!printed.has(endKey) && entry.endedAt !== undefined) {
          ctx.out.progress(stepLine(entry));
          printed.add(startKey);
          printed.add(endKey);
        }
      });
      if (recovery.status.phase !== 'Running') return recovery;
    }
    if (over) return recovery;
    if (ctx.clock.now().getTime() - started > options.timeoutMs) {
      ctx.out.error(
        `lifeboat: stopped following ${id} after ${formatDuration(options.timeoutMs)}; it goes on`,
      );
      return recovery;
    }
    await ctx.sleep(options.intervalMs);
  }
}
