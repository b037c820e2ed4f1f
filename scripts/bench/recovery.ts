import '../../tests/support/environment';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../../lib/clock';
import { loadConfigFile } from '../../lib/config/load';
import type { DatabaseMode, Site } from '../../lib/config/schema';
import { recoveryIdFor } from '../../lib/recovery/start-recovery';
import { type LocalEvent, runStateMachineLocally } from '../../local/local-runner';
import { startMoto } from '../../local/moto-server';
import { RecoveryWorld } from '../../tests/stepfunctions/support/recovery-world';
import { fmt, table } from './markdown';
import {
  ANCHORS,
  modelRto,
  RTO_MODES,
  type RtoAssumptions,
  type RtoMode,
  type RtoTimeline,
  SEGMENT_LABELS,
  type SegmentKey,
  SLOW,
  SOURCES,
  type SourceKey,
  settingsFor,
  TYPICAL,
} from './rto-model';

/** One database mode's recovery, run `runs` times through the real state machine on moto. */
export interface ModeMeasurement {
  mode: DatabaseMode;
  runs: number;
  /** Alarm received (execution start) → DNS change issued (SwitchDns done), real ms per run. */
  overheadMs: number[];
  /** Execution start → state machine end (including the sandbox branch), real ms per run. */
  totalMs: number[];
  stateTransitions: number;
  lambdaInvocations: number;
  /** Task states entered in order on the critical path and off it (from the Recovery timeline). */
  criticalSteps: string[];
  offPathSteps: string[];
  /** Time on each state in the first run (real ms). */
  stateMs: Record<string, number>;
  /** How the replacement's database was restored in the first run (keep, snapshot, point-in-time). */
  databaseMethod: string;
}

/** The keep mode's figures at the top level (the cost section reads them), every mode and the RTO model. */
export interface RecoveryBenchResult extends ModeMeasurement {
  modes: ModeMeasurement[];
  rto: RtoReport;
}

