import type { DrillVerdict } from '../../../lib/backup/model';
import { drillVerdictLines, drillVerdictShort } from '../../../lib/report/drill-text';
import { renderHtml } from '../../../lib/report/html';
import { renderMarkdown } from '../../../lib/report/markdown';
import { buildRecoveryReport } from '../../../lib/report/recovery-report';
import { buildBackup, buildRecovery } from '../../support/builders';

const FILES_PASSED = {
  verdict: 'passed' as const,
  detail: 'task t1 from volume snapshot snap-1 started and answered (3 checks)',
};
const DB_FAILED = {
  verdict: 'failed' as const,
  detail:
    'the database did not restore: DatabaseRestoreFailedError: lifeboat-blog-drill-0a1b2c is incompatible-restore',
};
const DB_PASSED = {
  verdict: 'passed' as const,
  identifier: 'lifeboat-blog-drill-0a1b2c',
  detail:
    'lifeboat-blog-drill-0a1b2c restored from DB snapshot lifeboat-blog-x, available; the site answered with it',
  evidence:
    'GET /wp-login.php (expected 200) answered 200 in 41 ms, 2 healthy in a row, with WORDPRESS_DB_HOST=db.local',
};

function verdict(database: DrillVerdict['database'], passed: boolean): DrillVerdict {
  return {
    verdict: passed ? 'passed' : 'failed',
    at: '2026-11-22T04:05:00.000Z',
    detail: 'restored into task t1, healthy after 3 checks (drill 20261122t040000z-drill)',
    files: FILES_PASSED,
    ...(database === undefined ? {} : { database }),
    drillId: '20261122t040000z-drill',
  };
}

function drillReport(drill: DrillVerdict) {
  const backup = buildBackup({ phase: 'Completed' });
  backup.status.drill = drill;
  const recovery = buildRecovery({ id: '20261122t040000z-drill', startedAt: '2026-11-22T04:00:00.000Z' });
  recovery.spec.kind = 'drill';
  recovery.status.phase = 'Succeeded';
  recovery.status.knownGoodBackupId = backup.id;
  recovery.status.drill = drill;
  return buildRecoveryReport(recovery, [backup]);
}

describe('drill verdicts as the operator reads them (list, status, report)', () => {
  it.each([
    ['files and database passed', verdict(DB_PASSED, true), 'passed: files and database'],
    ['files passed, database failed', verdict(DB_FAILED, false), 'failed: database'],
    ['a site without a database', verdict(undefined, true), 'passed'],
    [
      'a verdict from before database drills',
      { verdict: 'failed' as const, at: '2026-11-01T04:00:00Z', detail: 'HTTP 502' },
      'failed',
    ],
  ])('%s: %s', (_name, drill, short) => {
    expect(drillVerdictShort(drill)).toBe(short);
  });

  it('gives one line per half, the database evidence last, and the old detail for an old verdict', () => {
    expect(drillVerdictLines(verdict(DB_PASSED, true))).toEqual([
      { label: 'files', text: `passed: ${FILES_PASSED.detail}` },
      { label: 'database', text: `passed: ${DB_PASSED.detail}` },
      { label: 'evidence', text: DB_PASSED.evidence },
    ]);
    expect(drillVerdictLines({ verdict: 'passed', at: '2026-11-01T04:00:00Z', detail: 'HTTP 200' })).toEqual([
      { label: 'drill', text: 'passed: HTTP 200' },
    ]);
  });

  it("a drill's report: the headline names the half that failed, the page and the Markdown show both verdicts", () => {
    const report = drillReport(verdict(DB_FAILED, false));

    expect(report.headline).toBe(
      'Restore drill of blog: backup 20261122t020000z-scheduled failed: database.',
    );
    expect(report.backup.used?.drill).toBe(
      'failed on 2026-11-22 04:05:00 UTC (files passed, database failed)',
    );
    const html = renderHtml(report);
    expect(html).toContain('<h2>Drill verdicts</h2>');
    expect(html).toContain('is incompatible-restore');
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('## Drill verdicts');
    expect(markdown).toMatch(/- \*\*files\*\*: passed: task t1/);
    expect(markdown).toMatch(/- \*\*database\*\*: failed: the database did not restore/);
  });
});
