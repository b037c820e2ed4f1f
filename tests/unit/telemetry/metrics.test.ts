import { Metrics } from '@aws-lambda-powertools/metrics';
import { backupMetrics, metricsIdentity, trustMetrics } from '../../../lib/telemetry/metrics';
import { buildBackup } from '../../support/builders';

/** Captures the EMF lines Powertools writes to stdout, one JSON document per metric. */
function capture(): { metrics: Metrics; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) if (line.startsWith('{')) lines.push(JSON.parse(line));
    return true;
  });
  return { metrics: new Metrics({ namespace: 'Lifeboat', serviceName: 'lifeboat' }), lines };
}

afterEach(() => jest.restoreAllMocks());

describe('backup metrics', () => {
  it('counts a finished backup fleet-wide, by phase, with its duration, the site as metadata only', () => {
    const { metrics, lines } = capture();
    const backup = buildBackup({ phase: 'Completed', site: 'blog' });
    backup.status.completedAt = new Date(new Date(backup.status.createdAt).getTime() + 90_000).toISOString();

    backupMetrics(metrics).backupFinished(backup);

    expect(lines).toEqual([
      expect.objectContaining({ site: 'blog', service: 'lifeboat', BackupsCompleted: 1 }),
      expect.objectContaining({ site: 'blog', BackupDuration: 90 }),
    ]);
    const dimensions = lines.flatMap(
      (l) =>
        (l._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] }).CloudWatchMetrics[0]?.Dimensions ??
        [],
    );
    expect(dimensions.flat()).not.toContain('site');
  });

  it('reports the fleet DR RPO, and no RPO while nothing was copied', () => {
    const { metrics, lines } = capture();

    backupMetrics(metrics).drFreshness({ volumes: 3, neverCopied: 1, maxSeconds: 7200, p95Seconds: 3600 });
    backupMetrics(metrics).drFreshness({ volumes: 2, neverCopied: 2 });

    expect(lines).toEqual([
      expect.objectContaining({ DrRpoMax: 7200 }),
      expect.objectContaining({ DrRpoP95: 3600 }),
      expect.objectContaining({ VolumesWithoutDrCopy: 1 }),
      expect.objectContaining({ VolumesWithoutDrCopy: 2 }),
    ]);
  });

  it('counts the unreadable catalog records of a site, zero included', () => {
    const { metrics, lines } = capture();

    backupMetrics(metrics).unreadableRecords?.('blog', 2);
    backupMetrics(metrics).unreadableRecords?.('shop', 0);

    expect(lines).toEqual([
      expect.objectContaining({ site: 'blog', UnreadableCatalogRecords: 2 }),
      expect.objectContaining({ site: 'shop', UnreadableCatalogRecords: 0 }),
    ]);
  });
});

describe('metricsIdentity', () => {
  it('is Lifeboat / lifeboat unless serverless.yml (or the operator) names others', () => {
    expect(metricsIdentity({})).toEqual({ namespace: 'Lifeboat', service: 'lifeboat' });
    expect(
      metricsIdentity({ POWERTOOLS_METRICS_NAMESPACE: 'Acme/Backups', POWERTOOLS_SERVICE_NAME: 'acme' }),
    ).toEqual({ namespace: 'Acme/Backups', service: 'acme' });
  });
});

describe('trust metrics', () => {
  it('counts every refused snapshot per site and action, in backups and recoveries alike', () => {
    const { metrics, lines } = capture();

    trustMetrics(metrics).snapshotRefused('blog', 'launch');
    backupMetrics(metrics).snapshotRefused?.('shop', 'copy');

    expect(lines).toEqual([
      expect.objectContaining({ site: 'blog', action: 'launch', SnapshotsRefused: 1 }),
      expect.objectContaining({ site: 'shop', action: 'copy', SnapshotsRefused: 1 }),
    ]);
  });
});
