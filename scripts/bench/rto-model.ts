import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Site } from '../../lib/config/schema';

/**
 * The modelled RTO of a recovery, per database mode: a timeline from alarm to "Route 53 answers
 * with the replacement", built from published AWS figures, the site's config, the recovery state
 * machine's own waits and polls, and the orchestration time measured on moto. Every figure the
 * bench prints is computed here from these inputs; BENCHMARKS.md only copies the output.
 */

/** The recovery modes the model covers: `recovery.database` on an RDS instance, and on Aurora. */
export type RtoMode = 'keep' | 'snapshot' | 'point-in-time' | 'aurora-snapshot' | 'aurora-point-in-time';

export const RTO_MODES: readonly RtoMode[] = [
  'keep',
  'snapshot',
  'point-in-time',
  'aurora-snapshot',
  'aurora-point-in-time',
];

/** How a figure is known. */
export type Basis = 'measured' | 'published' | 'modelled' | 'config' | 'state machine';

/** A Step Functions Retry on NotReadyError: the first call at 0, then retries after growing intervals. */
export interface PollSchedule {
  intervalSeconds: number;
  backoffRate: number;
  maxDelaySeconds: number;
  maxAttempts: number;
}

/** Where each published figure comes from (AWS's own pages). */
export const SOURCES = {
  fargate:
    'AWS re:Post answer (citing the ECS best practices guide on task launch): "normal for new AWS Fargate tasks to take 30-45 seconds or longer to start" https://repost.aws/questions/QUjZAzJd27SZWxXM7MgyxOZw',
  ebsInit:
    'EBS User Guide, Initialize Amazon EBS volumes: provisioned rate 100-300 MiB/s; the default rate "fluctuates", completion "unpredictable" https://docs.aws.amazon.com/ebs/latest/userguide/initalize-volume.html; ECS TaskManagedEBSVolumeConfiguration.volumeInitializationRate https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskManagedEBSVolumeConfiguration.html',
  rdsRestore:
    'AWS Database Blog, Prewarm an Amazon RDS for Oracle database: "RDS instance creation from a snapshot typically takes few minutes, whereas PITR can take longer based on the amount of data generated in the transaction logs"; blocks then lazy-load from S3 https://aws.amazon.com/blogs/database/prewarm-an-amazon-rds-for-oracle-database-to-reduce-the-impact-of-lazy-loading/',
  pitr: "AWS Knowledge Center, RDS for MySQL PITR: time = volume restore + the quantity and size of transaction logs between the last automated snapshot and the restore time, applied at the instance class's I/O https://repost.aws/knowledge-center/rds-mysql-pitr-periods",
  aurora:
    'AWS Knowledge Center, Aurora MySQL snapshot restore: data is loaded before the cluster is available (no lazy loading), restore time is non-linear in size https://repost.aws/knowledge-center/aurora-mysql-snapshot-restore-options; RestoreDBClusterFromSnapshot: DB instances only after the cluster is available https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RestoreDBClusterFromSnapshot.html',
  auroraPitr:
    'Aurora User Guide, Backtracking: restoring a DB cluster to a point in time "launches a new DB cluster and restores it from backup data or a DB cluster snapshot, which can take hours"; backtrack "rewinds the DB cluster in minutes" https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html',
  route53:
    'Route 53 Developer Guide, Editing records: "Changes generally propagate to all Route 53 name servers within 60 seconds" https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-editing.html',
  asl: 'stepfunctions/recovery.asl.yml (read by the bench)',
  config: 'config/sites.yml (the reference site)',
  bench: 'bench parameter',
  moto: 'measured: the recovery state machine on moto, every AWS wait at zero',
  none: 'no AWS figure: Lambda invoke and Step Functions transition latency, warm',
} as const;

