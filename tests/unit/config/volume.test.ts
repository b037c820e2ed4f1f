import { parseConfig } from '../../../lib/config/load';
import { ConfigError } from '../../../lib/errors';
import { buildSite, rawSite } from '../../support/builders';

// What RunTask's managed EBS volume needs, checked at load because moto accepts any of it.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskManagedEBSVolumeConfiguration.html
function issuesFor(run: Record<string, unknown>): string {
  try {
    parseConfig({ sites: [rawSite({ run: { ...(rawSite().run as object), ...run } })] });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.join('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('site config: the task volume', () => {
  it('keeps the file system and initialization rate it is given', () => {
    const site = buildSite();

    expect(site.run).toMatchObject({
      volumeType: 'gp3',
      volumeFilesystemType: 'ext4',
      volumeInitializationRateMiBps: 200,
    });
  });

  it.each([
    [
      'no file system (ECS would assume xfs)',
      { volumeFilesystemType: undefined },
      'run.volumeFilesystemType',
    ],
    [
      'an unknown file system',
      { volumeFilesystemType: 'btrfs' },
      'run.volumeFilesystemType: the file system',
    ],
    [
      'an initialization rate under 100 MiB/s',
      { volumeInitializationRateMiBps: 50 },
      'volumeInitializationRateMiBps',
    ],
    [
      'an initialization rate over 300 MiB/s',
      { volumeInitializationRateMiBps: 500 },
      'volumeInitializationRateMiBps',
    ],
    ['a magnetic volume (Fargate takes none)', { volumeType: 'standard' }, 'run.volumeType'],
    ['an io2 volume without IOPS', { volumeType: 'io2' }, 'run.volumeIops: required for io2 volumes'],
    [
      'IOPS on a gp2 volume',
      { volumeType: 'gp2', volumeIops: 3000 },
      'run.volumeIops: gp2 volumes take no IOPS',
    ],
    ['gp3 IOPS under 3000', { volumeIops: 1000 }, 'run.volumeIops: gp3 volumes take 3000-16000 IOPS'],
  ])('rejects %s, naming the field', (_case, run, expected) => {
    expect(issuesFor(run)).toContain(expected);
  });

  it('leaves the initialization rate out when none is given (EBS default rate)', () => {
    const site = buildSite({
      run: { ...(rawSite().run as object), volumeInitializationRateMiBps: undefined },
    });

    expect(site.run.volumeInitializationRateMiBps).toBeUndefined();
  });

  it('accepts io1 with its IOPS', () => {
    const site = buildSite({ run: { ...(rawSite().run as object), volumeType: 'io1', volumeIops: 5000 } });

    expect(site.run).toMatchObject({ volumeType: 'io1', volumeIops: 5000 });
  });
});
