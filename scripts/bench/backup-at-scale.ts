import { AllAwsClients } from '../../lib/aws/all-clients';
import { PUBLISHED_COPY_LIMITS } from '../../lib/backup/copy-limits';
import type { Backup } from '../../lib/backup/model';
import { sweepBackups } from '../../lib/backup/sweep-backups';
import { backupPorts } from '../../lib/backup/wiring';
import { Catalog } from '../../lib/catalog/catalog';
import { RETENTION_QUEUE } from '../../lib/retention/retention-queue';
import { handOn, runRetention } from '../../lib/retention/run';
import { retentionPorts } from '../../lib/retention/wiring';
import { trustIdentityFromEnv } from '../../lib/trust/snapshot-trust';
import { AwsStandin, STANDIN_ENDPOINT } from '../../local/aws-standin/aws-standin';
import { type MotoServer, resetMoto } from '../../local/moto-server';
import { AwsSimulation } from '../../local/sdk-middleware/aws-simulation';
import {
  FUNCTION_TIMEOUT_MS,
  type Invocation,
  runBackupPipeline,
} from '../../local/sdk-middleware/backup-pipeline';
import { EventFeeder } from '../../local/sdk-middleware/event-feeder';
import { seededRandom } from '../../local/sdk-middleware/seeded-random';
import { SimulatedClock } from '../../local/sdk-middleware/simulated-clock';
import type { SnapshotDurations } from '../../local/sdk-middleware/snapshot-lifecycle';
import { MOTO_ACCOUNT } from '../../local/seed';
import { CountingObjectStore } from './counting-store';
import { seedSites } from './seed-moto';

/** Modelled durations (AWS publishes none; incremental nightly snapshots of small site volumes). */
export const BENCH_DURATIONS: SnapshotDurations = {
  ebsSnapshotMs: 2 * 60_000,
  ebsCopyMs: 5 * 60_000,
  rdsSnapshotMs: 5 * 60_000,
  rdsCopyMs: 10 * 60_000,
};

/** Modelled latency of one AWS API call, and of one S3 request. */
export const CALL_LATENCY_MS = 100;

const THROTTLE_NAMES =
  /Throttl|RequestLimitExceeded|SlowDown|RateExceeded|ResourceLimitExceeded|SnapshotQuotaExceeded/;

/** Which AWS answers the bench's EC2, RDS and Service Quotas calls: moto over HTTP, or the in-process stand-in. */
export type BenchAws = { kind: 'moto'; moto: MotoServer; plain: AllAwsClients } | { kind: 'standin' };

/** The policy the bench's sites keep, small enough that a week's run reaches retention's steady state. */
export const BENCH_RETENTION = { daily: 3, weekly: 0, monthly: 0 };

const DAY_MS = 24 * 3_600_000;

/** One nightly retention run over every site (one apply-retention invocation, as scheduled). */
export interface RetentionRun {
  atHours: number;
  durationMs: number;
  deleted: number;
  failed: number;
  refused: number;
  waiting: number;
  /** Sites whose retention threw (its report is missing). */
  sitesFailed: number;
  /** apply-retention invocations the run took (each hands the sites left to the next). */
  invocations: number;
  longestInvocationMs: number;
  /** Invocations that ran past apply-retention's timeout (Lambda would have killed them). */
  overTimeout: number;
  /** Sites still to do after maxPasses invocations, left to the next day's run. */
  leftForTomorrow: number;
}

