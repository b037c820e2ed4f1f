import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

import type { Backup } from '../backup/model';
import type { BackupTelemetry } from '../backup/ports';
import type { SweepTelemetry } from '../backup/sweep-backups';
import { getOptionalStringFromEnv } from '../env';
import type { TrustAction, TrustTelemetry } from '../trust/snapshot-trust';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/**
 * Metric names, fleet-wide (dimension `service` only; the site rides along as EMF metadata, so it
 * is in the logs but makes no metric of its own); serverless.yml's alarms watch DR_RPO_MAX and FAILED.
 */
export const METRIC = {
  completed: 'BackupsCompleted',
  partiallyFailed: 'BackupsPartiallyFailed',
  failed: 'BackupsFailed',
  duration: 'BackupDuration',
  /** Kept for the per-site alarms of earlier versions (lib/telemetry/alarms.ts removes them). */
  newestCompletedAge: 'NewestCompletedBackupAge',
  drRpoMax: 'DrRpoMax',
  drRpoP95: 'DrRpoP95',
  neverCopied: 'VolumesWithoutDrCopy',
  retentionDeleted: 'SnapshotsDeletedByRetention',
  unreadableRecords: 'UnreadableCatalogRecords',
  snapshotsRefused: 'SnapshotsRefused',
} as const;

/** Where lifeboat's metrics live: the CloudWatch namespace and the `service` dimension Powertools adds. */
export interface MetricsIdentity {
  namespace: string;
  service: string;
}

/**
 * The one source of the metrics' namespace and service, read by the metrics and by the alarms
 * that watch them (if the two differed, every site would alarm): POWERTOOLS_METRICS_NAMESPACE and
 * POWERTOOLS_SERVICE_NAME, which serverless.yml sets, else Lifeboat and lifeboat.
 */
export function metricsIdentity(env: NodeJS.ProcessEnv = process.env): MetricsIdentity {
  return {
    namespace: getOptionalStringFromEnv('POWERTOOLS_METRICS_NAMESPACE', env) ?? 'Lifeboat',
    service: getOptionalStringFromEnv('POWERTOOLS_SERVICE_NAME', env) ?? 'lifeboat',
  };
}

let processMetrics: Metrics | undefined;

/** The process-wide Powertools metrics, under metricsIdentity(), built on first use. */
export function defaultMetrics(): Metrics {
  if (processMetrics === undefined) {
    const { namespace, service } = metricsIdentity();
    processMetrics = new Metrics({ namespace, serviceName: service });
  }
  return processMetrics;
}

/**
 * Emits one fleet-wide metric at once (EMF line), the site as metadata: a custom metric per site
 * costs $0.30 a month each, the fleet needs a handful. Per-site detail is in the logs and the catalog.
 */
function emit(target: Metrics, site: string | undefined, name: string, unit: Unit, value: number): void {
  const single = target.singleMetric();
  if (site !== undefined) single.addMetadata('site', site);
  single.addMetric(name, unit, value);
}

const PHASE_METRIC: Partial<Record<Backup['status']['phase'], string>> = {
  Completed: METRIC.completed,
  PartiallyFailed: METRIC.partiallyFailed,
  Failed: METRIC.failed,
};

/** One refused snapshot, by site and by what lifeboat was about to do with it (launch, copy, ...). */
function emitRefusal(target: Metrics, site: string, action: TrustAction): void {
  const single = target.singleMetric();
  single.addDimension('site', site);
  single.addDimension('action', action);
  single.addMetric(METRIC.snapshotsRefused, MetricUnit.Count, 1);
}

/** Snapshots AWS did not vouch for, counted per site and action (recovery processes). */
export function trustMetrics(target: Metrics = defaultMetrics()): TrustTelemetry {
  return { snapshotRefused: (site, action) => emitRefusal(target, site, action) };
}

/** Backup and sweep telemetry as a few fleet-wide CloudWatch metrics. */
export function backupMetrics(target: Metrics = defaultMetrics()): BackupTelemetry & SweepTelemetry {
  return {
    snapshotRefused(site, action) {
      emitRefusal(target, site, action);
    },
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
    drFreshness(fleet) {
      // Nothing copied yet emits no RPO: the alarm treats missing data as breaching.
      if (fleet.maxSeconds !== undefined)
        emit(target, undefined, METRIC.drRpoMax, MetricUnit.Seconds, fleet.maxSeconds);
      if (fleet.p95Seconds !== undefined)
        emit(target, undefined, METRIC.drRpoP95, MetricUnit.Seconds, fleet.p95Seconds);
      emit(target, undefined, METRIC.neverCopied, MetricUnit.Count, fleet.neverCopied);
    },
  };
}