/** What the model assumes about AWS and the site where AWS publishes no single number. */
export interface RtoAssumptions {
  /** One Task state's Lambda invoke + Step Functions transition, warm (no AWS figure). */
  stepInvokeSeconds: number;
  /** RunTask → RUNNING with a managed EBS volume from a snapshot (upper reading of 30-45 s "or longer"). */
  fargateStartSeconds: number;
  /** What the site reads before it answers fast: PHP, theme, plugins, hot uploads (bench parameter). */
  workingSetGiB: number;
  /** The task volume's size: the whole volume initializes in the background, off the path. */
  volumeGiB: number;
  /** RestoreDBInstanceFromDBSnapshot → available ("a few minutes"). */
  instanceRestoreSeconds: number;
  /** Binary log written per hour by the site's database (a small WordPress). */
  logMiBPerHour: number;
  /** Rate at which RDS applies those logs during a point-in-time restore (AWS publishes none). */
  logReplayMiBps: number;
  /** RDS's last automated backup before the outage → the outage (the daily backup window to the alarm). */
  hoursSinceAutomatedBackup: number;
  /** RestoreDBClusterFromSnapshot → cluster available (Aurora loads the data first). */
  clusterRestoreSeconds: number;
  /** RestoreDBClusterToPointInTime → cluster available ("can take hours" at the slow end). */
  clusterPointInTimeSeconds: number;
  /** CreateDBInstance in the restored cluster → available. */
  clusterInstanceSeconds: number;
  /** Route 53 change → INSYNC on every authoritative server ("within 60 seconds"). */
  route53InsyncSeconds: number;
}

/** The typical reading of each figure. */
export const TYPICAL: RtoAssumptions = {
  stepInvokeSeconds: 0.1,
  fargateStartSeconds: 60,
  workingSetGiB: 2,
  volumeGiB: 20,
  instanceRestoreSeconds: 10 * 60,
  logMiBPerHour: 100,
  logReplayMiBps: 2,
  hoursSinceAutomatedBackup: 7.65,
  clusterRestoreSeconds: 10 * 60,
  clusterPointInTimeSeconds: 15 * 60,
  clusterInstanceSeconds: 8 * 60,
  route53InsyncSeconds: 60,
};

/** The slow end of the same figures: what an operator should plan the worst night for. */
export const SLOW: RtoAssumptions = {
  ...TYPICAL,
  fargateStartSeconds: 120,
  instanceRestoreSeconds: 30 * 60,
  logMiBPerHour: 300,
  logReplayMiBps: 1,
  hoursSinceAutomatedBackup: 24,
  clusterRestoreSeconds: 30 * 60,
  clusterPointInTimeSeconds: 2 * 3600,
  clusterInstanceSeconds: 15 * 60,
};

/** What the site's config and the state machine fix. */
export interface RtoSettings {
  /** run.volumeInitializationRateMiBps; undefined: EBS's default, lazy, unpredictable rate. */
  initializationRateMiBps: number | undefined;
  healthyThreshold: number;
  gateDeadlineSeconds: number;
  ttlSeconds: number;
  pointInTimeMarginSeconds: number;
  /** Hours from the known-good backup to the outage (what `snapshot` loses). */
  hoursSinceBackup: number;
  /** The Wait between health-gate rounds (WaitForReplacement). */
  healthPollSeconds: number;
  /** AwaitDatabase's Retry on NotReadyError. */
  databasePoll: PollSchedule;
  /** AwaitDns's Retry on NotReadyError. */
  dnsPoll: PollSchedule;
}

export type SourceKey = keyof typeof SOURCES;

/** The stretches a critical path is made of. */
export type SegmentKey =
  | 'orchestration'
  | 'invokes'
  | 'db-restore'
  | 'db-replay'
  | 'cluster-restore'
  | 'cluster-instance'
  | 'db-poll'
  | 'launch'
  | 'init'
  | 'gate'
  | 'dns';