export interface BackupScaleResult {
  /** moto (every call over HTTP to moto_server) or standin (EC2/RDS/Service Quotas in-process, local/aws-standin). */
  aws: BenchAws['kind'];
  sites: number;
  volumes: number;
  databases: number;
  seedMs: number;
  realMs: number;
  horizonReached: boolean;
  simulatedMs: number;
  phases: Record<string, number>;
  partsDone: { snapshots: number; copies: number; total: number };
  awsCalls: Record<string, number>;
  awsCallsTotal: number;
  awsAttempts: number;
  s3Requests: Record<string, number>;
  /** The same by what the key holds (backup records, markers, the copy queue, the EC2 budget). */
  s3ByKind: Record<string, number>;
  throttlesSent: Record<string, number>;
  throttlesEscapedSdk: number;
  throttlesSurfaced: number;
  /** Sites whose scheduled start failed even after Lambda's two retries: no backup that night. */
  sitesWithoutBackup: number;
  otherEscaped: Record<string, number>;
  invocations: Record<
    string,
    { count: number; failed: number; longestMs: number; totalMs: number; overTimeout: number }
  >;
  /** Errors that ended invocations, by function and error name (Lambda retries them). */
  invocationErrors: Record<string, number>;
  steadySweep: { s3PerSweep: { GET: number; LIST: number; PUT: number }; sweepMs: number };
  longestInvocation: { fn: string; ms: number };
  createRate: {
    snapshots: number;
    windowMs: number;
    perSecond: number;
    peak10s: number;
    /** The longest pause between two starts, and the starts per minute of the window (where it was lost). */
    longestGapMs: number;
    perMinute: number[];
  };
  failureReasons: string[];
  nights: number;
  /** CreateSnapshot calls (each with its SDK retries counted once) per snapshot started. */
  createSnapshotCallsPerSnapshot: number;
  /** Per night and resource (volumes + databases). */
  perResource: { awsCalls: number; s3: number; invocations: number; byAction: Record<string, number> };
  invocationErrorsTotal: number;
  /** Simulated hours from each night's schedule until its last backup was terminal. */
  hoursToTerminal: number[];
  /** Fleet DR RPO (age of each volume's newest completed DR copy), sampled by the sweeper. */
  drRpo: { label: string; atHours: number; maxHours?: number; p95Hours?: number; neverCopied: number }[];
  /** Copies completed, and the copy phase's length against its quota floor (copies × copy time ÷ slots). */
  copyPhase: { ebsCopies: number; spanHours: number; floorHours: number };
  /**
   * The same per night: the copies started from that night's schedule until the next one's, and
   * the time the slots took for them (to the last one's end, at most the next schedule).
   */
  copyPhaseByNight: { night: number; ebsCopies: number; spanHours: number; floorHours: number }[];
  /** Copies superseded by a newer snapshot of their volume (coalesced). */
  superseded: number;
  /** Retention, once per night from the second night on (at 01:00, before the next schedule). */
  retention: RetentionRun[];
  /** EBS snapshots (sources and DR copies) and DB snapshots that exist at the end, per region. */
  snapshotsAtEnd: Record<string, number>;
}

function totalOf(calls: Record<string, number>): number {
  return Object.values(calls).reduce((a, b) => a + b, 0);
}

function summariseInvocations(invocations: Invocation[]) {
  const out: BackupScaleResult['invocations'] = {};
  let longest = { fn: '', ms: 0 };
  for (const i of invocations) {
    const entry = out[i.fn] ?? { count: 0, failed: 0, longestMs: 0, totalMs: 0, overTimeout: 0 };
    entry.count += 1;
    // Lambda would have stopped these mid-way (the bench lets them finish).
    if (i.durationMs > FUNCTION_TIMEOUT_MS[i.fn]) entry.overTimeout += 1;
    entry.totalMs += i.durationMs;
    if (i.error !== undefined) entry.failed += 1;
    entry.longestMs = Math.max(entry.longestMs, i.durationMs);
    out[i.fn] = entry;
    if (i.durationMs > longest.ms) longest = { fn: i.fn, ms: i.durationMs };
  }
  return { byFn: out, longest };
}

function countErrors(invocations: Invocation[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of invocations)
    if (i.error !== undefined) out[`${i.fn}: ${i.error}`] = (out[`${i.fn}: ${i.error}`] ?? 0) + 1;
  return out;
}

