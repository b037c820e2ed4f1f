/**
 * AWS list prices, us-east-1, as published on the AWS pricing pages (Lambda, Step Functions, S3,
 * SNS, CloudWatch, EBS) in 2025; this offline machine could not re-check them on the bench date,
 * so BENCHMARKS.md states them next to the results.
 */
export const PRICES = {
  asOf: '2025 list prices (us-east-1), not re-checked live',
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  stepFunctionsPerThousandTransitions: 0.025,
  s3PutListPerThousand: 0.005,
  s3GetPerThousand: 0.0004,
  snsPerMillionPublishes: 0.5,
  cloudwatchMetricPerMonth: 0.3,
  cloudwatchAlarmPerMonth: 0.1,
  cloudwatchLogsPerGbIngested: 0.5,
  ebsSnapshotPerGbMonth: 0.05,
  interRegionTransferPerGb: 0.02,
};

export interface NightlyCounts {
  sites: number;
  volumes: number;
  /** Lambda invocations and their total simulated duration (ms), per function, for one nightly run. */
  invocations: Record<string, { count: number; totalMs: number }>;
  s3: { GET: number; PUT: number; DELETE: number; LIST: number };
  /** SNS publishes (one per sweeper message). */
  snsPublishes: number;
}

export interface SteadyCounts {
  /** S3 requests of one sweep with nothing open (the fleet's, not per site: it reads an index). */
  s3PerSweep: { GET: number; LIST: number; PUT: number };
  sweepMs: number;
}

/** The fleet-wide custom metrics (lib/telemetry/metrics.ts METRIC, without the legacy per-site one). */
const FLEET_METRICS = [
  'BackupsCompleted',
  'BackupsPartiallyFailed',
  'BackupsFailed',
  'BackupDuration',
  'DrRpoMax',
  'DrRpoP95',
  'VolumesWithoutDrCopy',
  'UnreadableCatalogRecords',
  'SnapshotsDeletedByRetention',
];
const FLEET_ALARMS = 2;

export interface CostLine {
  item: string;
  perMonth: number;
  basis: string;
}

const MEMORY_GB = 0.25;
const LOG_BYTES_PER_INVOCATION = 2_000;
const DAYS = 30;
const SWEEPS_PER_MONTH = (30 * 24 * 60) / 5;

/** The pipeline's own monthly cost for the whole fleet in `nightly` (divide by sites or volumes for per-unit). */
export function monthlyCost(
  nightly: NightlyCounts,
  steady: SteadyCounts,
  recovery: { stateTransitionsPerDrill: number; lambdaPerDrill: number },
): CostLine[] {
  const invocations = Object.values(nightly.invocations);
  const lambdaRequests = DAYS * invocations.reduce((a, i) => a + i.count, 0) + SWEEPS_PER_MONTH;
  const gbSeconds =
    DAYS * invocations.reduce((a, i) => a + (i.totalMs / 1000) * MEMORY_GB, 0) +
    SWEEPS_PER_MONTH * (steady.sweepMs / 1000) * MEMORY_GB;
  const s3PutList =
    DAYS * (nightly.s3.PUT + nightly.s3.LIST) +
    SWEEPS_PER_MONTH * (steady.s3PerSweep.LIST + steady.s3PerSweep.PUT);
  const s3Get = DAYS * nightly.s3.GET + SWEEPS_PER_MONTH * steady.s3PerSweep.GET;
  const drills = (52 / 12) * nightly.sites;
  const lines: CostLine[] = [
    {
      item: 'Lambda requests',
      perMonth: (lambdaRequests / 1e6) * PRICES.lambdaPerMillionRequests,
      basis: `${Math.round(lambdaRequests).toLocaleString('en-US')} invocations (nightly runs + ${SWEEPS_PER_MONTH} sweeps)`,
    },
    {
      item: 'Lambda duration (arm64, 256 MB)',
      perMonth: gbSeconds * PRICES.lambdaArmPerGbSecond,
      basis: `${Math.round(gbSeconds).toLocaleString('en-US')} GB-s, simulated durations`,
    },
    {
      item: 'S3 requests (catalog)',
      perMonth: (s3PutList / 1000) * PRICES.s3PutListPerThousand + (s3Get / 1000) * PRICES.s3GetPerThousand,
      basis: `${Math.round(s3PutList).toLocaleString('en-US')} PUT/LIST + ${Math.round(s3Get).toLocaleString('en-US')} GET`,
    },
    {
      item: 'SNS (sweeper → advance-backup)',
      perMonth: ((DAYS * nightly.snsPublishes) / 1e6) * PRICES.snsPerMillionPublishes,
      basis: `${(DAYS * nightly.snsPublishes).toLocaleString('en-US')} publishes`,
    },
    {
      item: 'Step Functions (weekly drill per site)',
      perMonth:
        ((drills * recovery.stateTransitionsPerDrill) / 1000) * PRICES.stepFunctionsPerThousandTransitions,
      basis: `${Math.round(drills)} drills × ${recovery.stateTransitionsPerDrill} transitions`,
    },
    {
      item: `CloudWatch custom metrics (${FLEET_METRICS.length}, fleet-wide)`,
      perMonth: FLEET_METRICS.length * PRICES.cloudwatchMetricPerMonth,
      basis: `${FLEET_METRICS.join(', ')}; dimension service only, the site as EMF metadata`,
    },
    {
      item: `CloudWatch alarms (${FLEET_ALARMS}, fleet-wide)`,
      perMonth: FLEET_ALARMS * PRICES.cloudwatchAlarmPerMonth,
      basis: 'DR RPO max over threshold; any backup Failed or PartiallyFailed',
    },
    {
      item: 'CloudWatch Logs ingestion',
      perMonth: ((lambdaRequests * LOG_BYTES_PER_INVOCATION) / 1e9) * PRICES.cloudwatchLogsPerGbIngested,
      basis: `~${LOG_BYTES_PER_INVOCATION} bytes per invocation`,
    },
  ];
  return lines;
}
