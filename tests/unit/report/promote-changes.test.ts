import type { Recovery } from '../../../lib/recovery/model';
import { renderHtml } from '../../../lib/report/html';
import { renderMarkdown } from '../../../lib/report/markdown';
import { buildRecoveryReport } from '../../../lib/report/recovery-report';
import { buildRecovery } from '../../support/builders';

const MiB = 1024 * 1024;

function promoteRecord(changes: NonNullable<Recovery['status']['changes']>, failed = false): Recovery {
  const run = buildRecovery({
    id: '20261122t110000z-0a0b0c0d',
    startedAt: '2026-11-22T11:00:00.000Z',
    status: {
      phase: failed ? 'Failed' : 'Succeeded',
      changes,
      ...(failed ? { failure: { error: 'UnsavedChangesError', cause: 'the replacement changed …' } } : {}),
    },
  });
  run.spec.kind = 'promote';
  return run;
}

const replacement = {
  fromSnapshotId: 'snap-good',
  toSnapshotId: 'snap-now',
  since: '2026-11-22T09:41:00.000Z',
  changedBlocks: 28,
  changedBytes: 14 * MiB,
  blockSize: 512 * 1024,
};
const fix = {
  fromSnapshotId: 'snap-broken',
  toSnapshotId: 'snap-pre',
  since: '2026-11-22T09:43:00.000Z',
  changedBlocks: 3,
  changedBytes: 1.5 * MiB,
  blockSize: 512 * 1024,
};

describe('the report of a promote: what it discards and what the fix changed', () => {
  it('says what a refused promote would drop, and where it stays', () => {
    const report = buildRecoveryReport(
      promoteRecord({ replacement, fix, database: { restored: false }, discarded: false }, true),
    );

    expect(report.changes).toEqual({
      discards:
        'the replacement changed 14 MiB in 28 blocks since 09:41 UTC; promote would drop them (they stay in snapshot snap-now)',
      losesSomething: true,
      discarded: false,
      fix: 'the fix changed 1.5 MiB in 3 blocks since 09:43 UTC',
    });
  });

  it('shows both figures in the Markdown and the HTML', () => {
    const report = buildRecoveryReport(
      promoteRecord({ replacement, fix, database: { restored: false }, discarded: true }),
    );

    const markdown = renderMarkdown(report);
    const html = renderHtml(report);

    expect(markdown).toContain('## What promote discards, and what the fix changed');
    expect(markdown).toContain('14 MiB in 28 blocks since 09:41 UTC; promote drops them (--discard-changes)');
    expect(markdown).toContain('the fix changed 1.5 MiB in 3 blocks since 09:43 UTC');
    expect(html).toContain('What promote discards, and what the fix changed');
    expect(html).toContain('promote drops them (--discard-changes)');
    expect(html).toContain('the fix changed 1.5 MiB in 3 blocks');
  });

  it('says a promote of an unchanged replacement discards nothing, and notes a footprint it could not measure', () => {
    const report = buildRecoveryReport(
      promoteRecord({
        replacement: { ...replacement, changedBlocks: 0, changedBytes: 0 },
        fix: {
          fromSnapshotId: 'snap-broken',
          since: fix.since,
          unmeasured: 'AwsCallError: EBS ListChangedBlocks failed',
        },
        database: { restored: false },
        discarded: false,
      }),
    );

    expect(report.changes?.discards).toBe(
      'the replacement changed nothing since 09:41 UTC; promote discards nothing',
    );
    expect(report.changes?.losesSomething).toBe(false);
    expect(report.changes?.fix).toBe(
      'the fix could not be measured (AwsCallError: EBS ListChangedBlocks failed)',
    );
  });

  it('has no such section for a recovery', () => {
    const report = buildRecoveryReport(buildRecovery({ status: { phase: 'Succeeded' } }));

    expect(report.changes).toBeUndefined();
    expect(renderMarkdown(report)).not.toContain('What promote discards');
  });
});