function createRate(starts: number[]): BackupScaleResult['createRate'] {
  if (starts.length === 0)
    return { snapshots: 0, windowMs: 0, perSecond: 0, peak10s: 0, longestGapMs: 0, perMinute: [] };
  const first = starts[0] ?? 0;
  const last = starts[starts.length - 1] ?? 0;
  let peak = 0;
  let lo = 0;
  let longestGapMs = 0;
  const perMinute: number[] = [];
  for (let hi = 0; hi < starts.length; hi += 1) {
    const at = starts[hi] ?? 0;
    while (at - (starts[lo] ?? 0) >= 10_000) lo += 1;
    peak = Math.max(peak, hi - lo + 1);
    if (hi > 0) longestGapMs = Math.max(longestGapMs, at - (starts[hi - 1] ?? 0));
    const minute = Math.floor((at - first) / 60_000);
    perMinute[minute] = (perMinute[minute] ?? 0) + 1;
  }
  const windowMs = Math.max(1, last - first);
  return {
    snapshots: starts.length,
    windowMs,
    perSecond: (starts.length - 1) / (windowMs / 1000),
    peak10s: peak / 10,
    longestGapMs,
    perMinute: Array.from(perMinute, (n) => n ?? 0),
  };
}

/** Seeds the sites in `aws` and returns the simulated clients the pipeline runs with (and the stand-in, if any). */
async function worldOn(
  aws: BenchAws,
  sim: AwsSimulation,
  clock: SimulatedClock,
  sites: number,
  volumesPerSite: number,
) {
  if (aws.kind === 'moto') {
    await resetMoto(aws.moto.endpoint);
    const config = await seedSites(aws.plain, sites, volumesPerSite, { retention: BENCH_RETENTION });
    return { config, clients: sim.clients(aws.moto.endpoint), standin: undefined };
  }
  const standin = new AwsStandin({ now: () => clock.nowMs() });
  const config = await seedSites(standin.clients(), sites, volumesPerSite, { retention: BENCH_RETENTION });
  const clients = new AllAwsClients({
    endpoint: STANDIN_ENDPOINT,
    defaultRegion: 'us-east-1',
    maxAttempts: 8,
    retryMode: 'standard',
    decorate: standin.decorateWith(sim.decorate),
  });
  return { config, clients, standin };
}

/**
 * Backs up `sites` sites of `volumesPerSite` volumes and one database each, in moto or the
 * in-process stand-in, through the backup use cases on simulated time with AWS's rate limits,
 * until every backup is terminal or `horizonMs` of simulated time has passed; with several
 * nights, retention runs before each next night's schedule.
 */
