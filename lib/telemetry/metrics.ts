import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

import type { Backup } from '../backup/model';
import type { BackupTelemetry } from '../backup/ports';
import type { SweepTelemetry } from '../backup/sweep-backups';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** Metric names; the per-site alarm in serverless.yml names NEWEST_COMPLETED_AGE. */
export const METRIC = {
  completed: 'BackupsCompleted',
  partiallyFailed: 'BackupsPartiallyFailed',
  failed: 'BackupsFailed',
  duration: 'BackupDuration',
  newestCompletedAge: 'NewestCompletedBackupAge',
  retentionDeleted: 'SnapshotsDeletedByRetention',
  unreadableRecords: 'UnreadableCatalogRecords',
} as const;

/** The process-wide Powertools metrics (namespace from POWERTOOLS_METRICS_NAMESPACE, default Lifeboat). */
export const metrics = new Metrics({ namespace: 'Lifeboat', serviceName: 'lifeboat' });

/** Emits one metric with a `site` dimension at once (EMF line), so many sites fit one invocation. */
function emit(target: Metrics, site: string, name: string, unit: Unit, value: number): void {
  const single = target.singleMetric();
  single.addDimension('site', site);
  single.addMetric(name, unit, value);
}

const PHASE_METRIC: Partial<Record<Backup['status']['phase'], string>> = {
  Completed: METRIC.completed,
  PartiallyFailed: METRIC.partiallyFailed,
  Failed: METRIC.failed,
};

/** Backup and sweep telemetry as CloudWatch metrics per site. */
export function backupMetrics(target: Metrics = metrics): BackupTelemetry & SweepTelemetry {
  return {
    backupFinished(backup) {
      const name = PHASE_METRIC[backup.status.phase];
      if (name === undefined) return;
      emit(target, backup.site, name, MetricUnit.Count, 1);
      const end = new Date(backup.status.completedAt ?? backup.status.updatedAt).getTime();
      const seconds = Math.max(0, (end - new Date(backup.status.createdAt).getTime()) / 1000);
      emit(target, backup.site, METRIC.duration, MetricUnit.Seconds, seconds);
    },
    unreadableRecords(site, count) {
      emit(target, site, METRIC.unreadableRecords, MetricUnit.Count, count);
    },
    newestCompletedBackup(site, ageSeconds) {
      // No completed backup at all emits nothing: the alarm treats missing data as breaching.
      if (ageSeconds !== undefined)
        emit(target, site, METRIC.newestCompletedAge, MetricUnit.Seconds, ageSeconds);
    },
  };
}
