import { formatDuration, formatTime, escapeHtml as h } from './format';
import { renderGanttSvg } from './gantt-svg';
import type { BackupFacts, RecoveryReport } from './recovery-report';

const STYLE = `
:root { --fg:#212529; --muted:#6c757d; --line:#dee2e6; --ok:#2b8a3e; --bad:#c92a2a; --run:#1971c2; --crit:#d9480f; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:#f1f3f5; }
main { max-width:1000px; margin:0 auto; padding:28px 24px 48px; }
header { display:flex; align-items:flex-start; justify-content:space-between; gap:16px; }
h1 { font-size:24px; margin:0 0 4px; }
h2 { font-size:17px; margin:0 0 12px; }
.sub { color:var(--muted); font-size:13px; }
.badge { display:inline-block; padding:4px 12px; border-radius:999px; font-weight:700; font-size:13px; color:#fff; white-space:nowrap; }
.badge.Succeeded { background:var(--ok); } .badge.Failed { background:var(--bad); } .badge.Running { background:var(--run); }
.headline { font-size:18px; margin:18px 0; padding:14px 18px; border-left:5px solid var(--ok); background:#fff; border-radius:6px; }
.headline.Failed { border-color:var(--bad); } .headline.Running { border-color:var(--run); }
.figures { display:grid; grid-template-columns:repeat(4,1fr); gap:12px; margin-bottom:18px; }
.figure { background:#fff; border-radius:8px; padding:12px 14px; border:1px solid var(--line); }
.figure .value { font-size:24px; font-weight:700; }
.figure.key .value { color:var(--crit); }
.figure .what { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.grid { display:grid; grid-template-columns:1fr 1fr; gap:14px; margin-bottom:14px; align-items:start; }
.grid section { margin-bottom:0; }
section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:16px 18px; margin-bottom:14px; }
dl { display:grid; grid-template-columns:max-content 1fr; gap:4px 14px; margin:0; font-size:14px; }
dt { color:var(--muted); } dd { margin:0; overflow-wrap:anywhere; }
code { font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; background:#f1f3f5; padding:1px 5px; border-radius:4px; }
ul { margin:8px 0 0; padding-left:20px; } li { margin:2px 0; }
.scroll { overflow-x:auto; }
table { width:100%; border-collapse:collapse; font-size:13px; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { color:var(--muted); font-weight:600; }
td.num { text-align:right; white-space:nowrap; font-variant-numeric:tabular-nums; }
tr.critical td:first-child { font-weight:700; color:var(--crit); }
.verdict-healthy { color:var(--ok); font-weight:600; } .verdict-unhealthy, .verdict-launch-failed { color:var(--bad); font-weight:600; }
.outcome-failed { color:var(--bad); font-weight:600; }
.dns { display:flex; align-items:center; gap:10px; font-size:15px; flex-wrap:wrap; }
.arrow { color:var(--ok); font-size:20px; }
.failure { border-color:var(--bad); background:#fff5f5; }
footer { color:var(--muted); font-size:12px; text-align:center; margin-top:24px; }
.gantt-narrow { display:none; }
@media (max-width: 760px) {
  main { padding:18px 12px 32px; } section { padding:14px 12px; }
  .figures { grid-template-columns:1fr 1fr; } .grid { grid-template-columns:1fr; } header { flex-direction:column; }
  .gantt-wide { display:none; } .gantt-narrow { display:block; max-width:460px; }
  table.cards thead { display:none; }
  table.cards, table.cards tbody, table.cards td { display:block; }
  table.cards tr { display:block; padding:8px 0; border-bottom:1px solid var(--line); }
  table.cards td { padding:1px 0; border:0; text-align:left; white-space:normal; }
  table.cards td[data-label]::before { content:attr(data-label) " "; color:var(--muted); font-weight:400; }
  code { overflow-wrap:anywhere; }
  table.steps tr { display:flex; flex-wrap:wrap; gap:2px 12px; }
  table.steps td.step, table.steps td.details { flex:1 0 100%; }
}
@media print { body { background:#fff; } section, .figure { break-inside:avoid; } }
`;

function row(label: string, value: string | undefined): string {
  return value === undefined ? '' : `<dt>${h(label)}</dt><dd>${value}</dd>`;
}

function code(text: string | undefined): string | undefined {
  return text === undefined ? undefined : `<code>${h(text)}</code>`;
}