export async function benchBackupAtScale(
  aws: BenchAws,
  options: { sites: number; volumesPerSite: number; horizonMs: number; nights?: number },
): Promise<BackupScaleResult> {
  const nights = options.nights ?? 1;
  const clock = new SimulatedClock('2026-11-22T02:00:00Z');
  const sim = new AwsSimulation({
    clock,
    durations: BENCH_DURATIONS,
    callLatencyMs: CALL_LATENCY_MS,
    seed: 7,
  });
  const seedStart = Date.now();
  const { config, clients, standin } = await worldOn(aws, sim, clock, options.sites, options.volumesPerSite);
  const seedMs = Date.now() - seedStart;
  const store = new CountingObjectStore(clock);
  const catalog = new Catalog(store, { retryDelayMs: 1, maxUpdateAttempts: 50 });
  const ports = backupPorts(clients, catalog, { clock });
  const feeder = new EventFeeder({}, seededRandom(3));

  const realStart = Date.now();
  const drRpo: BackupScaleResult['drRpo'] = [];
  const hours = (s: number | undefined) => (s === undefined ? undefined : s / 3600);
  let lastProgress = 0;
  const retention = retentionPorts(clients, catalog);
  const trust = { accountId: MOTO_ACCOUNT, stage: trustIdentityFromEnv().stage };
  const retentionRuns: RetentionRun[] = [];
  const uncounted = new Catalog(store.inner, { retryDelayMs: 1 });
  // Retention deletes the records of what it deleted: remember when each backup became terminal.
  const terminalAt = new Map<string, Backup>();
  const remember = async () => {
    for (const site of config.sites)
      for await (const b of uncounted.allBackups(site.name))
        if (b.status.completedAt !== undefined) terminalAt.set(`${b.site}/${b.id}`, b);
  };
  const start = clock.nowMs();
  let pipelineDone = false;
  const nightlyRetention = async () => {
    for (let night = 1; night < nights; night += 1) {
      await clock.sleep(Math.max(0, start + night * DAY_MS - 3_600_000 - clock.nowMs()));
      if (pipelineDone) return;
      await remember();
      const began = clock.nowMs();
      const entry: RetentionRun = {
        atHours: (began - start) / 3_600_000,
        durationMs: 0,
        deleted: 0,
        failed: 0,
        refused: 0,
        waiting: 0,
        sitesFailed: 0,
        invocations: 0,
        longestInvocationMs: 0,
        overTimeout: 0,
        leftForTomorrow: 0,
      };
      // As functions/apply-retention.ts does: each invocation stops beginning deletions its
      // reserve before the timeout and hands the sites left to the next (RetentionRunQueue).
      let sites = config.sites;
      for (let pass = 1; sites.length > 0; pass += 1) {
        const invoked = clock.nowMs();
        const stopBy = new Date(
          invoked + RETENTION_QUEUE.functionTimeoutSeconds * 1000 - RETENTION_QUEUE.finishReserveMs,
        );
        const { reports, remaining } = await runRetention(retention, clock, sites, {
          dryRun: false,
          trust,
          stopBy,
        });
        const tookMs = clock.nowMs() - invoked;
        entry.invocations += 1;
        entry.longestInvocationMs = Math.max(entry.longestInvocationMs, tookMs);
        if (tookMs > RETENTION_QUEUE.functionTimeoutSeconds * 1000) entry.overTimeout += 1;
        for (const report of reports) {
          if ('error' in report) {
            entry.sitesFailed += 1;
            continue;
          }
          entry.deleted += report.deleted;
          entry.failed += report.failed;
          entry.refused += report.refused;
          entry.waiting += report.waiting;
        }
        const { next, leftForTomorrow } = handOn(pass, remaining, new Date(began).toISOString());
        entry.leftForTomorrow = leftForTomorrow?.length ?? 0;
        const left = new Set(next?.sites);
        sites = sites.filter((site) => left.has(site.name));
      }
      entry.durationMs = clock.nowMs() - began;
      retentionRuns.push(entry);
      console.error(
        `  retention at ${entry.atHours.toFixed(1)} simulated h: ${entry.deleted} deleted, ${entry.waiting} waiting, ${entry.failed} failed, ${entry.refused} refused, ${fmtSeconds(entry.durationMs)} simulated in ${entry.invocations} invocations (longest ${fmtSeconds(entry.longestInvocationMs)}, ${entry.overTimeout} over the timeout)`,
      );
    }
  };
  const pipeline = async () => {
    try {
      return await runBackupPipeline({
        ports,
        clock,
        lifecycle: sim.lifecycle,
        config,
        feeder,
        nights,
        scheduledAt: clock.now(),
        maxDurationMs: options.horizonMs,
        allTerminal: async () => store.peekOpen() === 0,
        onSweep: (sweep, simulatedMs) => {
          const atHours = simulatedMs / 3_600_000;
          // Just before each next night's schedule, and the last sweep of the run.
          const night = Math.floor(atHours / 24);
          if (atHours % 24 > 23.9 || atHours % 24 < 0.05)
            drRpo.push({
              label: `before night ${night + 1}`,
              atHours,
              maxHours: hours(sweep.fleet.maxSeconds),
              p95Hours: hours(sweep.fleet.p95Seconds),
              neverCopied: sweep.fleet.neverCopied,
            });
          if (Date.now() - lastProgress > 15_000) {
            lastProgress = Date.now();
            console.error(
              `  sweep at ${atHours.toFixed(1)} simulated h: ${store.peekOpen()} open, ${sim.stats.total(sim.stats.calls)} AWS calls, DR RPO max ${hours(sweep.fleet.maxSeconds)?.toFixed(1) ?? '-'} h, ${((Date.now() - realStart) / 1000).toFixed(0)} s real`,
            );
          }
        },
      });
    } finally {
      pipelineDone = true;
    }
  };
  const [run] = await clock.drive(() => Promise.all([pipeline(), nightlyRetention()]));
  const realMs = Date.now() - realStart;

  // One sweep once nothing is open: what the reconciler costs every 5 minutes all month.
  const before = { ...store.requests };
  const sweepStart = clock.nowMs();
  const last = await clock.drive(() => sweepBackups(ports, clock, config.sites, async () => undefined));
  drRpo.push({
    label: 'end of run',
    atHours: (clock.nowMs() - Date.parse('2026-11-22T02:00:00Z')) / 3_600_000,
    maxHours: hours(last.fleet.maxSeconds),
    p95Hours: hours(last.fleet.p95Seconds),
    neverCopied: last.fleet.neverCopied,
  });
  const steadySweep = {
    s3PerSweep: {
      GET: store.requests.GET - before.GET,
      LIST: store.requests.LIST - before.LIST,
      PUT: store.requests.PUT - before.PUT,
    },
    sweepMs: clock.nowMs() - sweepStart,
  };

  await clock.drive(remember);
  const backups: Backup[] = [];
  for (const site of config.sites) for await (const b of uncounted.allBackups(site.name)) backups.push(b);
  // Backups retention deleted count for the nights' times to terminal, not for the end state.
  const everTerminal = [...terminalAt.values()];
  for (const b of backups) terminalAt.set(`${b.site}/${b.id}`, b);
  const phases: Record<string, number> = {};
  for (const b of backups) phases[b.status.phase] = (phases[b.status.phase] ?? 0) + 1;
  const parts = backups.flatMap((b) => b.status.parts);
  const partsDone = {
    snapshots: parts.filter((p) => p.state === 'completed').length,
    copies: parts.filter((p) => p.copy.state === 'completed').length,
    total: parts.length,
  };
  const failureReasons = [
    ...new Set(parts.flatMap((p) => [p.error, p.copy.error]).filter((e): e is string => e !== undefined)),
  ];

  const awsCalls: Record<string, number> = {};
  for (const [key, n] of sim.stats.calls) if (!key.startsWith('s3:')) awsCalls[key] = n;
  const escaped = [...sim.stats.escaped];
  const throttlesEscapedSdk = escaped.filter(([k]) => THROTTLE_NAMES.test(k)).reduce((a, [, n]) => a + n, 0);
  const otherEscaped = Object.fromEntries(escaped.filter(([k]) => !THROTTLE_NAMES.test(k)));
  const { byFn, longest } = summariseInvocations(run.invocations);
  // Surfaced = a throttle that failed a part of a backup (what an operator would see as a bad backup).
  const throttlesSurfaced = parts.filter((p) =>
    [p.error, p.copy.error].some(
      (e) => e !== undefined && /thrott|limit exceeded|quota|RequestLimit/i.test(e),
    ),
  ).length;

  const resources = (options.sites * options.volumesPerSite + options.sites) * nights;
  const snapshotsStarted = sim.lifecycle.startTimes('ebs-snapshot').length;
  const totalInvocations = run.invocations.length;
  const byAction = Object.fromEntries(Object.entries(awsCalls).map(([k, n]) => [k, n / resources]));
  const scheduled = (b: Backup) => Date.parse(b.spec.scheduledFor);
  const allBackups = [
    ...new Map([...everTerminal, ...backups].map((b) => [`${b.site}/${b.id}`, b])).values(),
  ];
  const firstNight = Math.min(...allBackups.map(scheduled));
  const hoursToTerminal = Array.from({ length: nights }, (_, night) => {
    const of = allBackups.filter((b) => Math.round((scheduled(b) - firstNight) / 86_400_000) === night);
    if (of.length === 0) return Number.NaN;
    const ends = of.map((b) =>
      b.status.completedAt === undefined ? Number.NaN : Date.parse(b.status.completedAt) - scheduled(b),
    );
    return Math.max(...ends) / 3_600_000;
  });
  const copyStarts = sim.lifecycle.startTimes('ebs-copy');
  const result: BackupScaleResult = {
    aws: aws.kind,
    sites: options.sites,
    volumes: options.sites * options.volumesPerSite,
    databases: options.sites,
    seedMs,
    realMs,
    horizonReached: !run.finished,
    simulatedMs: run.durationMs,
    phases,
    partsDone,
    awsCalls,
    awsCallsTotal: Object.values(awsCalls).reduce((a, b) => a + b, 0),
    awsAttempts: sim.stats.total(sim.stats.attempts, (k) => !k.startsWith('s3:')),
    s3Requests: { ...store.requests },
    s3ByKind: { ...store.byKind },
    throttlesSent: Object.fromEntries(sim.stats.throttlesSent),
    throttlesEscapedSdk,
    throttlesSurfaced,
    sitesWithoutBackup: options.sites - new Set(backups.map((b) => b.site)).size,
    otherEscaped,
    invocations: byFn,
    invocationErrors: countErrors(run.invocations),
    steadySweep,
    longestInvocation: longest,
    // The first night's create window (a later night's starts would stretch it over days).
    createRate: createRate(sim.lifecycle.startTimes('ebs-snapshot').filter((t) => t < start + DAY_MS)),
    failureReasons: failureReasons.slice(0, 5),
    nights,
    createSnapshotCallsPerSnapshot: (awsCalls['ec2:CreateSnapshot'] ?? 0) / Math.max(1, snapshotsStarted),
    perResource: {
      awsCalls: totalOf(awsCalls) / resources,
      s3: store.total() / resources,
      invocations: totalInvocations / resources,
      byAction,
    },
    invocationErrorsTotal: run.invocations.filter((i) => i.error !== undefined).length,
    hoursToTerminal,
    drRpo,
    copyPhase: copyPhaseOf(copyStarts),
    copyPhaseByNight: copyPhaseByNight(copyStarts, start, nights),
    superseded: parts.filter((p) => p.copy.state === 'superseded').length,
    retention: retentionRuns,
    snapshotsAtEnd: standin === undefined ? {} : standinSnapshotCounts(standin, config.sites),
  };
  return result;
}

