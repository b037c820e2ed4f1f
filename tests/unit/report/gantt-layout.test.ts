import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backup } from '../../../lib/backup/model';
import type { Recovery } from '../../../lib/recovery/model';
import { renderGanttSvg } from '../../../lib/report/gantt-svg';
import { renderHtml } from '../../../lib/report/html';
import { buildRecoveryReport, type RecoveryReport } from '../../../lib/report/recovery-report';

function report(fixture: 'recorded-demo-recovery' | 'walk-back-recovery'): RecoveryReport {
  const path = join(__dirname, `../../fixtures/report/${fixture}.json`);
  const { recovery, backups } = JSON.parse(readFileSync(path, 'utf8')) as {
    recovery: Recovery;
    backups: Backup[];
  };
  return buildRecoveryReport(recovery, backups);
}

interface Text {
  text: string;
  from: number;
  to: number;
  y: number;
  size: number;
}

/** The svg's text elements with their horizontal extent (about 0.6 em a character). */
function texts(svg: string, defaultSize: number): Text[] {
  return [...svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)].map(([, attrs = '', text = '']) => {
    const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(attrs)?.[1];
    const x = Number(attr('x'));
    const size = Number(attr('font-size') ?? defaultSize);
    const w = text.length * size * 0.6;
    const anchor = attr('text-anchor') ?? 'start';
    const from = anchor === 'end' ? x - w : anchor === 'middle' ? x - w / 2 : x;
    return { text, from, to: from + w, y: Number(attr('y')), size };
  });
}

/** The x of each alarm / DNS marker line (dashed), with the vertical range it covers. */
function markerLines(svg: string): { x: number; y1: number; y2: number }[] {
  return [
    ...svg.matchAll(/<line x1="([\d.]+)" y1="([\d.]+)" x2="[\d.]+" y2="([\d.]+)" stroke="#2b8a3e"/g),
  ].map(([, x = '', y1 = '', y2 = '']) => ({ x: Number(x), y1: Number(y1), y2: Number(y2) }));
}

describe('Gantt layout', () => {
  it.each(['recorded-demo-recovery', 'walk-back-recovery'] as const)(
    'on a desktop, no axis or duration label of %s lies across the alarm or DNS line',
    (fixture) => {
      const svg = renderGanttSvg(report(fixture));
      const lines = markerLines(svg);
      const chartTop = Math.min(...lines.map((l) => l.y1));
      const chartBottom = Math.max(...lines.map((l) => l.y2));
      // Axis labels (above the chart) and the bars' duration labels; the markers' own labels sit below.
      const labels = texts(svg, 13).filter((t) => t.y < chartBottom && t.text !== '0');

      const crossing = labels.filter((t) => lines.some((l) => l.x > t.from - 1 && l.x < t.to + 1));

      expect(lines.length).toBeGreaterThan(0);
      expect(labels.some((t) => t.y < chartTop)).toBe(true);
      expect(crossing.map((t) => t.text)).toEqual([]);
    },
  );

  it('on a desktop, keeps a duration label beside its bar when no line is in the way', () => {
    const svg = renderGanttSvg(report('walk-back-recovery'));

    expect(svg).toMatch(
      /<rect class="bar critical" x="[\d.]+" y="[\d.]+" width="[\d.]+"[^>]*><title>Launch replacement: 1 min 14 s/,
    );
    expect(texts(svg, 13).find((t) => t.text === '1 min 14 s')).toBeDefined();
  });

  it('on a phone, draws at nearly 1:1: a 360-unit-wide chart, names above the bars, no text under 11 units', () => {
    const svg = renderGanttSvg(report('recorded-demo-recovery'), { layout: 'narrow' });

    expect(svg).toContain('viewBox="0 0 360 ');
    const all = texts(svg, 13);
    expect(Math.min(...all.map((t) => t.size))).toBeGreaterThanOrEqual(11);
    expect(all.filter((t) => t.to > 360 + 1 || t.from < -1).map((t) => t.text)).toEqual([]);
    // Every step name starts at the left edge, on its own line above its bar.
    expect(all.filter((t) => t.text === 'Health gate replacement').map((t) => t.from)).toEqual([6, 6]);
    expect(svg.match(/<rect class="bar/g)).toHaveLength(15);
  });

  it('puts both charts on the page, the phone one with its own pattern ids, and lets the step table become cards', () => {
    const html = renderHtml(report('recorded-demo-recovery'));

    expect(html).toContain('<div class="gantt-wide"><svg');
    expect(html).toContain('<div class="gantt-narrow"><svg');
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map(([, id]) => id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(html).toContain('fill="url(#narrow-failed)"');
    expect(html).toContain('<table class="cards steps">');
    expect(html).toMatch(/@media \(max-width: 760px\) \{[^@]*\.gantt-wide \{ display:none; \}/);
  });
});
