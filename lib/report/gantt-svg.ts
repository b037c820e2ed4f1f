import { escapeHtml, formatDuration } from './format';
import type { RecoveryReport, TimelineRow } from './recovery-report';

const WIDTH = 960;
const LABEL_WIDTH = 220;
const RIGHT_PAD = 96;
const AXIS_HEIGHT = 40;
const ROW_HEIGHT = 30;
const BAR_HEIGHT = 16;
const LEGEND_HEIGHT = 34;

export const GANTT_COLOURS = {
  critical: '#d9480f',
  normal: '#4c8bc5',
  failed: '#a61e4d',
  skipped: '#adb5bd',
  marker: '#2b8a3e',
  grid: '#e9ecef',
  text: '#212529',
  muted: '#6c757d',
} as const;

/** Tick intervals people read easily: ms in 1-2-5 steps, then whole seconds and minutes. */
const NICE_STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
  600_000, 900_000, 1_800_000, 3_600_000,
];

/** The smallest nice tick interval giving at most about `target` ticks over `span`. */
function tickStep(span: number, target = 8): number {
  return NICE_STEPS.find((step) => span / step <= target) ?? Math.ceil(span / target / 3_600_000) * 3_600_000;
}

function tickLabel(atMs: number, step: number): string {
  if (atMs === 0) return '0';
  if (step < 1000) return `${Math.round(atMs)} ms`;
  if (step < 60_000) return `+${Math.round(atMs / 1000)} s`;
  const minutes = Math.floor(atMs / 60_000);
  const seconds = Math.round((atMs % 60_000) / 1000);
  return seconds === 0 ? `+${minutes} min` : `+${minutes}:${String(seconds).padStart(2, '0')}`;
}

function barFill(row: TimelineRow): string {
  if (row.outcome === 'running') return 'url(#running)';
  if (row.outcome === 'failed') return 'url(#failed)';
  if (row.outcome === 'skipped') return GANTT_COLOURS.skipped;
  return row.critical ? GANTT_COLOURS.critical : GANTT_COLOURS.normal;
}

/**
 * Draws the timeline as a Gantt chart in inline SVG: one bar per step, critical-path steps in a
 * strong colour with bold labels, the alarm and the DNS switch as vertical markers.
 */