/** What each stretch is, whatever the mode (the bench's table rows). */
export const SEGMENT_LABELS: Record<SegmentKey, string> = {
  orchestration: 'lifeboat orchestration, alarm → DNS change issued',
  invokes: 'Lambda invoke + Step Functions transition per Task state on the path',
  'db-restore':
    'RDS instance restore → available (from the backup snapshot; PITR: from the automated backup)',
  'db-replay': "PITR log replay: MiB/h written × h since RDS's automated backup ÷ replay MiB/s",
  'cluster-restore': 'Aurora cluster restore (from the snapshot, or to the point in time) → available',
  'cluster-instance': 'Aurora writer: CreateDBInstance → available',
  'db-poll': 'AwaitDatabase sees it: poll lag (Retry on NotReadyError)',
  launch: 'Fargate task RUNNING, managed EBS volume from the snapshot',
  init: 'initialize the working set at run.volumeInitializationRateMiBps',
  gate: 'health gate: rounds every Wait s, health.healthyThreshold healthy in a row',
  dns: 'Route 53 change INSYNC on every authoritative server',
};

/** One stretch of the critical path. */
export interface RtoSegment {
  key: SegmentKey;
  step: string;
  seconds: number;
  basis: Basis;
  source: SourceKey[];
}

/** One mode's modelled timeline from the alarm. */
export interface RtoTimeline {
  mode: RtoMode;
  /** The critical path in order; their sum is `dnsAnswersSeconds`. */
  segments: RtoSegment[];
  /** The critical path in one line, e.g. "restore DB 10.0 min → launch 60 s → ...". */
  criticalPath: string;
  /** Alarm → Route 53 answers with the replacement everywhere. */
  dnsAnswersSeconds: number;
  /** + the record's TTL, for resolvers that cached the old answer. */
  allResolversSeconds: number;
  /** The DB restore alone (with its poll), 0 for keep. */
  databaseSeconds: number;
  /** Log replay term of a point-in-time restore on an instance, 0 otherwise. */
  logReplaySeconds: number;
  /** What the same recovery would take if the task launched while the database restores. */
  overlappedDnsAnswersSeconds: number;
  /** The whole task volume initialized (background, off the path), undefined without a rate. */
  volumeInitializedSeconds: number | undefined;
  /** Data the mode gives up: seconds of writes before the outage that the restored site lacks. */
  dataLostSeconds: number;
  /** AwaitDatabase gives up before the database is available: NotReadyError is no walk-back error, so the recovery fails. */
  databasePollGivesUp: boolean;
  /** How long AwaitDatabase polls before it gives up (its Retry's whole schedule). */
  databasePollBudgetSeconds: number;
  /** The site is healthy within health.deadlineSeconds of its launch. */
  gateFits: boolean;
  /** Task states invoked on the path (each one Lambda invoke + transition). */
  taskStates: number;
  /** When AwaitDns sees INSYNC after the switch (the "site is back" notice, not the traffic). */
  dnsSeenSeconds: number | undefined;
}

/** The poll times of a Retry: 0, then each retry after interval × backoff^n, capped at the max delay. */
export function pollTimes(schedule: PollSchedule): number[] {
  const times = [0];
  let interval = schedule.intervalSeconds;
  for (let attempt = 1; attempt <= schedule.maxAttempts; attempt += 1) {
    times.push((times[times.length - 1] ?? 0) + Math.min(interval, schedule.maxDelaySeconds));
    interval *= schedule.backoffRate;
  }
  return times;
}

/** When a poll started at 0 first sees what became ready at `readySeconds`, and how many calls it took; undefined if it gives up first. */
export function seenAt(
  schedule: PollSchedule,
  readySeconds: number,
): { atSeconds: number; calls: number } | undefined {
  const times = pollTimes(schedule);
  const index = times.findIndex((t) => t >= readySeconds);
  return index < 0 ? undefined : { atSeconds: times[index] ?? 0, calls: index + 1 };
}

/** The health gate's verdict time from launch: rounds every `poll` s, `threshold` healthy rounds in a row after the site is ready. */
export function gateVerdictSeconds(readySeconds: number, pollSeconds: number, threshold: number): number {
  const firstHealthyRound = Math.ceil(readySeconds / pollSeconds);
  return (firstHealthyRound + threshold - 1) * pollSeconds;
}