/** The modelled RTO per mode, typical and slow, with the inputs it was computed from. */
export interface RtoReport {
  site: string;
  hoursSinceBackup: number;
  assumptions: { typical: RtoAssumptions; slow: RtoAssumptions };
  typical: RtoTimeline[];
  slow: RtoTimeline[];
  anchors: typeof ANCHORS;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export { median };

const MEASURED_MODES: readonly DatabaseMode[] = ['keep', 'snapshot', 'point-in-time'];
/** The known-good backup is the nightly one (02:00) and the alarm comes at 09:39. */
const HOURS_SINCE_BACKUP = 7.65;

/** The moto-measured mode whose orchestration an RTO mode uses (Aurora runs the same states). */
const measuredFor = (mode: RtoMode): DatabaseMode =>
  mode === 'aurora-snapshot' ? 'snapshot' : mode === 'aurora-point-in-time' ? 'point-in-time' : mode;

async function measureOnce(mode: DatabaseMode, first: boolean, into: ModeMeasurement): Promise<void> {
  const world = await new RecoveryWorld().setUp('healthy', { database: mode, pointInTimeMarginSeconds: 0 });
  try {
    // moto opens an instance's restore window when it is made: the outage comes just after.
    if (mode === 'point-in-time') await new Promise((r) => setTimeout(r, 1100));
    const outage = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    await world.completedBackup(new Date(Date.parse(outage) - HOURS_SINCE_BACKUP * 3_600_000).toISOString());
    const incidentKey = `pingdom:12345:${outage}:${world.site.name}`;
    const input = {
      site: world.site.name,
      recoveryId: recoveryIdFor(new Date(outage), incidentKey),
      kind: 'recovery',
      trigger: {
        source: 'pingdom',
        incidentKey,
        outageStartedAt: outage,
        receivedAt: new Date().toISOString(),
        summary: 'bench',
      },
      options: { dryRun: false, skipSandbox: false, database: mode },
    };
    const entered = new Map<string, number>();
    const stateMs: Record<string, number> = {};
    let dnsIssuedAt: number | undefined;
    const started = performance.now();
    const outcome = await runStateMachineLocally({
      machine: 'recovery',
      input,
      context: world.context(systemClock),
      waitMs: 0,
      retryMs: 0,
      onStateEntered: (s) => entered.set(s.name, performance.now()),
      onStateExited: (s) => {
        const now = performance.now();
        stateMs[s.name] = (stateMs[s.name] ?? 0) + (now - (entered.get(s.name) ?? now));
        if (s.name === 'SwitchDns') dnsIssuedAt ??= now;
      },
    });
    const ended = performance.now();
    if (outcome.status !== 'SUCCEEDED')
      throw new Error(`recovery bench run (${mode}) failed: ${outcome.error} ${String(outcome.cause)}`);
    into.overheadMs.push((dnsIssuedAt ?? ended) - started);
    into.totalMs.push(ended - started);
    if (!first) return;
    const events = outcome.events as LocalEvent[];
    const states = events.filter((e) => e.type === 'StateEntered');
    into.stateTransitions = states.length;
    into.lambdaInvocations =
      states.filter((e) => e.state?.type === 'Task').length +
      events.filter((e) => /Retried/.test(e.type)).length;
    into.stateMs = stateMs;
    const recovery = await world.catalog.getRecovery(world.site.name, input.recoveryId);
    const timeline = recovery?.status.timeline ?? [];
    into.criticalSteps = [...new Set(timeline.filter((t) => t.critical).map((t) => t.step))];
    into.offPathSteps = [...new Set(timeline.filter((t) => !t.critical).map((t) => t.step))];
    into.databaseMethod =
      recovery?.status.databases?.find((d) => d.role === 'replacement')?.method ?? 'keep (live database)';
  } finally {
    await world.close();
  }
}

/**
 * Runs the recovery state machine in-process (RECOVERY's local runner) against moto with every
 * AWS wait at zero, `runs` times per database mode, measures lifeboat's own orchestration time
 * from alarm to DNS change issued, and models the RTO of each mode from published AWS figures
 * and the reference site's config. The moto endpoint must be in LIFEBOAT_AWS_ENDPOINT.
 */
export async function benchRecovery(
  runs: number,
  site: Site = referenceSite(),
  modes: readonly DatabaseMode[] = MEASURED_MODES,
): Promise<RecoveryBenchResult> {
  const measured: ModeMeasurement[] = modes.map((mode) => ({
    mode,
    runs,
    overheadMs: [],
    totalMs: [],
    stateTransitions: 0,
    lambdaInvocations: 0,
    criticalSteps: [],
    offPathSteps: [],
    stateMs: {},
    databaseMethod: '',
  }));
  // Round-robin, so the process's cold first run (module loading, JIT) is one mode's outlier, not its median.
  for (let run = 0; run < runs; run += 1) {
    for (const m of measured) await measureOnce(m.mode, run === 0, m);
  }
  const keep = measured.find((m) => m.mode === 'keep') ?? measured[0];
  if (keep === undefined) throw new Error('the recovery bench measured no mode');
  return { ...keep, modes: measured, rto: modelReport(site, measured) };
}

/** The reference WordPress site of config/sites.yml, whose settings the model uses. */
export function referenceSite(): Site {
  const [site] = loadConfigFile(join(__dirname, '../../config/sites.yml')).sites;
  if (site === undefined) throw new Error('config/sites.yml has no site');
  return site;
}

/** The RTO model of every mode, typical and slow, using each mode's measured orchestration (median). */
export function modelReport(site: Site, measured: readonly ModeMeasurement[]): RtoReport {
  const settings = settingsFor(site, HOURS_SINCE_BACKUP);
  const orchestration = (mode: RtoMode) =>
    median(measured.find((m) => m.mode === measuredFor(mode))?.overheadMs ?? []) / 1000;
  const of = (a: RtoAssumptions) => RTO_MODES.map((mode) => modelRto(mode, a, settings, orchestration(mode)));
  return {
    site: site.name,
    hoursSinceBackup: HOURS_SINCE_BACKUP,
    assumptions: { typical: TYPICAL, slow: SLOW },
    typical: of(TYPICAL),
    slow: of(SLOW),
    anchors: ANCHORS,
  };
}

const min = (s: number) => `${fmt.dec(s / 60, 1)} min`;
const secondsAndMin = (s: number) => `${fmt.dec(s, 0)} s (${min(s)})`;

/** The recovery section of `npm run bench`, as Markdown. */
export function recoverySection(recovery: RecoveryBenchResult): string[] {
  const out: string[] = [];
  const ms = (xs: number[]) =>
    `${fmt.dec(median(xs), 0)} ms (min ${fmt.dec(Math.min(...xs), 0)}, max ${fmt.dec(Math.max(...xs), 0)})`;
  out.push(
    `Measured: the recovery state machine (local runner, real steps) on moto, every AWS wait at zero, ${recovery.runs} runs per mode; the site has a live RDS instance in every mode.\n`,
  );
  out.push(
    table(
      ['measured on moto', ...recovery.modes.map((m) => `\`${m.mode}\``)],
      [
        ['Orchestration, alarm → DNS change issued (median)', ...recovery.modes.map((m) => ms(m.overheadMs))],
        [
          'Whole execution incl. the sandbox branch (median)',
          ...recovery.modes.map((m) => `${fmt.dec(median(m.totalMs), 0)} ms`),
        ],
        ['Replacement database (first run)', ...recovery.modes.map((m) => m.databaseMethod)],
        ['State transitions per recovery', ...recovery.modes.map((m) => String(m.stateTransitions))],
        [
          'Lambda invocations per recovery (+1 trigger)',
          ...recovery.modes.map((m) => String(m.lambdaInvocations)),
        ],
        ['Critical path (Recovery timeline)', ...recovery.modes.map((m) => m.criticalSteps.join(' → '))],
        ['Off the critical path', ...recovery.modes.map((m) => m.offPathSteps.join(', '))],
      ],
    ),
  );
  const { rto } = recovery;
  const typical = rto.typical;
  out.push(
    `\nModelled RTO from the alarm per mode (site \`${rto.site}\` of config/sites.yml; known-good backup ${rto.hoursSinceBackup} h before the outage). Typical and slow readings of the same published figures; orchestration is the measured median above (Aurora: the instance mode's).\n`,
  );
  const row = (label: string, f: (t: RtoTimeline) => string, of = typical) => [label, ...of.map(f)];
  const anchorRatio = (t: RtoTimeline) =>
    `${fmt.dec(t.dnsAnswersSeconds / rto.anchors.manualRestart, 1)} × / ${fmt.dec(t.dnsAnswersSeconds / rto.anchors.amiRestoreAndDns, 2)} ×`;
  out.push(
    table(
      ['', ...typical.map((t) => `\`${t.mode}\``)],
      [
        row('Critical path', (t) => t.criticalPath),
        row(
          '**Route 53 answers with the replacement** (typical)',
          (t) => `**${secondsAndMin(t.dnsAnswersSeconds)}**`,
        ),
        row('+ TTL, for resolvers that cached the old answer', (t) => secondsAndMin(t.allResolversSeconds)),
        row('Route 53 answers, slow reading', (t) => secondsAndMin(t.dnsAnswersSeconds), rto.slow),
        row('of which the database (restore + poll), typical / slow', (t) => {
          const slow = rto.slow.find((s) => s.mode === t.mode);
          return t.databaseSeconds === 0
            ? '-'
            : `${min(t.databaseSeconds)} / ${min(slow?.databaseSeconds ?? 0)}`;
        }),
        row('of which log replay (point-in-time), typical / slow', (t) => {
          const slow = rto.slow.find((s) => s.mode === t.mode);
          return t.mode === 'point-in-time'
            ? `${min(t.logReplaySeconds)} / ${min(slow?.logReplaySeconds ?? 0)}`
            : '-';
        }),
        row('If the task launched while the DB restores (typical)', (t) =>
          secondsAndMin(t.overlappedDnsAnswersSeconds),
        ),
        row('vs anchors: manual restart 2 min / AMI + DNS 11.5 min', anchorRatio),
        row('Data the restored site lacks', (t) =>
          t.dataLostSeconds === 0
            ? 'none (runs on the live DB, fault included)'
            : t.dataLostSeconds >= 3600
              ? `${fmt.dec(t.dataLostSeconds / 3600, 2)} h (since the backup)`
              : `${fmt.dec(t.dataLostSeconds, 0)} s (the margin)`,
        ),
        row('AwaitDatabase gives up first (typical / slow)', (t) => {
          const slow = rto.slow.find((s) => s.mode === t.mode);
          return `${t.databasePollGivesUp ? 'yes' : 'no'} / ${slow?.databasePollGivesUp ? '**yes**' : 'no'}`;
        }),
        row('Healthy within health.deadlineSeconds (typical / slow)', (t) => {
          const slow = rto.slow.find((s) => s.mode === t.mode);
          return `${t.gateFits ? 'yes' : 'no'} / ${slow?.gateFits ? 'yes' : '**no**'}`;
        }),
      ],
    ),
  );
  out.push(
    '\nEvery stretch of the critical path, typical reading, seconds (the columns sum to "Route 53 answers" above; - : not on that path):\n',
  );
  const used = [...new Set(typical.flatMap((t) => t.segments.flatMap((s) => s.source)))];
  const ref = (keys: SourceKey[]) => keys.map((k) => `[${used.indexOf(k) + 1}]`).join(' ');
  const keys = [...new Set(typical.flatMap((t) => t.segments.map((s) => s.key)))];
  const ordered = (Object.keys(SEGMENT_LABELS) as SegmentKey[]).filter((k) => keys.includes(k));
  out.push(
    table(
      ['stretch', 'basis', 'source', ...typical.map((t) => `\`${t.mode}\``)],
      [
        ...ordered.map((key) => {
          const all = typical.flatMap((t) => t.segments).filter((s) => s.key === key);
          return [
            SEGMENT_LABELS[key],
            all[0]?.basis ?? '',
            ref([...new Set(all.flatMap((s) => s.source))]),
            ...typical.map((t) => {
              const seconds = t.segments.filter((s) => s.key === key).reduce((sum, s) => sum + s.seconds, 0);
              return t.segments.some((s) => s.key === key) ? fmt.dec(seconds, 1) : '-';
            }),
          ];
        }),
        [
          '**Route 53 answers with the replacement**',
          '',
          '',
          ...typical.map((t) => `**${fmt.dec(t.dnsAnswersSeconds, 1)}**`),
        ],
        [
          '+ record TTL (dns.ttl)',
          'config',
          ref(['config']),
          ...typical.map((t) => fmt.dec(t.allResolversSeconds - t.dnsAnswersSeconds, 0)),
        ],
      ],
    ),
  );
  const a = rto.assumptions;
  out.push(
    `\nInputs (typical / slow): Fargate start ${a.typical.fargateStartSeconds} / ${a.slow.fargateStartSeconds} s; working set ${a.typical.workingSetGiB} GiB of a ${a.typical.volumeGiB} GiB volume; RDS instance restore ${min(a.typical.instanceRestoreSeconds)} / ${min(a.slow.instanceRestoreSeconds)}; binlog ${a.typical.logMiBPerHour} / ${a.slow.logMiBPerHour} MiB/h for ${a.typical.hoursSinceAutomatedBackup} / ${a.slow.hoursSinceAutomatedBackup} h since the automated backup, replayed at ${a.typical.logReplayMiBps} / ${a.slow.logReplayMiBps} MiB/s; Aurora cluster restore ${min(a.typical.clusterRestoreSeconds)} / ${min(a.slow.clusterRestoreSeconds)}, to a point in time ${min(a.typical.clusterPointInTimeSeconds)} / ${min(a.slow.clusterPointInTimeSeconds)}, writer instance ${min(a.typical.clusterInstanceSeconds)} / ${min(a.slow.clusterInstanceSeconds)}; Lambda + transition ${a.typical.stepInvokeSeconds * 1000} ms per Task state.`,
  );
  const sample = typical[0];
  if (sample !== undefined)
    out.push(
      `Off the path: the whole ${a.typical.volumeGiB} GiB volume is initialized after ${sample.volumeInitializedSeconds === undefined ? 'an unpredictable time (no rate set)' : `${fmt.dec(sample.volumeInitializedSeconds, 0)} s`}; AwaitDns sees INSYNC at ${fmt.dec(sample.dnsSeenSeconds ?? 0, 1)} s (the "site is back" notice, not the traffic); AwaitDatabase gives up after ${min(sample.databasePollBudgetSeconds)} of polling.`,
    );
  out.push('\nSources:\n');
  used.forEach((key, i) => {
    out.push(`${i + 1}. ${SOURCES[key]}`);
  });
  return out;
}

function option(name: string, fallback: string): string {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found === undefined ? fallback : found.slice(name.length + 3);
}

/** `npx tsx scripts/bench/recovery.ts [--recovery-runs=N] [--out=FILE]`: the recovery part of the bench alone. */
async function main(): Promise<void> {
  process.env.AWS_ACCESS_KEY_ID ??= 'bench';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
  const moto = await startMoto({ command: join(__dirname, 'fast-moto.py') });
  process.env.LIFEBOAT_AWS_ENDPOINT = moto.endpoint;
  try {
    const started = Date.now();
    const recovery = await benchRecovery(Number(option('recovery-runs', '3')));
    console.log(recoverySection(recovery).join('\n'));
    console.log(`\nRecovery bench wall time: ${fmt.seconds(Date.now() - started)}`);
    const file = option('out', '');
    if (file !== '')
      writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), recovery }, null, 2)}\n`);
  } finally {
    await moto.stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
