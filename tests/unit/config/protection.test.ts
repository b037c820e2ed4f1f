import { ConfigError } from '../../../lib/errors';
import { buildConfig, buildSite, rawSite } from '../../support/builders';

describe('site protection (Snapshot Lock, Recycle Bin)', () => {
  it('is off unless asked for', () => {
    expect(buildSite().protection).toEqual({});
  });

  it('takes a lock mode and days, and a Recycle Bin retention', () => {
    const site = buildSite({
      protection: {
        snapshotLock: { mode: 'compliance', days: 30, coolOffHours: 24 },
        recycleBin: { retentionDays: 14 },
      },
    });

    expect(site.protection).toEqual({
      snapshotLock: { mode: 'compliance', days: 30, coolOffHours: 24 },
      recycleBin: { retentionDays: 14 },
    });
  });

  it.each([
    [{ snapshotLock: { mode: 'forever', days: 7 } }, 'protection.snapshotLock.mode'],
    [{ snapshotLock: { mode: 'governance', days: 0 } }, 'protection.snapshotLock.days'],
    [
      { snapshotLock: { mode: 'governance', days: 7, coolOffHours: 2 } },
      'protection.snapshotLock.coolOffHours',
    ],
    [{ recycleBin: { retentionDays: 400 } }, 'protection.recycleBin.retentionDays'],
    [{ vaultLock: true }, 'protection'],
  ])('refuses %j naming %s', (protection, path) => {
    expect(() => buildConfig(rawSite({ protection }))).toThrow(ConfigError);
    expect(() => buildConfig(rawSite({ protection }))).toThrow(path);
  });
});