function figure(value: string, what: string, key = false): string {
  return `<div class="figure${key ? ' key' : ''}"><div class="value">${h(value)}</div><div class="what">${h(what)}</div></div>`;
}

function backupList(facts: BackupFacts): string {
  if (!facts.known) return `<p>${code(facts.id)} (its record is no longer in the catalog)</p>`;
  return `<dl>${row('Backup', code(facts.id))}${row('Kind', h(facts.kind))}${row('Taken', `${h(formatTime(facts.takenAt))}${facts.ageAtOutage === undefined ? '' : ` — ${h(facts.ageAtOutage)}`}`)}${row('Phase', h(facts.phase))}${row('Restore drill', h(facts.drill))}${row('Parts', facts.parts.map((p) => h(p)).join('<br>'))}</dl>`;
}

function triggerSection(report: RecoveryReport): string {
  const t = report.trigger;
  return `<section><h2>What triggered it</h2><dl>${row('Source', h(t.source))}${row('Summary', h(t.summary))}${report.kind === 'recovery' ? `${row('Outage began', h(formatTime(t.outageStartedAt)))}${row('Alarm received', h(formatTime(t.receivedAt)))}` : row('Requested', h(formatTime(t.receivedAt)))}${row('Incident key', code(t.incidentKey))}${report.signals.length === 0 ? '' : row('Later signals', report.signals.map((s) => `${h(s.source)} ${h(s.state)} at ${h(formatTime(s.at))}`).join('<br>'))}</dl></section>`;
}

function backupSection(report: RecoveryReport): string {
  const b = report.backup;
  const why = `<ul style="margin:0 0 12px">${b.why.map((w) => `<li>${h(w)}</li>`).join('')}</ul>`;
  const used = b.used === undefined ? '' : backupList(b.used);
  const title = report.kind === 'recovery' ? 'Which backup, and why' : 'What it launched from';
  return `<section><h2>${title}</h2>${why}${used}</section>`;
}

function attemptsSection(report: RecoveryReport): string {
  const attempts = report.backup.attempts;
  if (attempts.length === 0) return '';
  const rows = attempts
    .map(
      (a, i) =>
        `<tr><td class="num" data-label="#">${i + 1}</td><td data-label="backup">${code(a.backupId)}</td><td data-label="taken">${h(formatTime(a.takenAt))}</td><td data-label="task">${code(a.taskArn) ?? '—'}</td><td data-label="address">${code(a.address) ?? '—'}</td><td class="verdict-${h(a.verdict)}" data-label="health gate">${h(a.verdict)}</td></tr>`,
    )
    .join('');
  return `<section><h2>Attempts (walk-back)</h2><div class="scroll"><table class="cards"><thead><tr><th>#</th><th>Backup</th><th>Taken</th><th>Task</th><th>Address</th><th>Health gate</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

function dnsSection(report: RecoveryReport): string {
  const dns = report.dns;
  if (dns === undefined) {
    return `<section><h2>DNS change</h2><p>The record was not changed${report.phase === 'Failed' ? ': lifeboat never points DNS at a task that failed its health gate' : ''}.</p></section>`;
  }
  return `<section><h2>DNS change</h2><div class="dns"><code>${h(dns.recordName)}</code><span class="arrow">→</span><code>${h(dns.value)}</code><span class="sub">TTL ${dns.ttl} s</span></div><dl style="margin-top:10px">${row('Change', code(dns.changeId))}${row('Submitted', h(formatTime(dns.submittedAt)))}${row('In sync', h(formatTime(dns.insyncAt)))}${row('Replacement task', code(report.replacement?.taskArn))}</dl></section>`;
}

function sandboxSection(report: RecoveryReport): string {
  const s = report.sandbox;
  const broken = report.backup.brokenState;
  const body =
    s === undefined
      ? '<p>No sandbox was opened.</p>'
      : `<dl>${row('Address', `<code>${h(s.recordName)}</code> → <code>${h(s.address)}</code>`)}${row('Task', code(s.taskArn))}${row('Runs', broken === undefined ? 'the broken state' : `the broken state captured in ${code(broken.id) ?? ''}`)}</dl><p class="sub">Reachable only from the operator's network; it never receives production traffic. Fix the site there, then run <code>lifeboat promote ${h(report.site)}</code>.</p>`;
  return `<section><h2>Sandbox</h2>${body}</section>`;
}

