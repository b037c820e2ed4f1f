import { formatDuration } from '../../../lib/report/format';

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [999.4, '999 ms'],
    [999.6, '1.0 s'],
    [9_940, '9.9 s'],
    [9_960, '10 s'],
    [59_400, '59 s'],
    [59_600, '1 min'],
    [61_000, '1 min 1 s'],
    [3_600_000, '1 h 00 min'],
    [50 * 3_600_000, '2 days 2 h'],
  ])('%d ms reads %s (rounded before the unit is chosen)', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('answers a dash for what is not a duration', () => {
    expect(formatDuration(Number.NaN)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
  });
});