/** Seconds to restore a point-in-time instance's logs: what was written since RDS's last automated backup, at the replay rate. */
export function logReplaySeconds(a: RtoAssumptions): number {
  return (a.logMiBPerHour * a.hoursSinceAutomatedBackup) / a.logReplayMiBps;
}

const mins = (s: number) => (s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(s < 10 ? 1 : 0)} s`);

/** The database part of a mode: its segments up to "available", or none for keep. */
function databaseSegments(mode: RtoMode, a: RtoAssumptions): RtoSegment[] {
  switch (mode) {
    case 'keep':
      return [];
    case 'snapshot':
      return [
        {
          step: 'RDS restore from the backup DB snapshot → available',
          seconds: a.instanceRestoreSeconds,
          basis: 'modelled',
          source: ['rdsRestore'],
          key: 'db-restore',
        },
      ];
    case 'point-in-time':
      return [
        {
          step: 'RDS point-in-time: restore the automated backup → available',
          seconds: a.instanceRestoreSeconds,
          basis: 'modelled',
          source: ['rdsRestore', 'pitr'],
          key: 'db-restore',
        },
        {
          step: `replay ${a.logMiBPerHour} MiB/h × ${a.hoursSinceAutomatedBackup} h of logs at ${a.logReplayMiBps} MiB/s`,
          seconds: logReplaySeconds(a),
          basis: 'modelled',
          source: ['pitr', 'rdsRestore'],
          key: 'db-replay',
        },
      ];
    case 'aurora-snapshot':
      return [
        {
          step: 'Aurora RestoreDBClusterFromSnapshot → cluster available',
          seconds: a.clusterRestoreSeconds,
          basis: 'modelled',
          source: ['aurora'],
          key: 'cluster-restore',
        },
        {
          step: 'CreateDBInstance (writer) → available',
          seconds: a.clusterInstanceSeconds,
          basis: 'modelled',
          source: ['aurora'],
          key: 'cluster-instance',
        },
      ];
    case 'aurora-point-in-time':
      return [
        {
          step: 'Aurora RestoreDBClusterToPointInTime → cluster available',
          seconds: a.clusterPointInTimeSeconds,
          basis: 'modelled',
          source: ['auroraPitr'],
          key: 'cluster-restore',
        },
        {
          step: 'CreateDBInstance (writer) → available',
          seconds: a.clusterInstanceSeconds,
          basis: 'modelled',
          source: ['aurora'],
          key: 'cluster-instance',
        },
      ];
  }
}

/**
 * The modelled timeline of one mode: orchestration (measured), the DB restore and its poll, launch,
 * initializing the working set at the configured rate, the health gate's rounds, Route 53, TTL.
 */
export function modelRto(
  mode: RtoMode,
  assumptions: RtoAssumptions,
  settings: RtoSettings,
  orchestrationSeconds: number,
): RtoTimeline {
  const a = assumptions;
  const db = databaseSegments(mode, a);
  const dbReady = db.reduce((sum, s) => sum + s.seconds, 0);
  const dbSeen = db.length === 0 ? undefined : seenAt(settings.databasePoll, dbReady);
  const dbPollLag = dbSeen === undefined ? 0 : dbSeen.atSeconds - dbReady;
  const rate = settings.initializationRateMiBps;
  // Conservative: the site reads its working set at the provisioned rate once the task runs (EBS may
  // have fetched part of it while the task was starting). Without a rate there is no figure to use.
  const initSeconds = rate === undefined ? 0 : (a.workingSetGiB * 1024) / rate;
  const readyAfterLaunch = a.fargateStartSeconds + initSeconds;
  const verdict = gateVerdictSeconds(readyAfterLaunch, settings.healthPollSeconds, settings.healthyThreshold);
  const gateRounds = verdict / settings.healthPollSeconds + 1;
  const dnsSeen = seenAt(settings.dnsPoll, a.route53InsyncSeconds);
  // Begin, PickKnownGood, [RestoreDatabase, AwaitDatabase × polls], LaunchReplacement, CheckReplacement × rounds, SwitchDns.
  const taskStates = 2 + (db.length === 0 ? 0 : 1 + (dbSeen?.calls ?? 0)) + 1 + gateRounds + 1;

  const segments: RtoSegment[] = [
    {
      step: 'lifeboat orchestration, alarm → DNS change issued',
      seconds: orchestrationSeconds,
      basis: 'measured',
      source: ['moto'],
      key: 'orchestration',
    },
    {
      step: `${taskStates} Task states on the path × ${a.stepInvokeSeconds * 1000} ms (Lambda invoke + transition, warm)`,
      seconds: taskStates * a.stepInvokeSeconds,
      basis: 'modelled',
      source: ['none'],
      key: 'invokes',
    },
    ...db,
    ...(db.length === 0
      ? []
      : [
          {
            step: `AwaitDatabase sees it (${dbSeen?.calls ?? '-'} polls: ${settings.databasePoll.intervalSeconds} s × ${settings.databasePoll.backoffRate}, ≤ ${settings.databasePoll.maxDelaySeconds} s)`,
            seconds: dbPollLag,
            basis: 'state machine',
            source: ['asl'],
            key: 'db-poll',
          } satisfies RtoSegment,
        ]),
    {
      step: 'Fargate task RUNNING (managed EBS volume from the snapshot)',
      seconds: a.fargateStartSeconds,
      basis: 'modelled',
      source: ['fargate'],
      key: 'launch',
    },
    {
      step:
        rate === undefined
          ? `working set ${a.workingSetGiB} GiB: no volumeInitializationRate, lazy-loaded at EBS's default rate (not predictable: not modelled)`
          : `initialize the working set: ${a.workingSetGiB} GiB at ${rate} MiB/s`,
      seconds: initSeconds,
      basis: rate === undefined ? 'modelled' : 'config',
      source: ['ebsInit', 'config', 'bench'],
      key: 'init',
    },
    {
      step: `health gate: rounds every ${settings.healthPollSeconds} s, ${settings.healthyThreshold} healthy in a row`,
      seconds: verdict - readyAfterLaunch,
      basis: 'state machine',
      source: ['asl', 'config'],
      key: 'gate',
    },
    {
      step: 'Route 53 change INSYNC on every authoritative server',
      seconds: a.route53InsyncSeconds,
      basis: 'published',
      source: ['route53'],
      key: 'dns',
    },
  ];
  const dnsAnswers = segments.reduce((sum, s) => sum + s.seconds, 0);
  // If the task launched at once and the site waited for its database (the gate's deadline then covers it).
  const overlappedVerdict = gateVerdictSeconds(
    Math.max(readyAfterLaunch, dbSeen?.atSeconds ?? 0),
    settings.healthPollSeconds,
    settings.healthyThreshold,
  );
  const fixed = orchestrationSeconds + taskStates * a.stepInvokeSeconds;
  const path = [
    ...(db.length === 0 ? [] : [`restore DB ${mins(dbReady + dbPollLag)}`]),
    `launch ${mins(a.fargateStartSeconds)}`,
    rate === undefined
      ? 'lazy-load working set (?)'
      : `init ${a.workingSetGiB} GiB @ ${rate} MiB/s ${mins(initSeconds)}`,
    `gate ${mins(verdict - readyAfterLaunch)}`,
    `DNS ${mins(a.route53InsyncSeconds)}`,
  ];
  return {
    mode,
    segments,
    criticalPath: path.join(' → '),
    dnsAnswersSeconds: dnsAnswers,
    allResolversSeconds: dnsAnswers + settings.ttlSeconds,
    databaseSeconds: dbReady + dbPollLag,
    logReplaySeconds: mode === 'point-in-time' ? logReplaySeconds(a) : 0,
    overlappedDnsAnswersSeconds: fixed + overlappedVerdict + a.route53InsyncSeconds,
    volumeInitializedSeconds: rate === undefined ? undefined : (a.volumeGiB * 1024) / rate,
    dataLostSeconds:
      mode === 'keep'
        ? 0
        : mode === 'snapshot' || mode === 'aurora-snapshot'
          ? settings.hoursSinceBackup * 3600
          : settings.pointInTimeMarginSeconds,
    databasePollGivesUp: db.length > 0 && dbSeen === undefined,
    databasePollBudgetSeconds: pollTimes(settings.databasePoll).at(-1) ?? 0,
    gateFits: verdict <= settings.gateDeadlineSeconds,
    taskStates,
    dnsSeenSeconds: dnsSeen?.atSeconds,
  };
}

