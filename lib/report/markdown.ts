import { formatDuration, formatTime, escapeMarkdown as m } from './format';
import type { BackupFacts, RecoveryReport } from './recovery-report';

const BAR_WIDTH = 32;

/** A text Gantt bar: spaces up to the start, then blocks for the duration (at least one). */
function textBar(startMs: number, endMs: number | undefined, span: number, critical: boolean): string {
  const from = Math.min(BAR_WIDTH - 1, Math.floor((Math.max(0, startMs) / span) * BAR_WIDTH));
  const to = endMs === undefined ? BAR_WIDTH : Math.ceil((endMs / span) * BAR_WIDTH);
  const length = Math.max(1, Math.min(BAR_WIDTH, to) - from);
  return `\`${'·'.repeat(from)}${(critical ? '█' : '▒').repeat(length)}${'·'.repeat(Math.max(0, BAR_WIDTH - from - length))}\``;
}

function backupLines(facts: BackupFacts): string[] {
  if (!facts.known) return [`- Backup \`${facts.id}\` (its record is no longer in the catalog)`];
  return [
    `- Backup \`${facts.id}\` (${m(facts.kind)}, ${m(facts.phase)})`,
    `- Taken ${formatTime(facts.takenAt)}${facts.ageAtOutage === undefined ? '' : ` — ${m(facts.ageAtOutage)}`}`,
    `- Restore drill: ${m(facts.drill)}`,
    ...facts.parts.map((p) => `- Part: ${m(p)}`),
  ];
}

/** Renders the report as Markdown (GitHub-flavoured tables; the timeline as text bars). */
export function renderMarkdown(report: RecoveryReport, options: { generatedAt?: string } = {}): string {
  const d = report.durations;
  const lines: string[] = [];
  lines.push(`# ${m(report.title)}`, '');
  lines.push(`**${report.phase}**${report.dryRun ? ' (dry run)' : ''} — ${m(report.headline)}`, '');
  const start = report.kind === 'recovery' ? 'Alarm' : 'Start';
  lines.push(`| ${start} → DNS switched | Outage → DNS switched | Critical path | Whole run |`);
  lines.push('|---:|---:|---:|---:|');
  const f = (v: number | undefined) => (v === undefined ? '—' : formatDuration(v));
  lines.push(
    `| **${f(d.alarmToDnsMs)}** | ${f(d.outageToDnsMs)} | ${f(d.criticalPathMs)} | ${f(d.totalMs)} |`,
    '',
  );

  if (report.failure !== undefined) {
    lines.push('## Why it failed', '', `- Error: \`${report.failure.error}\``);
    lines.push(`- Cause: ${m(report.failure.cause)}`, '');
  }

  const t = report.trigger;
  lines.push('## What triggered it', '');
  lines.push(`- Source: **${t.source}** — ${m(t.summary)}`);
  if (report.kind === 'recovery') {
    lines.push(`- Outage began: ${formatTime(t.outageStartedAt)}`);
    lines.push(`- Alarm received: ${formatTime(t.receivedAt)}`);
  } else {
    lines.push(`- Requested: ${formatTime(t.receivedAt)}`);
  }
  lines.push(`- Incident key: \`${t.incidentKey}\``);
  for (const s of report.signals) lines.push(`- Later: ${s.source} ${m(s.state)} at ${formatTime(s.at)}`);
  lines.push('');

  lines.push(report.kind === 'recovery' ? '## Which backup, and why' : '## What it launched from', '');
  if (report.backup.used !== undefined) lines.push(...backupLines(report.backup.used), '');
  for (const why of report.backup.why) lines.push(`> ${m(why)}`, '>');
  if (report.backup.why.length > 0) lines.pop();
  lines.push('');
  if (report.backup.attempts.length > 0) {
    lines.push('| # | Backup | Taken | Address | Health gate |', '|---:|---|---|---|---|');
    report.backup.attempts.forEach((a, i) => {
      lines.push(
        `| ${i + 1} | \`${a.backupId}\` | ${formatTime(a.takenAt)} | ${a.address === undefined ? '—' : `\`${a.address}\``} | ${a.verdict === 'healthy' ? '✅ healthy' : `❌ ${a.verdict}`} |`,
      );
    });
    lines.push('');
  }

  if (report.drill !== undefined) {
    lines.push('## Drill verdicts', '');
    for (const l of report.drill.lines) lines.push(`- **${l.label}**: ${m(l.text)}`);
    lines.push('');
  }

  if (report.changes !== undefined) {
    lines.push('## What promote discards, and what the fix changed', '');
    lines.push(`- ${report.changes.losesSomething ? '⚠️ ' : ''}${m(report.changes.discards)}`);
    if (report.changes.fix !== undefined) lines.push(`- ${m(report.changes.fix)}`);
    if (report.changes.database !== undefined) lines.push(`- ${m(report.changes.database)}`);
    lines.push('');
  }

  lines.push('## Timeline', '');
  lines.push(
    `Offsets from ${formatTime(report.origin)}. █ critical path (${report.kind === 'recovery' ? 'alarm' : 'start'} → DNS), ▒ off the critical path.`,
    '',
  );
  const span = Math.max(1, ...report.timeline.map((r) => r.endMs ?? r.startMs));
  lines.push('| Step | Start | Took | Outcome | |', '|---|---:|---:|---|---|');
  for (const r of report.timeline) {
    const name = r.critical ? `**${m(r.label)}**` : m(r.label);
    const outcome = r.outcome === 'failed' ? '❌ failed' : r.outcome;
    lines.push(
      `| ${name} | +${formatDuration(r.startMs)} | ${r.durationMs === undefined ? 'running' : formatDuration(r.durationMs)} | ${outcome} | ${textBar(r.startMs, r.endMs, span, r.critical)} |`,
    );
  }
  lines.push('');

  lines.push('## DNS change', '');
  if (report.dns === undefined) {
    lines.push('The record was not changed.', '');
  } else {
    const dns = report.dns;
    lines.push(`\`${dns.recordName}\` → \`${dns.value}\` (TTL ${dns.ttl} s)`, '');
    lines.push(
      `- Change \`${dns.changeId}\` submitted ${formatTime(dns.submittedAt)}, in sync ${formatTime(dns.insyncAt)}`,
    );
    if (report.replacement !== undefined) lines.push(`- Replacement task \`${report.replacement.taskArn}\``);
    lines.push('');
  }

  lines.push('## Sandbox', '');
  if (report.sandbox === undefined) {
    lines.push('No sandbox was opened.', '');
  } else {
    const s = report.sandbox;
    lines.push(`\`${s.recordName}\` → \`${s.address}\` (task \`${s.taskArn}\`)`, '');
    lines.push(
      `Runs the broken state${report.backup.brokenState === undefined ? '' : ` captured in \`${report.backup.brokenState.id}\``}, reachable only from the operator's network. Fix it there, then \`lifeboat promote ${report.site}\`.`,
      '',
    );
  }
  if (report.backup.brokenState !== undefined) {
    lines.push('## Broken state (evidence)', '', ...backupLines(report.backup.brokenState), '');
  }
  if (report.executionArn !== undefined)
    lines.push(`Step Functions execution \`${report.executionArn}\``, '');
  lines.push(
    `_lifeboat recovery report${options.generatedAt === undefined ? '' : `, generated ${formatTime(options.generatedAt)}`}_`,
    '',
  );
  return lines.join('\n');
}
