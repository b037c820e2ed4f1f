import { escapeHtml, formatDuration } from './format';
import type { RecoveryReport, TimelineRow } from './recovery-report';

/** Sizes in SVG user units; the chart scales to its box, so a layout fits one range of widths. */
interface Layout {
  /** Prefix of the pattern ids, so two charts can share one page. */
  idPrefix: string;
  width: number;
  /** Left of the time axis; step names sit left of it (wide) or above their bar (narrow). */
  chartLeft: number;
  rightPad: number;
  labelsAbove: boolean;
  axisHeight: number;
  rowHeight: number;
  barHeight: number;
  fontSize: number;
  noteSize: number;
  ticks: number;
  legendRows: 'one' | 'stacked';
}

const WIDE: Layout = {
  idPrefix: '',
  width: 960,
  chartLeft: 220,
  rightPad: 96,
  labelsAbove: false,
  axisHeight: 40,
  rowHeight: 30,
  barHeight: 16,
  fontSize: 13,
  noteSize: 12,
  ticks: 8,
  legendRows: 'one',
};

/** A phone (about 340 CSS px of chart): drawn at nearly 1:1, so 13-unit text stays about 12 px. */
const NARROW: Layout = {
  idPrefix: 'narrow-',
  width: 360,
  chartLeft: 6,
  rightPad: 6,
  labelsAbove: true,
  axisHeight: 30,
  rowHeight: 38,
  barHeight: 10,
  fontSize: 13,
  noteSize: 12,
  ticks: 4,
  legendRows: 'stacked',
};

/** A generous estimate of a label's width, enough to keep it clear of the marker lines. */
function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.62;
}

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

function barFill(row: TimelineRow, idPrefix: string): string {
  if (row.outcome === 'running') return `url(#${idPrefix}running)`;
  if (row.outcome === 'failed') return `url(#${idPrefix}failed)`;
  if (row.outcome === 'skipped') return GANTT_COLOURS.skipped;
  return row.critical ? GANTT_COLOURS.critical : GANTT_COLOURS.normal;
}

function patterns(p: string): string {
  return `<defs><pattern id="${p}running" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="${GANTT_COLOURS.normal}" opacity="0.6"/></pattern><pattern id="${p}failed" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${GANTT_COLOURS.failed}"/><rect width="2" height="6" fill="#fff" opacity="0.45"/></pattern></defs>`;
}

/**
 * Where a bar's duration label starts (and its anchor): after the bar, else after the marker line
 * it would cross, else before the bar, so no label is drawn across the alarm or DNS line.
 */
function notePlacement(
  note: string,
  bar: { x1: number; x2: number },
  markerXs: number[],
  layout: Layout,
): { x: number; anchor: 'start' | 'end' } {
  const w = textWidth(note, layout.noteSize);
  const clear = (from: number, to: number) => markerXs.every((mx) => mx < from - 3 || mx > to + 3);
  const after = [bar.x2 + 6, ...markerXs.filter((mx) => mx >= bar.x2).map((mx) => mx + 6)].sort(
    (a, b) => a - b,
  );
  const fits = after.find((x) => x + w <= layout.width - 2 && clear(x, x + w));
  if (fits !== undefined) return { x: fits, anchor: 'start' };
  if (bar.x1 - 6 - w >= layout.chartLeft && clear(bar.x1 - 6 - w, bar.x1 - 6))
    return { x: bar.x1 - 6, anchor: 'end' };
  return { x: bar.x2 + 6, anchor: 'start' };
}