export function renderGanttSvg(report: RecoveryReport): string {
  const rows = report.timeline;
  const ends = rows.map((r) => r.endMs ?? r.startMs);
  const span = Math.max(1, ...ends, ...report.markers.map((m) => m.atMs));
  const chartWidth = WIDTH - LABEL_WIDTH - RIGHT_PAD;
  const x = (atMs: number) => LABEL_WIDTH + (Math.max(0, atMs) / span) * chartWidth;
  const height = AXIS_HEIGHT + rows.length * ROW_HEIGHT + LEGEND_HEIGHT + 8;
  const chartBottom = AXIS_HEIGHT + rows.length * ROW_HEIGHT;
  const out: string[] = [];

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="Timeline of ${escapeHtml(report.title)}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="13">`,
  );
  out.push(
    `<defs><pattern id="running" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="${GANTT_COLOURS.normal}" opacity="0.6"/></pattern><pattern id="failed" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${GANTT_COLOURS.failed}"/><rect width="2" height="6" fill="#fff" opacity="0.45"/></pattern></defs>`,
  );

  rows.forEach((_row, i) => {
    if (i % 2 === 1) {
      out.push(
        `<rect x="0" y="${AXIS_HEIGHT + i * ROW_HEIGHT}" width="${WIDTH}" height="${ROW_HEIGHT}" fill="#f8f9fa"/>`,
      );
    }
  });

  const step = tickStep(span);
  for (let t = 0; t <= span + step / 2; t += step) {
    const tx = x(Math.min(t, span)).toFixed(1);
    out.push(
      `<line x1="${tx}" y1="${AXIS_HEIGHT - 6}" x2="${tx}" y2="${chartBottom}" stroke="${GANTT_COLOURS.grid}"/>`,
    );
    out.push(
      `<text x="${tx}" y="${AXIS_HEIGHT - 10}" text-anchor="middle" fill="${GANTT_COLOURS.muted}" font-size="11">${escapeHtml(tickLabel(t, step))}</text>`,
    );
    if (t >= span) break;
  }

  report.markers.forEach((marker, i) => {
    const mx = x(marker.atMs).toFixed(1);
    out.push(
      `<line x1="${mx}" y1="${AXIS_HEIGHT - 4}" x2="${mx}" y2="${chartBottom}" stroke="${GANTT_COLOURS.marker}" stroke-width="2" stroke-dasharray="5 3"/>`,
    );
    const anchor =
      marker.atMs > span * 0.85 ? 'end' : i === 0 && marker.atMs < span * 0.15 ? 'start' : 'middle';
    out.push(
      `<text x="${mx}" y="${chartBottom + 16}" text-anchor="${anchor}" fill="${GANTT_COLOURS.marker}" font-size="12" font-weight="600">${escapeHtml(marker.label)}</text>`,
    );
  });

  rows.forEach((row, i) => {
    const top = AXIS_HEIGHT + i * ROW_HEIGHT;
    const barY = top + (ROW_HEIGHT - BAR_HEIGHT) / 2;
    const x1 = x(row.startMs);
    const x2 = Math.max(x(row.endMs ?? span), x1 + 3);
    const weight = row.critical ? ' font-weight="700"' : '';
    out.push(
      `<text x="${LABEL_WIDTH - 12}" y="${top + ROW_HEIGHT / 2 + 4}" text-anchor="end" fill="${GANTT_COLOURS.text}"${weight}>${escapeHtml(row.label)}</text>`,
    );
    const fill = barFill(row);
    const title = `${row.label}: ${row.durationMs === undefined ? 'running' : formatDuration(row.durationMs)}${row.critical ? ' (critical path)' : ''}${row.outcome === 'ok' || row.outcome === 'running' ? '' : ` — ${row.outcome}`}`;
    out.push(
      `<rect class="bar${row.critical ? ' critical' : ''}" x="${x1.toFixed(1)}" y="${barY}" width="${(x2 - x1).toFixed(1)}" height="${BAR_HEIGHT}" rx="3" fill="${fill}"${row.critical ? ` stroke="#862e06" stroke-width="1"` : ''}><title>${escapeHtml(title)}</title></rect>`,
    );
    const note =
      row.durationMs === undefined
        ? 'running…'
        : `${formatDuration(row.durationMs)}${row.outcome === 'failed' ? ' ✗' : row.outcome === 'skipped' ? ' (skipped)' : ''}`;
    out.push(
      `<text x="${(x2 + 6).toFixed(1)}" y="${top + ROW_HEIGHT / 2 + 4}" fill="${row.outcome === 'failed' ? GANTT_COLOURS.failed : GANTT_COLOURS.muted}" font-size="12" paint-order="stroke" stroke="#fff" stroke-width="3">${escapeHtml(note)}</text>`,
    );
  });

  const legendY = chartBottom + LEGEND_HEIGHT;
  const legend: [string, string][] = [
    [GANTT_COLOURS.critical, `critical path (${report.kind === 'recovery' ? 'alarm' : 'start'} → DNS)`],
    [GANTT_COLOURS.normal, 'off the critical path'],
    ['url(#failed)', 'failed'],
  ];
  let lx = LABEL_WIDTH;
  for (const [fill, text] of legend) {
    out.push(`<rect x="${lx}" y="${legendY - 10}" width="14" height="10" rx="2" fill="${fill}"/>`);
    out.push(
      `<text x="${lx + 20}" y="${legendY - 1}" fill="${GANTT_COLOURS.muted}" font-size="12">${escapeHtml(text)}</text>`,
    );
    lx += 40 + text.length * 7;
  }
  out.push('</svg>');
  return out.join('\n');
}
