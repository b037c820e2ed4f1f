import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backup } from '../../../lib/backup/model';
import type { Recovery } from '../../../lib/recovery/model';
import { renderGanttSvg } from '../../../lib/report/gantt-svg';
import { renderHtml } from '../../../lib/report/html';
import { renderMarkdown } from '../../../lib/report/markdown';
import { buildRecoveryReport } from '../../../lib/report/recovery-report';
import { writeRecoveryReport } from '../../../lib/report/write-report';
import {
  ganttBars,
  htmlHeader,
  htmlSections,
  htmlTimeline,
  markdownTables,
  plainMarkdown,
  svgLabels,
  visibleText,
} from './read-report';

interface Fixture {
  recovery: Recovery;
  backups: Backup[];
}

function recorded(): Fixture {
  const path = join(__dirname, '../../fixtures/report/walk-back-recovery.json');
  return JSON.parse(readFileSync(path, 'utf8')) as Fixture;
}

/** The fixture's critical path: two launches and health gates (one walk-back), then DNS. */
const CRITICAL_PATH = [
  'Launch replacement',
  'Health gate replacement',
  'Launch replacement',
  'Health gate replacement',
  'Switch DNS site',
  'DNS in sync site',
];

describe('HTML report', () => {
  const { recovery, backups } = recorded();
  const html = renderHtml(buildRecoveryReport(recovery, backups), { generatedAt: '2026-11-23T10:00:00Z' });

  it('is one self-contained file: no external scripts, stylesheets, images or fonts', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\((?!#)/i);
    expect(html).not.toMatch(/(src|href)="https?:/i);
  });

  it('shows the trigger, the backup and why, the DNS change, the sandbox and alarm → DNS', () => {
    const sections = htmlSections(html);
    const text = visibleText(html);

    expect(htmlHeader(html)).toMatch(/Succeeded$/);
    expect(text).toContain(
      'blog is back: www.example.com switched to 54.210.33.17 4 min 40 s after the alarm.',
    );
    expect(sections.get('What triggered it')).toContain(
      'Pingdom check 12345 (www.example.com) is DOWN: HTTP 502 Bad Gateway',
    );
    const backup = sections.get('Which backup, and why');
    expect(backup).toContain('Backup 20261122t020000z-scheduled');
    expect(backup).toContain(
      'Walked back 1 time: 20261123t020000z-scheduled (unhealthy) did not pass the health gate',
    );
    expect(sections.get('DNS change')).toContain('www.example.com → 54.210.33.17 TTL 60 s');
    expect(sections.get('Sandbox')).toContain('sandbox.example.com → 3.91.120.8');
    expect(text).toContain('4 min 40 s alarm → DNS switched');
    expect(text).toContain('generated 2026-11-23 10:00:00 UTC');
    expect(text).toContain(
      'Step Functions execution arn:aws:states:us-east-1:123456789012:execution:RecoveryStateMachine:blog-20261123t093900z-5f2c81a0',
    );
  });

  it('marks the critical path and the failed health gate in the timeline table', () => {
    const steps = htmlTimeline(html);

    expect(steps).toHaveLength(13);
    expect(steps.filter((s) => s.critical).map((s) => s.step)).toEqual(CRITICAL_PATH);
    expect(steps.filter((s) => s.outcome === 'failed')).toEqual([
      { step: 'Health gate replacement', outcome: 'failed', critical: true },
    ]);
  });

  it('escapes text from the records', () => {
    const hostile = recorded();
    hostile.recovery.spec.trigger.summary = '<script>alert(1)</script>';

    const page = renderHtml(buildRecoveryReport(hostile.recovery, hostile.backups));

    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>');
  });

  it('says why when it failed and that DNS was left alone', () => {
    const failed = recorded();
    failed.recovery.status.phase = 'Failed';
    failed.recovery.status.dnsChange = undefined;
    failed.recovery.status.failure = { error: 'NoKnownGoodBackupError', cause: 'no completed backup' };

    const page = renderHtml(buildRecoveryReport(failed.recovery, failed.backups));

    const sections = htmlSections(page);
    expect(htmlHeader(page)).toMatch(/Failed$/);
    expect(visibleText(page)).toContain(
      'Recovery of blog failed: NoKnownGoodBackupError. DNS was not touched.',
    );
    expect(sections.get('Why it failed')).toBe(
      'Why it failed Error NoKnownGoodBackupError Cause no completed backup',
    );
    expect(sections.get('DNS change')).toContain(
      'The record was not changed: lifeboat never points DNS at a task that failed its health gate',
    );
  });
});

describe('Gantt SVG', () => {
  it('draws one bar per step and the critical ones distinctly', () => {
    const { recovery, backups } = recorded();

    const svg = renderGanttSvg(buildRecoveryReport(recovery, backups));

    const bars = ganttBars(svg);
    expect(bars).toHaveLength(13);
    expect(bars.filter((b) => b.critical).map((b) => b.step)).toEqual(CRITICAL_PATH);
    expect(bars.filter((b) => b.outcome === 'failed')).toEqual([
      { step: 'Health gate replacement', took: '1 min', critical: true, outcome: 'failed' },
    ]);
    expect(svgLabels(svg)).toEqual(expect.arrayContaining(['alarm received', 'DNS switched', '+5 min']));
  });
});

describe('Markdown report', () => {
  it('has the headline figures, the attempts and a text timeline', () => {
    const { recovery, backups } = recorded();

    const md = renderMarkdown(buildRecoveryReport(recovery, backups));

    const [figures, attempts, timeline] = markdownTables(md);
    const text = plainMarkdown(md);
    expect(md.split('\n')[0]).toBe('# Recovery of blog — 20261123t093900z-5f2c81a0');
    expect(text).toContain(
      'Succeeded — blog is back: www.example.com switched to 54.210.33.17 4 min 40 s after the alarm.',
    );
    expect(figures?.[0]).toMatchObject({
      'Alarm → DNS switched': '4 min 40 s',
      'Outage → DNS switched': '5 min 22 s',
    });
    expect(attempts?.map((a) => [a.Backup, a.Address, a['Health gate']])).toEqual([
      ['20261123t020000z-scheduled', '10.0.1.23', '❌ unhealthy'],
      ['20261122t020000z-scheduled', '10.0.1.57', '✅ healthy'],
    ]);
    // The legend: █ critical path, ▒ off it.
    expect(timeline?.filter((r) => r.bar?.includes('█')).map((r) => r.Step)).toEqual(CRITICAL_PATH);
    expect(timeline?.find((r) => r.Step === 'Switch DNS site')).toMatchObject({
      Took: '300 ms',
      Outcome: 'ok',
    });
    expect(text).toContain('www.example.com → 54.210.33.17 (TTL 60 s)');
    expect(text).toContain('sandbox.example.com → 3.91.120.8');
  });
});

describe('writeRecoveryReport', () => {
  it('writes the HTML and Markdown side by side, named by site and id', async () => {
    const { recovery, backups } = recorded();
    const dir = await mkdtemp(join(tmpdir(), 'lifeboat-report-'));

    const paths = await writeRecoveryReport(
      join(dir, 'out'),
      recovery,
      backups,
      new Date('2026-11-23T10:00:00Z'),
    );

    expect(paths.html).toBe(join(dir, 'out', 'blog-20261123t093900z-5f2c81a0.html'));
    expect(await readFile(paths.markdown, 'utf8')).toContain('generated 2026-11-23 10:00:00 UTC');
  });
});
