import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderGanttSvg } from '../../../lib/report/gantt-svg';
import { renderHtml } from '../../../lib/report/html';
import { renderMarkdown } from '../../../lib/report/markdown';
import { buildRecoveryReport } from '../../../lib/report/recovery-report';
import { writeRecoveryReport } from '../../../lib/report/write-report';
import { recordedRecovery } from '../../support/recorded-recoveries';

const recorded = () => recordedRecovery('walk-back');

describe('HTML report', () => {
  const { recovery, backups } = recorded();
  const html = renderHtml(buildRecoveryReport(recovery, backups), { generatedAt: '2026-11-23T10:00:00Z' });

  it('is one self-contained file: no external scripts, stylesheets, images or fonts', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\((?!#)/i);
    expect(html).not.toMatch(/(src|href)="https?:/i);
  });

  it('shows the trigger, the backup and why, the DNS change, the sandbox and alarm → DNS', () => {
    expect(html).toContain('Pingdom check 12345 (www.example.com) is DOWN: HTTP 502 Bad Gateway');
    expect(html).toContain('<code>20261122t020000z-scheduled</code>');
    expect(html).toContain('Walked back 1 time');
    expect(html).toContain(
      '<code>www.example.com</code><span class="arrow">→</span><code>54.210.33.17</code>',
    );
    expect(html).toContain('<code>sandbox.example.com</code> → <code>3.91.120.8</code>');
    expect(html).toContain('<div class="value">4 min 40 s</div><div class="what">alarm → DNS switched</div>');
    expect(html).toContain('generated 2026-11-23 10:00:00 UTC');
    expect(html).toContain(
      'Step Functions execution <code>arn:aws:states:us-east-1:123456789012:execution:RecoveryStateMachine:blog-20261123t093900z-5f2c81a0</code>',
    );
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

    expect(page).toContain('<span class="badge Failed">Failed</span>');
    expect(page).toContain('<code>NoKnownGoodBackupError</code>');
    expect(page).toContain('lifeboat never points DNS at a task that failed its health gate');
  });
});

describe('Gantt SVG', () => {
  it('draws one bar per step and the critical ones distinctly', () => {
    const { recovery, backups } = recorded();

    const svg = renderGanttSvg(buildRecoveryReport(recovery, backups));

    expect(svg.match(/<rect class="bar/g)).toHaveLength(13);
    expect(svg.match(/<rect class="bar critical"/g)).toHaveLength(6);
    expect(svg).toContain('fill="url(#failed)"');
    expect(svg).toContain('<title>Health gate replacement: 1 min (critical path) — failed</title>');
    expect(svg).toContain('>alarm received</text>');
    expect(svg).toContain('>DNS switched</text>');
    expect(svg).toContain('>+5 min</text>');
  });
});

describe('Markdown report', () => {
  it('has the headline figures, the attempts and a text timeline', () => {
    const { recovery, backups } = recorded();

    const md = renderMarkdown(buildRecoveryReport(recovery, backups));

    expect(md).toContain('# Recovery of blog — 20261123t093900z-5f2c81a0');
    expect(md).toContain('| **4 min 40 s** | 5 min 22 s |');
    expect(md).toContain(
      '| 1 | `20261123t020000z-scheduled` | 2026-11-23 02:00:00 UTC | `10.0.1.23` | ❌ unhealthy |',
    );
    expect(md).toContain('| **Switch DNS site** | +3 min 53 s | 300 ms | ok |');
    expect(md).toContain('`www.example.com` → `54.210.33.17` (TTL 60 s)');
    expect(md).toContain('`sandbox.example.com` → `3.91.120.8`');
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
