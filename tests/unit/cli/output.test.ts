import { drCopySummary } from '../../../lib/cli/commands/list';
import { ageOf, formatElapsed, formatTable } from '../../../lib/cli/output';
import { buildBackup } from '../../support/builders';

describe('CLI output helpers', () => {
  it('aligns table columns under their headers', () => {
    expect(
      formatTable(
        ['ID', 'PHASE'],
        [
          ['a-long-id', 'Completed'],
          ['b', 'Failed'],
        ],
      ),
    ).toBe(
      ['ID         PHASE', '---------  ---------', 'a-long-id  Completed', 'b          Failed'].join('\n'),
    );
  });

  it('formats elapsed times at a fixed width', () => {
    expect(formatElapsed(4200)).toBe('  4.2s');
    expect(formatElapsed(192_000)).toBe(' 3m12s');
  });

  it('says how old something is', () => {
    const now = new Date('2026-11-23T09:00:00Z');
    expect(ageOf('2026-11-23T08:59:30Z', now)).toBe('<1 min');
    expect(ageOf('2026-11-23T01:21:00Z', now)).toBe('7 h 39 min');
  });

  it('summarises DR copies of a backup', () => {
    const part = (state: 'completed' | 'pending' | 'failed') => ({
      kind: 'ebs-volume' as const,
      sourceId: 'vol-1',
      state: 'completed' as const,
      copy: { region: 'us-west-2', state },
    });
    const backup = (states: ('completed' | 'pending' | 'failed')[], copyToDr = true) => {
      const b = buildBackup({ parts: states.map(part) });
      b.spec.copyToDr = copyToDr;
      return b;
    };

    expect(drCopySummary(backup(['completed', 'completed']))).toBe('2/2 copied');
    expect(drCopySummary(backup(['completed', 'pending']))).toBe('copying 1/2');
    expect(drCopySummary(backup(['failed', 'completed']))).toBe('1/2 failed');
    expect(drCopySummary(backup(['completed'], false))).toBe('not copied');
  });
});
