import type { BackupPhase } from '../backup/model';
import { formatTime, escapeHtml as h } from '../report/format';
import type { FleetSite, FleetView } from './fleet-view';
import { fleetCells } from './table';

const STYLE = `
:root { --fg:#212529; --muted:#6c757d; --line:#dee2e6; --ok:#2b8a3e; --warn:#e67700; --bad:#c92a2a; --run:#1971c2; }
* { box-sizing:border-box; }
body { margin:0; font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:#f1f3f5; }
main { max-width:1200px; margin:0 auto; padding:24px 20px 40px; }
h1 { font-size:22px; margin:0 0 2px; }
.sub { color:var(--muted); font-size:13px; margin:0 0 16px; }
.summary { display:flex; gap:10px; flex-wrap:wrap; margin-bottom:16px; }
.pill { background:#fff; border:1px solid var(--line); border-radius:999px; padding:4px 12px; font-size:13px; }
.pill b { font-size:15px; }
table { width:100%; border-collapse:collapse; background:#fff; border:1px solid var(--line); border-radius:8px; font-size:13px; }
th, td { text-align:left; padding:8px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
th { color:var(--muted); font-weight:600; cursor:pointer; user-select:none; white-space:nowrap; background:#f8f9fa; }
th[aria-sort=ascending]::after { content:" ▲"; } th[aria-sort=descending]::after { content:" ▼"; }
td.site { white-space:nowrap; font-weight:600; }
td code { font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; }
.v-ok { color:var(--ok); font-weight:600; } .v-warn { color:var(--warn); font-weight:600; } .v-fail, .v-failed { color:var(--bad); font-weight:600; }
.v-passed { color:var(--ok); font-weight:600; } .v-none { color:var(--muted); }
.strip { display:flex; gap:2px; flex-direction:row-reverse; justify-content:flex-end; }
.strip span { width:10px; height:18px; border-radius:2px; display:inline-block; }
.p-Completed { background:var(--ok); } .p-PartiallyFailed { background:var(--warn); } .p-Failed { background:var(--bad); }
.p-Copying { background:var(--run); } .p-Pending { background:#74c0fc; }
details { margin-top:4px; } summary { cursor:pointer; color:var(--muted); font-size:12px; }
details ul { margin:4px 0 0; padding-left:16px; font-size:12px; }
.legend { color:var(--muted); font-size:12px; margin-top:10px; display:flex; gap:12px; flex-wrap:wrap; align-items:center; }
.legend span span { width:10px; height:10px; display:inline-block; border-radius:2px; margin-right:4px; vertical-align:middle; }
footer { color:var(--muted); font-size:12px; text-align:center; margin-top:20px; }
@media (max-width: 720px) {
  main { padding:16px 10px 32px; }
  table, thead, tbody, tr, td { display:block; width:100%; }
  thead { display:none; }
  table { border:none; background:none; }
  tr { background:#fff; border:1px solid var(--line); border-radius:8px; margin-bottom:10px; padding:6px 0; }
  td { border:none; padding:3px 12px; display:grid; grid-template-columns:7.5em 1fr; gap:8px; overflow-wrap:anywhere; }
  td::before { content:attr(data-label); color:var(--muted); font-size:12px; }
  td.site { font-size:16px; font-weight:700; }
}
`;

// Sorts by the clicked column: numeric data-sort values (ages, severities) when present, else text.
const SCRIPT = `
document.querySelectorAll('th').forEach(function (th, col) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0];
    var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
    table.querySelectorAll('th').forEach(function (o) { o.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir);
    var key = function (row) { var c = row.cells[col]; var v = c.getAttribute('data-sort'); return v === null ? c.textContent.trim() : Number(v); };
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) { var x = key(a), y = key(b); var r = x < y ? -1 : x > y ? 1 : 0; return dir === 'ascending' ? r : -r; });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
`;

const PHASES: BackupPhase[] = ['Completed', 'PartiallyFailed', 'Failed', 'Pending', 'Copying'];
const SEVERITY: Record<string, number> = { ok: 0, warn: 1, fail: 2 };

function ageSeconds(iso: string | undefined, now: Date): number {
  return iso === undefined
    ? Number.MAX_SAFE_INTEGER
    : Math.round((now.getTime() - new Date(iso).getTime()) / 1000);
}