/**
 * The copy phase of copies started at `starts` (sorted): from the first start to the last one's
 * end (at most `until`), against its quota floor (copies × copy time ÷ the 20 published slots).
 */
function copyPhaseOf(starts: readonly number[], until = Number.POSITIVE_INFINITY) {
  const first = starts[0];
  const last = starts[starts.length - 1];
  return {
    ebsCopies: starts.length,
    spanHours:
      first === undefined || last === undefined
        ? 0
        : (Math.min(until, last + BENCH_DURATIONS.ebsCopyMs) - first) / 3_600_000,
    floorHours: (starts.length * BENCH_DURATIONS.ebsCopyMs) / PUBLISHED_COPY_LIMITS.ebs / 3_600_000,
  };
}

/** Per night, the copy phase of the copies started between its schedule and the next one's. */
function copyPhaseByNight(copyStarts: number[], start: number, nights: number) {
  return Array.from({ length: nights }, (_, night) => {
    const from = start + night * DAY_MS;
    const until = night === nights - 1 ? Number.POSITIVE_INFINITY : from + DAY_MS;
    return {
      night: night + 1,
      ...copyPhaseOf(
        copyStarts.filter((t) => t >= from && t < until),
        until,
      ),
    };
  });
}

function fmtSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** What exists in the stand-in at the end (moto's state is not counted: a scan of every snapshot). */
function standinSnapshotCounts(standin: AwsStandin, sites: { regions: { primary: string; dr: string } }[]) {
  const regions = new Set(sites.flatMap((s) => [s.regions.primary, s.regions.dr]));
  const out: Record<string, number> = {};
  for (const region of regions) {
    out[`ebs:${region}`] = standin.ec2(region).snapshots.size;
    out[`rds:${region}`] = standin.rds(region).snapshots.size;
  }
  return out;
}