function drillSection(report: RecoveryReport): string {
  const d = report.drill;
  if (d === undefined) return '';
  const rows = d.lines
    .map((l) => row(`${l.label.charAt(0).toUpperCase()}${l.label.slice(1)}`, h(l.text)))
    .join('');
  return `<section class="${d.verdict === 'failed' ? 'failure' : ''}"><h2>Drill verdicts</h2><dl>${rows}</dl></section>`;
}

function changesSection(report: RecoveryReport): string {
  const c = report.changes;
  if (c === undefined) return '';
  const fix =
    (c.fix === undefined ? '' : row('The fix (kept)', h(c.fix))) +
    (c.database === undefined ? '' : row('The database', h(c.database)));
  return `<section class="${c.losesSomething && !c.discarded ? 'failure' : ''}"><h2>What promote discards, and what the fix changed</h2><dl>${row('The replacement (dropped)', h(c.discards))}${fix}</dl></section>`;
}

function timelineTable(report: RecoveryReport): string {
  const rows = report.timeline
    .map(
      (r) =>
        `<tr class="${r.critical ? 'critical' : ''}"><td class="step">${h(r.label)}</td><td class="num" data-label="at">+${h(formatDuration(r.startMs))}</td><td class="num" data-label="took">${h(r.durationMs === undefined ? 'running' : formatDuration(r.durationMs))}</td><td class="outcome-${h(r.outcome)}">${h(r.outcome)}${r.critical ? ' · critical' : ''}</td><td class="details">${r.facts.map((f) => code(f)).join(' ')}</td></tr>`,
    )
    .join('');
  return `<div class="scroll"><table class="cards steps"><thead><tr><th>Step</th><th>Start</th><th>Took</th><th>Outcome</th><th>Details</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** Renders the report as one self-contained HTML page (inline CSS and SVG, no external assets). */
export function renderHtml(report: RecoveryReport, options: { generatedAt?: string } = {}): string {
  const d = report.durations;
  const figures = [
    figure(
      d.alarmToDnsMs === undefined ? '—' : formatDuration(d.alarmToDnsMs),
      report.kind === 'recovery' ? 'alarm → DNS switched' : 'start → DNS switched',
      true,
    ),
    report.kind === 'recovery'
      ? figure(d.outageToDnsMs === undefined ? '—' : formatDuration(d.outageToDnsMs), 'outage → DNS switched')
      : figure(report.dns?.value ?? '—', `${report.dns?.recordName ?? 'the record'} now points at`),
    figure(d.criticalPathMs === undefined ? '—' : formatDuration(d.criticalPathMs), 'critical path steps'),
    figure(d.totalMs === undefined ? '—' : formatDuration(d.totalMs), 'whole run'),
  ].join('');
  const failure =
    report.failure === undefined
      ? ''
      : `<section class="failure"><h2>Why it failed</h2><dl>${row('Error', code(report.failure.error))}${row('Cause', h(report.failure.cause))}</dl></section>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(report.title)}</title><style>${STYLE}</style></head>
<body><main>
<header><div><h1>${h(report.title)}</h1><div class="sub">site <b>${h(report.site)}</b> · ${h(report.kind)}${report.dryRun ? ' · dry run' : ''} · started ${h(formatTime(report.startedAt))}${report.endedAt === undefined ? '' : ` · ended ${h(formatTime(report.endedAt))}`}</div></div><span class="badge ${h(report.phase)}">${h(report.phase)}</span></header>
<p class="headline ${h(report.phase)}">${h(report.headline)}</p>
<div class="figures">${figures}</div>
${failure}
${drillSection(report)}
${changesSection(report)}
<section><h2>Timeline</h2><div class="gantt-wide">${renderGanttSvg(report)}</div><div class="gantt-narrow">${renderGanttSvg(report, { layout: 'narrow' })}</div>${timelineTable(report)}</section>
<div class="grid">${triggerSection(report)}${backupSection(report)}</div>
<div class="grid">${dnsSection(report)}${sandboxSection(report)}</div>
${attemptsSection(report)}
${report.backup.brokenState === undefined ? '' : `<section><h2>Broken state (evidence)</h2>${backupList(report.backup.brokenState)}</section>`}
${report.executionArn === undefined ? '' : `<p class="sub">Step Functions execution <code>${h(report.executionArn)}</code></p>`}
<footer>lifeboat recovery report${options.generatedAt === undefined ? '' : ` · generated ${h(formatTime(options.generatedAt))}`} · times in UTC, offsets from ${h(formatTime(report.origin))}</footer>
</main></body></html>
`;
}