function strip(s: FleetSite): string {
  if (s.history.length === 0) return '<span class="v-none">no backups</span>';
  const cells = s.history
    .map(
      (b) =>
        `<span class="p-${h(b.phase)}" title="${h(`${b.id}: ${b.phase}, ${formatTime(b.takenAt)}`)}"></span>`,
    )
    .join('');
  return `<div class="strip" aria-label="last ${s.history.length} backups, newest right">${cells}</div>`;
}

function row(s: FleetSite, now: Date): string {
  const c = fleetCells(s, now);
  // One wrapper per cell: on a phone each cell is a two-column grid (label, content).
  const td = (label: string, body: string, attrs = '') =>
    `<td data-label="${h(label)}"${attrs}><div>${body}</div></td>`;
  const readiness = s.readiness;
  const failing =
    readiness === undefined || readiness.failing.length === 0
      ? ''
      : `<details><summary>${readiness.failing.length} not ok</summary><ul>${readiness.failing.map((f) => `<li>${h(f)}</li>`).join('')}</ul></details>`;
  return `<tr>
${td('Site', h(c.SITE ?? ''), ' class="site"')}
${td('Readiness', `<span class="v-${h(readiness?.verdict ?? 'none')}">${h(c.READINESS ?? '')}</span>${failing}`, ` data-sort="${readiness === undefined ? 3 : SEVERITY[readiness.verdict]}"`)}
${td('Newest backup', s.newestBackup === undefined ? '<span class="v-none">none</span>' : `${h(s.newestBackup.phase)}<br><code>${h(s.newestBackup.id)}</code>`)}
${td('Age', h(c.AGE ?? ''), ` data-sort="${ageSeconds(s.newestBackup?.takenAt, now)}"`)}
${td('DR copy', h(c['DR COPY'] ?? ''), ` data-sort="${ageSeconds(s.newestDrCopy?.completedAt, now)}"`)}
${td('Last drill', `<span class="v-${h(s.lastDrill?.verdict ?? 'none')}">${h(c.DRILL ?? '')}</span>`, ` data-sort="${ageSeconds(s.lastDrill?.at, now)}"`)}
${td('Open recovery', s.openRecovery === undefined ? '—' : `<span class="v-warn">${h(s.openRecovery.kind)} running</span><br><code>${h(s.openRecovery.id)}</code>`)}
${td('Restored DBs', h(c['RESTORED DB'] ?? ''))}
${td('Backups', strip(s))}
</tr>`;
}

/** The fleet as one self-contained HTML page: a sortable table and a backup-history strip per site. */
export function renderFleetHtml(view: FleetView): string {
  const now = new Date(view.generatedAt);
  const count = (verdict: string) =>
    view.sites.filter((s) => (s.readiness?.verdict ?? 'unchecked') === verdict).length;
  const pills = [
    `<span class="pill"><b>${view.sites.length}</b> sites</span>`,
    `<span class="pill v-ok"><b>${count('ok')}</b> ready</span>`,
    `<span class="pill v-warn"><b>${count('warn')}</b> with warnings</span>`,
    `<span class="pill v-fail"><b>${count('fail')}</b> not ready</span>`,
    `<span class="pill"><b>${count('unchecked')}</b> not checked</span>`,
    `<span class="pill"><b>${view.sites.filter((s) => s.openRecovery !== undefined).length}</b> recoveries running</span>`,
  ].join('');
  const legend = PHASES.map((p) => `<span><span class="p-${p}"></span>${p}</span>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>lifeboat fleet — ${h(formatTime(view.generatedAt))}</title><style>${STYLE}</style></head>
<body><main>
<h1>lifeboat fleet</h1>
<p class="sub">${view.sites.length} sites, as of ${h(formatTime(view.generatedAt))}. Click a column to sort.</p>
<div class="summary">${pills}</div>
<table><thead><tr><th>Site</th><th>Readiness</th><th>Newest backup</th><th>Age</th><th>DR copy</th><th>Last drill</th><th>Open recovery</th><th>Restored DBs</th><th>Backups</th></tr></thead>
<tbody>
${view.sites.map((s) => row(s, now)).join('\n')}
</tbody></table>
<div class="legend">Backups, oldest left, newest right: ${legend}</div>
<footer>Generated by <code>lifeboat report --fleet</code>. Readiness is the latest <code>lifeboat check</code> (every 30 minutes in the stack).</footer>
</main><script>${SCRIPT}</script></body></html>
`;
}
