import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFile, parseConfig, parseConfigText } from '../../../lib/config/load';
import { costGuardOf } from '../../../lib/config/schema';
import { ConfigError } from '../../../lib/errors';
import { rawSite } from '../../support/builders';

const configWith = (costGuard: unknown) => ({ sites: [rawSite()], costGuard });

function issuesOf(raw: unknown): readonly string[] {
  try {
    parseConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('the config was accepted');
}

describe('config costGuard', () => {
  it('alarms after 24 hours unless told otherwise', () => {
    expect(costGuardOf(parseConfig({ sites: [rawSite()] }))).toEqual({ restoredDatabaseMaxAgeHours: 24 });
    expect(costGuardOf(parseConfig(configWith({})))).toEqual({ restoredDatabaseMaxAgeHours: 24 });
  });

  it('takes the hours given', () => {
    expect(costGuardOf(parseConfig(configWith({ restoredDatabaseMaxAgeHours: 6 })))).toEqual({
      restoredDatabaseMaxAgeHours: 6,
    });
  });

  it('ships 24 in config/sites.yml, read as the stack reads it', () => {
    const shipped = loadConfigFile(join(__dirname, '../../../config/sites.yml'));

    expect(shipped.costGuard).toEqual({ restoredDatabaseMaxAgeHours: 24 });
  });

  it.each([
    [0, 'costGuard.restoredDatabaseMaxAgeHours: at least 1 hour'],
    [-3, 'costGuard.restoredDatabaseMaxAgeHours: at least 1 hour'],
    [1.5, 'costGuard.restoredDatabaseMaxAgeHours: a whole number of hours such as 24'],
    [721, 'costGuard.restoredDatabaseMaxAgeHours: at most 720 hours (30 days)'],
    ['24h', 'costGuard.restoredDatabaseMaxAgeHours: a number of hours such as 24'],
  ])('refuses %j, naming the field', (hours, issue) => {
    const issues = issuesOf(configWith({ restoredDatabaseMaxAgeHours: hours }));

    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(new RegExp(`^${issue.replace(/[.()]/g, '\\$&')}`));
  });

  it('refuses a key it would not honour', () => {
    expect(issuesOf(configWith({ restoredDatabaseMaxAge: 24 }))).toEqual([
      expect.stringMatching(/^costGuard: Unrecognized key: "restoredDatabaseMaxAge"/),
    ]);
  });

  it('is fleet-wide, not a site setting', () => {
    const text = readFileSync(join(__dirname, '../../../config/sites.yml'), 'utf8').replace(
      'keepTags: [Name, Environment]',
      'keepTags: [Name, Environment]\n    costGuard: { restoredDatabaseMaxAgeHours: 2 }',
    );

    expect(() => parseConfigText(text)).toThrow(/sites\[0\]\(blog\): Unrecognized key: "costGuard"/);
  });
});