function svgTimeline(report: RecoveryReport, layout: Layout): string {
  const L = layout;
  const p = L.idPrefix;
  const rows = report.timeline;
  const ends = rows.map((r) => r.endMs ?? r.startMs);
  const span = Math.max(1, ...ends, ...report.markers.map((m) => m.atMs));
  const chartWidth = L.width - L.chartLeft - L.rightPad;
  const x = (atMs: number) => L.chartLeft + (Math.max(0, atMs) / span) * chartWidth;
  const legend: [string, string][] = [
    [GANTT_COLOURS.critical, `critical path (${report.kind === 'recovery' ? 'alarm' : 'start'} → DNS)`],
    [GANTT_COLOURS.normal, 'off the critical path'],
    [`url(#${p}failed)`, 'failed'],
  ];
  const legendHeight = L.legendRows === 'one' ? 34 : 30 + legend.length * 18;
  const chartBottom = L.axisHeight + rows.length * L.rowHeight;
  const height = chartBottom + legendHeight + 8;
  const markerXs = report.markers.map((m) => x(m.atMs));
  const barTop = (i: number) =>
    L.axisHeight +
    i * L.rowHeight +
    (L.labelsAbove ? L.rowHeight - L.barHeight - 6 : (L.rowHeight - L.barHeight) / 2);
  const out: string[] = [];

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${L.width} ${height}" width="100%" role="img" aria-label="Timeline of ${escapeHtml(report.title)}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="${L.fontSize}">`,
  );
  out.push(patterns(p));

  rows.forEach((_row, i) => {
    if (i % 2 === 1) {
      out.push(
        `<rect x="0" y="${L.axisHeight + i * L.rowHeight}" width="${L.width}" height="${L.rowHeight}" fill="#f8f9fa"/>`,
      );
    }
  });

  const step = tickStep(span, L.ticks);
  for (let t = 0; t <= span; t += step) {
    const at = x(t);
    const tx = at.toFixed(1);
    const label = tickLabel(t, step);
    out.push(
      `<line x1="${tx}" y1="${L.axisHeight - 6}" x2="${tx}" y2="${chartBottom}" stroke="${GANTT_COLOURS.grid}"/>`,
    );
    const w = textWidth(label, 11);
    const [from, to] =
      t === 0 ? [at, at + w] : at + w / 2 > L.width ? [at - w, at] : [at - w / 2, at + w / 2];
    const anchor = from === at ? 'start' : to === at ? 'end' : 'middle';
    // A marker line has its own label below the chart: a tick label over it (other than 0) is dropped.
    if (t === 0 || markerXs.every((mx) => mx < from - 3 || mx > to + 3)) {
      out.push(
        `<text x="${tx}" y="${L.axisHeight - 10}" text-anchor="${anchor}" fill="${GANTT_COLOURS.muted}" font-size="11">${escapeHtml(label)}</text>`,
      );
    }
  }

  report.markers.forEach((marker, i) => {
    const mx = (markerXs[i] ?? x(marker.atMs)).toFixed(1);
    const line = `stroke="${GANTT_COLOURS.marker}" stroke-width="2" stroke-dasharray="5 3"`;
    if (L.labelsAbove) {
      // Only through the bars, so the step names above them stay clear.
      rows.forEach((_row, r) => {
        const top = barTop(r) - 3;
        out.push(`<line x1="${mx}" y1="${top}" x2="${mx}" y2="${top + L.barHeight + 6}" ${line}/>`);
      });
    } else {
      out.push(`<line x1="${mx}" y1="${L.axisHeight - 4}" x2="${mx}" y2="${chartBottom}" ${line}/>`);
    }
    const anchor =
      marker.atMs > span * 0.85 ? 'end' : i === 0 && marker.atMs < span * 0.15 ? 'start' : 'middle';
    out.push(
      `<text x="${mx}" y="${chartBottom + 16}" text-anchor="${anchor}" fill="${GANTT_COLOURS.marker}" font-size="12" font-weight="600">${escapeHtml(marker.label)}</text>`,
    );
  });

  rows.forEach((row, i) => {
    const top = L.axisHeight + i * L.rowHeight;
    const barY = barTop(i);
    const x1 = x(row.startMs);
    const x2 = Math.max(x(row.endMs ?? span), x1 + 3);
    const weight = row.critical ? ' font-weight="700"' : '';
    const note =
      row.durationMs === undefined
        ? 'running…'
        : `${formatDuration(row.durationMs)}${row.outcome === 'failed' ? ' ✗' : row.outcome === 'skipped' ? ' (skipped)' : ''}`;
    const noteFill = row.outcome === 'failed' ? GANTT_COLOURS.failed : GANTT_COLOURS.muted;
    if (L.labelsAbove) {
      const y = top + L.fontSize + 3;
      out.push(
        `<text x="${L.chartLeft}" y="${y}" fill="${GANTT_COLOURS.text}"${weight}>${escapeHtml(row.label)}</text>`,
      );
      out.push(
        `<text x="${L.width - L.rightPad}" y="${y}" text-anchor="end" fill="${noteFill}" font-size="${L.noteSize}">${escapeHtml(note)}</text>`,
      );
    } else {
      out.push(
        `<text x="${L.chartLeft - 12}" y="${top + L.rowHeight / 2 + 4}" text-anchor="end" fill="${GANTT_COLOURS.text}"${weight}>${escapeHtml(row.label)}</text>`,
      );
    }
    const fill = barFill(row, p);
    const title = `${row.label}: ${row.durationMs === undefined ? 'running' : formatDuration(row.durationMs)}${row.critical ? ' (critical path)' : ''}${row.outcome === 'ok' || row.outcome === 'running' ? '' : ` — ${row.outcome}`}`;
    out.push(
      `<rect class="bar${row.critical ? ' critical' : ''}" x="${x1.toFixed(1)}" y="${barY}" width="${(x2 - x1).toFixed(1)}" height="${L.barHeight}" rx="3" fill="${fill}"${row.critical ? ` stroke="#862e06" stroke-width="1"` : ''}><title>${escapeHtml(title)}</title></rect>`,
    );
    if (!L.labelsAbove) {
      const place = notePlacement(note, { x1, x2 }, markerXs, L);
      out.push(
        `<text x="${place.x.toFixed(1)}" y="${top + L.rowHeight / 2 + 4}"${place.anchor === 'end' ? ' text-anchor="end"' : ''} fill="${noteFill}" font-size="${L.noteSize}" paint-order="stroke" stroke="#fff" stroke-width="3">${escapeHtml(note)}</text>`,
      );
    }
  });

  const legendY = chartBottom + (L.legendRows === 'one' ? legendHeight : 38);
  let lx = L.chartLeft;
  legend.forEach(([fill, text], i) => {
    const ly = L.legendRows === 'one' ? legendY : legendY + i * 18;
    out.push(`<rect x="${lx}" y="${ly - 10}" width="14" height="10" rx="2" fill="${fill}"/>`);
    out.push(
      `<text x="${lx + 20}" y="${ly - 1}" fill="${GANTT_COLOURS.muted}" font-size="12">${escapeHtml(text)}</text>`,
    );
    if (L.legendRows === 'one') lx += 40 + text.length * 7;
  });
  out.push('</svg>');
  return out.join('\n');
}

/**
 * Draws the timeline as a Gantt chart in inline SVG: one bar per step, critical-path steps in a
 * strong colour with bold labels, the alarm and the DNS switch as vertical markers. `narrow` is
 * the phone layout: step names above their bars, durations at the right edge.
 */
export function renderGanttSvg(report: RecoveryReport, options: { layout?: 'wide' | 'narrow' } = {}): string {
  return svgTimeline(report, options.layout === 'narrow' ? NARROW : WIDE);
}
