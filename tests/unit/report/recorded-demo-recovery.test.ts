import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backup } from '../../../lib/backup/model';
import type { Recovery } from '../../../lib/recovery/model';
import { renderHtml } from '../../../lib/report/html';
import { renderMarkdown } from '../../../lib/report/markdown';
import { backupInUse, buildRecoveryReport } from '../../../lib/report/recovery-report';
import { htmlSections, htmlTimeline, markdownTables, plainMarkdown } from './read-report';

/** A recovery recorded by `npm run demo` (state machine run locally on moto, one walk-back). */
function recorded(): { recovery: Recovery; backups: Backup[] } {
  const path = join(__dirname, '../../fixtures/report/recorded-demo-recovery.json');
  return JSON.parse(readFileSync(path, 'utf8')) as { recovery: Recovery; backups: Backup[] };
}

describe('report of a recovery recorded by the local run', () => {
  it('names the backup the site now runs from, not the first pick that failed its gate', () => {
    const { recovery, backups } = recorded();

    const report = buildRecoveryReport(recovery, backups);

    expect(recovery.status.knownGoodBackupId).toBe('20261123t072221z-scheduled');
    expect(backupInUse(recovery)).toBe('20261122t072220z-scheduled');
    expect(report.backup.used?.id).toBe('20261122t072220z-scheduled');
    expect(report.backup.why).toContain(
      'Walked back 1 time: 20261123t072221z-scheduled (unhealthy) did not pass the health gate, so the next older backup was tried.',
    );
  });

  it('measures alarm → DNS from the record (12.4 s) and keeps the steps the state machine journaled', () => {
    const { recovery, backups } = recorded();

    const report = buildRecoveryReport(recovery, backups);

    // receivedAt 07:22:22.451 → insyncAt 07:22:34.829
    expect(report.durations.alarmToDnsMs).toBe(12_378);
    expect(report.timeline.map((r) => r.step)).toEqual([
      'begin',
      'pick-known-good',
      'capture-broken-state',
      'launch-replacement',
      'health-gate-replacement',
      'launch-sandbox',
      'sandbox-running',
      'switch-dns-sandbox',
      'walk-back',
      'launch-replacement',
      'health-gate-replacement',
      'switch-dns-site',
      'dns-insync-site',
      'notify-restored',
      'finish',
    ]);
    expect(report.timeline.filter((r) => !r.critical).map((r) => r.label)).toEqual([
      'Capture broken state',
      'Launch sandbox',
      'Sandbox running',
      'Switch DNS sandbox',
      'Notify restored',
      'Finish',
    ]);
  });

  it('renders both formats with the DNS change and the sandbox', () => {
    const { recovery, backups } = recorded();
    const report = buildRecoveryReport(recovery, backups);

    const html = renderHtml(report);
    const md = renderMarkdown(report);

    const sections = htmlSections(html);
    expect(sections.get('DNS change')).toContain('www.example.com → 10.195.136.169');
    expect(sections.get('Sandbox')).toContain('sandbox.example.com → 10.76.154.181');
    expect(
      htmlTimeline(html)
        .filter((s) => s.critical)
        .map((s) => s.step),
    ).toEqual(report.timeline.filter((r) => r.critical).map((r) => r.label));
    expect(plainMarkdown(md)).toContain(
      'Succeeded — blog is back: www.example.com switched to 10.195.136.169 12 s after the alarm.',
    );
    const attempts = markdownTables(md)[1];
    expect(attempts?.at(-1)).toMatchObject({
      '#': '2',
      Backup: '20261122t072220z-scheduled',
      Taken: '2026-11-22 07:22:20 UTC',
      Address: '10.195.136.169',
      'Health gate': '✅ healthy',
    });
  });
});