interface AslState {
  Type?: string;
  Seconds?: number;
  Retry?: {
    ErrorEquals?: string[];
    IntervalSeconds?: number;
    BackoffRate?: number;
    MaxDelaySeconds?: number;
    MaxAttempts?: number;
  }[];
  Branches?: { States?: Record<string, AslState> }[];
}

function findState(states: Record<string, AslState> | undefined, name: string): AslState | undefined {
  for (const [key, state] of Object.entries(states ?? {})) {
    if (key === name) return state;
    for (const branch of state.Branches ?? []) {
      const found = findState(branch.States, name);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function pollOf(states: Record<string, AslState> | undefined, name: string): PollSchedule {
  const retry = findState(states, name)?.Retry?.find((r) => r.ErrorEquals?.includes('NotReadyError'));
  if (retry === undefined) throw new Error(`recovery.asl.yml: ${name} has no Retry on NotReadyError`);
  return {
    intervalSeconds: retry.IntervalSeconds ?? 1,
    backoffRate: retry.BackoffRate ?? 2,
    // Step Functions' own defaults where the definition leaves them out.
    maxDelaySeconds: retry.MaxDelaySeconds ?? Number.POSITIVE_INFINITY,
    maxAttempts: retry.MaxAttempts ?? 3,
  };
}

/** The waits and polls of the recovery state machine that are on its critical path, read from its definition. */
export function recoveryPolls(
  text = readFileSync(join(__dirname, '../../stepfunctions/recovery.asl.yml'), 'utf8'),
): Pick<RtoSettings, 'healthPollSeconds' | 'databasePoll' | 'dnsPoll'> {
  const states = (parse(text) as { States?: Record<string, AslState> }).States;
  const wait = findState(states, 'WaitForReplacement');
  if (wait?.Type !== 'Wait' || wait.Seconds === undefined)
    throw new Error('recovery.asl.yml: WaitForReplacement is not a Wait of fixed Seconds');
  return {
    healthPollSeconds: wait.Seconds,
    databasePoll: pollOf(states, 'AwaitDatabase'),
    dnsPoll: pollOf(states, 'AwaitDns'),
  };
}

/** The model's settings for `site` (its config) and the recovery state machine, with the hours since its backup. */
export function settingsFor(site: Site, hoursSinceBackup: number, polls = recoveryPolls()): RtoSettings {
  return {
    initializationRateMiBps: site.run.volumeInitializationRateMiBps,
    healthyThreshold: site.health.healthyThreshold,
    gateDeadlineSeconds: site.health.deadlineSeconds,
    ttlSeconds: site.dns.ttl,
    pointInTimeMarginSeconds: site.recovery.pointInTimeMarginSeconds,
    hoursSinceBackup,
    ...polls,
  };
}

/** The anchors the modelled RTO is compared with (seconds). */
export const ANCHORS = {
  /** The reference story: a person restarts last week's container by hand (files only, DB untouched). */
  manualRestart: 120,
  /** An AMI restore in the DR region plus a DNS change. */
  amiRestoreAndDns: 690,
};
