import '../../tests/support/environment';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { AllAwsClients } from '../../lib/aws/all-clients';
import { PUBLISHED_COPY_LIMITS } from '../../lib/backup/copy-limits';
import { startMoto as launchMoto, type MotoServer } from '../../local/moto-server';
import {
  type BackupScaleResult,
  BENCH_DURATIONS,
  BENCH_RETENTION,
  type BenchAws,
  benchBackupAtScale,
  CALL_LATENCY_MS,
} from './backup-at-scale';
import { monthlyCost, PRICES } from './cost';
import { benchFootprint, ensurePackaged } from './footprint';
import { fmt, table } from './markdown';
import { benchRecovery, recoverySection } from './recovery';

/**
 * `npm run bench` — backup at scale (a 1,000-volume night and a 10,000-volume week by default),
 * recovery, footprint and cost, printed as Markdown tables.
 * Options: --volumes=1000,10000x7 (per run, 200 sites each; `xN`: N nights, retention nightly),
 * --nights=N (runs without `x`), --horizon-hours=N (simulated time per backup run),
 * --recovery-runs=N, --repackage, --out=FILE, --aws=moto|standin (default: moto up to 1,000
 * volumes, the in-process stand-in above).
 */
function option(name: string, fallback: string): string {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found === undefined ? fallback : found.slice(name.length + 3);
}

const SITES = 200;

/** Above this many volumes moto is too slow (its filters scan every snapshot): the stand-in answers by default. */
const MOTO_MAX_VOLUMES = 1000;

/** The AWS a run of `volumes` uses: `--aws` when given, else moto up to MOTO_MAX_VOLUMES. */
function awsFor(volumes: number): BenchAws['kind'] {
  const chosen = option('aws', '');
  if (chosen === 'moto' || chosen === 'standin') return chosen;
  if (chosen !== '') throw new Error(`--aws must be moto or standin, not ${chosen}`);
  return volumes > MOTO_MAX_VOLUMES ? 'standin' : 'moto';
}

/** The night a fleet's DR copies should fit in, for the quota the bench says to ask for. */
const NIGHT_WINDOW_HOURS = 8;

/** Copy slots that copy `copies` of `copyMs` each within NIGHT_WINDOW_HOURS. */
function slotsForNight(copies: number, copyMs: number): number {
  return Math.ceil((copies * copyMs) / (NIGHT_WINDOW_HOURS * 3_600_000));
}

/** A 1,000-volume night on moto and a 10,000-volume week (retention nightly) on the stand-in. */
const DEFAULT_RUNS = '1000,10000x7';

/**
 * `--volumes=1000,10000x7`: each backup run's volumes (200 sites share them), and after an `x`
 * its nights (else `--nights`).
 */
function backupRuns(spec: string, nights: number): { volumes: number; nights: number }[] {
  return spec.split(',').map((item) => {
    const [volumes, ofNights] = item.split('x').map(Number);
    const run = { volumes: volumes ?? Number.NaN, nights: ofNights ?? nights };
    if (
      !(
        Number.isInteger(run.volumes) &&
        run.volumes >= SITES &&
        Number.isInteger(run.nights) &&
        run.nights >= 1
      )
    )
      throw new Error(
        `--volumes: "${item}" is not <volumes>[x<nights>] with at least ${SITES} volumes and 1 night`,
      );
    return run;
  });
}

/**
 * One night: 48 h, long enough for 10,000 volumes' DR copies through 20 slots (about 44 h).
 * Several: 24 h each (a week is 168 h); the last night's copies are superseded by no later night.
 */
function defaultHorizonHours(nights: number): number {
  return nights === 1 ? 48 : 24 * nights;
}

async function main(): Promise<void> {
  process.env.AWS_ACCESS_KEY_ID ??= 'bench';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const runs = backupRuns(option('volumes', DEFAULT_RUNS), Number(option('nights', '1')));
  // Per database mode (keep, snapshot, point-in-time): 3 each keeps the recovery part well under a minute.
  const recoveryRuns = Number(option('recovery-runs', '3'));
  const horizonHours = option('horizon-hours', '');
  // --only=backup skips recovery and footprint (a quick re-run of the backup figures).
  const only = option('only', '');
  const out: string[] = [];
  const say = (text: string) => {
    out.push(text);
    console.log(text);
  };
  const started = Date.now();

  say(
    `Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  say(`Command: npm run bench -- ${process.argv.slice(2).join(' ')}`.trimEnd());

  // moto with O(1) EC2 tag lookups (scripts/bench/fast-moto.py); recovery always runs on moto.
  const full = only !== 'backup';
  const needsMoto = full || runs.some((r) => awsFor(r.volumes) === 'moto');
  const moto: MotoServer | undefined = needsMoto
    ? await launchMoto({ command: join(__dirname, 'fast-moto.py') })
    : undefined;
  if (moto !== undefined) process.env.LIFEBOAT_AWS_ENDPOINT = moto.endpoint;
  const scale: BackupScaleResult[] = [];
  try {
    for (const { volumes, nights } of runs) {
      const kind = awsFor(volumes);
      console.error(`backup at scale: ${volumes} volumes + ${SITES} databases on ${kind} ...`);
      const aws: BenchAws =
        kind === 'standin' || moto === undefined
          ? { kind: 'standin' }
          : {
              kind: 'moto',
              moto,
              plain: new AllAwsClients({
                endpoint: moto.endpoint,
                defaultRegion: 'us-east-1',
                maxAttempts: 3,
                retryMode: 'standard',
              }),
            };
      scale.push(
        await benchBackupAtScale(aws, {
          sites: SITES,
          volumesPerSite: Math.round(volumes / SITES),
          horizonMs: (horizonHours === '' ? defaultHorizonHours(nights) : Number(horizonHours)) * 3_600_000,
          nights,
        }),
      );
    }
    console.error(full ? `recovery x${recoveryRuns} ...` : 'backup only');
    const recovery = full ? await benchRecovery(recoveryRuns) : undefined;
    if (full) console.error('footprint ...');
    if (full) ensurePackaged(process.argv.includes('--repackage'));
    const footprint = full ? benchFootprint() : [];

    say('\n## 1. Backup at scale (AWS rate limits on simulated time)\n');
    say(
      `Modelled: AWS call latency ${CALL_LATENCY_MS} ms, EBS snapshot ${fmt.minutes(BENCH_DURATIONS.ebsSnapshotMs)}, EBS copy ${fmt.minutes(BENCH_DURATIONS.ebsCopyMs)}, RDS snapshot ${fmt.minutes(BENCH_DURATIONS.rdsSnapshotMs)}, RDS copy ${fmt.minutes(BENCH_DURATIONS.rdsCopyMs)}; ${SITES} sites, all scheduled at the same minute; SDK standard retry (8 attempts); retention keeps ${BENCH_RETENTION.daily} daily, run at 01:00 before each next night.\n`,
    );
    say(
      `Which part is simulated in-process: ${scale
        .map(
          (s) =>
            `${fmt.int(s.volumes)} volumes on ${s.aws === 'moto' ? 'moto (EC2, RDS and Service Quotas over HTTP to moto_server)' : 'the stand-in (local/aws-standin: EC2, RDS and Service Quotas answered in-process in their wire formats; throttling, pending states, copy limits and completion events from the same SDK middleware)'}`,
        )
        .join('; ')}; the catalog is in memory (S3 semantics) in both.\n`,
    );
    const rpo = (s: BackupScaleResult, which: 'first' | 'last') => {
      const sample = which === 'first' ? s.drRpo[0] : s.drRpo[s.drRpo.length - 1];
      if (sample === undefined) return '-';
      const h = (v: number | undefined) => (v === undefined ? '-' : `${fmt.dec(v, 1)} h`);
      return `${h(sample.maxHours)} / ${h(sample.p95Hours)} at ${fmt.dec(sample.atHours, 0)} h (${fmt.int(sample.neverCopied)} never copied)`;
    };
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    const sum2 = <K extends string>(rows: Record<K, number>[], key: K) =>
      rows.reduce((a, r) => a + r[key], 0);
    say(
      table(
        [
          '',
          ...scale.map(
            (s) => `${fmt.int(s.volumes)} volumes + ${s.databases} DBs, ${s.nights} night(s), ${s.aws}`,
          ),
          'target',
        ],
        [
          [
            'Backups Completed / total (other phases)',
            ...scale.map(
              (s) =>
                `${s.phases.Completed ?? 0} / ${sum(s.phases)} (${JSON.stringify(
                  Object.fromEntries(Object.entries(s.phases).filter(([k]) => k !== 'Completed')),
                )})${s.horizonReached ? ', horizon reached' : ''}`,
            ),
            'every backup terminal and correct',
          ],
          [
            'Time to all backups terminal, per night (simulated)',
            ...scale.map((s) =>
              s.hoursToTerminal.map((h) => (Number.isFinite(h) ? `${fmt.dec(h, 1)} h` : '-')).join(', '),
            ),
            'within the night',
          ],
          [
            'DR RPO max / p95, after the first night',
            ...scale.map((s) => rpo(s, 'first')),
            'measured, not projected',
          ],
          ['DR RPO max / p95, end of run', ...scale.map((s) => rpo(s, 'last')), 'bounded (steady state)'],
          [
            'Copy phase vs quota floor (copies × copy time ÷ 20 slots)',
            ...scale.map(
              (s) =>
                `${fmt.dec(s.copyPhase.spanHours, 2)} h vs ${fmt.dec(s.copyPhase.floorHours, 2)} h (${fmt.int(s.copyPhase.ebsCopies)} EBS copies, ${fmt.int(s.superseded)} superseded)`,
            ),
            '≤ 1.10 × floor',
          ],
          [
            'Copy phase vs floor, per night (copies started that night)',
            ...scale.map((s) =>
              s.copyPhaseByNight
                .map((n) =>
                  n.floorHours === 0
                    ? `${n.night}: -`
                    : `${n.night}: ${fmt.dec(n.spanHours / n.floorHours, 2)} × (${fmt.int(n.ebsCopies)})`,
                )
                .join(', '),
            ),
            '≤ 1.10 × floor',
          ],
          [
            'EC2+RDS API calls per resource per night',
            ...scale.map((s) => fmt.dec(s.perResource.awsCalls, 2)),
            '≤ 3',
          ],
          [
            'CreateSnapshot calls per snapshot',
            ...scale.map((s) => fmt.dec(s.createSnapshotCallsPerSnapshot, 3)),
            '≤ 1.1',
          ],
          [
            'CreateSnapshot rate over the create window',
            ...scale.map(
              (s) =>
                `${fmt.dec(s.createRate.perSecond, 2)}/s over ${fmt.seconds(s.createRate.windowMs)} (${fmt.dec((100 * s.createRate.perSecond) / 5, 0)} % of 5/s; longest pause ${fmt.seconds(s.createRate.longestGapMs)})`,
            ),
            '≥ 90 % of 5/s',
          ],
          [
            'Throttles answered / left the SDK / surfaced as a failed part',
            ...scale.map(
              (s) =>
                `${fmt.int(sum(s.throttlesSent))} / ${fmt.int(s.throttlesEscapedSdk)} / ${fmt.int(s.throttlesSurfaced)}`,
            ),
            '… / … / 0',
          ],
          [
            'S3 catalog requests per resource per night',
            ...scale.map((s) => fmt.dec(s.perResource.s3, 2)),
            '≤ 10',
          ],
          [
            'Lambda invocations per resource per night (ending in error)',
            ...scale.map(
              (s) => `${fmt.dec(s.perResource.invocations, 2)} (${fmt.int(s.invocationErrorsTotal)})`,
            ),
            '≤ 1.5 (0)',
          ],
          [
            'Longest invocation (simulated)',
            ...scale.map(
              (s) =>
                `${fmt.seconds(s.longestInvocation.ms)} (${s.longestInvocation.fn}); ${fmt.int(
                  Object.values(s.invocations).reduce((a, i) => a + i.overTimeout, 0),
                )} over their function's timeout`,
            ),
            "< 15 min, 0 over the function's timeout",
          ],
          [
            'Retention runs: deleted / waiting / failed / refused (longest run, simulated)',
            ...scale.map((s) =>
              s.retention.length === 0
                ? '- (one night)'
                : `${fmt.int(sum2(s.retention, 'deleted'))} / ${fmt.int(sum2(s.retention, 'waiting'))} / ${fmt.int(sum2(s.retention, 'failed'))} / ${fmt.int(sum2(s.retention, 'refused'))} over ${s.retention.length} runs (${fmt.seconds(Math.max(...s.retention.map((r) => r.durationMs)))})`,
            ),
            'runs nightly, 0 failed',
          ],
          [
            'Retention invocations per run: most; longest; over the 900 s timeout; sites left for the next day',
            ...scale.map((s) =>
              s.retention.length === 0
                ? '- (one night)'
                : `${fmt.int(Math.max(...s.retention.map((r) => r.invocations)))}; ${fmt.seconds(Math.max(...s.retention.map((r) => r.longestInvocationMs)))}; ${fmt.int(sum2(s.retention, 'overTimeout'))}; ${fmt.int(sum2(s.retention, 'leftForTomorrow'))}`,
            ),
            '0 over the timeout, 0 left',
          ],
          [
            `Concurrent DR copies that would fit a night's copies in ${NIGHT_WINDOW_HOURS} h (EBS / RDS; the quota used: ${PUBLISHED_COPY_LIMITS.ebs} / ${PUBLISHED_COPY_LIMITS.rds})`,
            ...scale.map(
              (s) =>
                `${fmt.int(slotsForNight(s.volumes, BENCH_DURATIONS.ebsCopyMs))} / ${fmt.int(slotsForNight(s.databases, BENCH_DURATIONS.rdsCopyMs))}`,
            ),
            'the Service Quotas increase to ask for',
          ],
          [
            'Real time (seed / run)',
            ...scale.map((s) => `${fmt.seconds(s.seedMs)} / ${fmt.seconds(s.realMs)}`),
            '',
          ],
        ],
      ),
    );
    for (const s of scale) {
      say(`\n${fmt.int(s.volumes)} volumes — invocations by function:\n`);
      say(
        table(
          ['function', 'invocations', 'ended in error (retried)', 'longest (simulated)', 'over the timeout'],
          Object.entries(s.invocations).map(([fn, i]) => [
            fn,
            fmt.int(i.count),
            fmt.int(i.failed),
            fmt.seconds(i.longestMs),
            fmt.int(i.overTimeout),
          ]),
        ),
      );
      say(
        `\nAPI calls: ${Object.entries(s.awsCalls)
          .map(([k, n]) => `${k} ${fmt.int(n)}`)
          .join(', ')}`,
      );
      say(
        `S3 requests by kind: ${Object.entries(s.s3ByKind)
          .sort(([, a], [, b]) => b - a)
          .map(([k, n]) => `${k} ${fmt.int(n)}`)
          .join(', ')}`,
      );
      say(
        `Throttles sent: ${JSON.stringify(s.throttlesSent)}; invocation errors: ${JSON.stringify(s.invocationErrors)}; other errors out of the SDK: ${JSON.stringify(s.otherEscaped)}`,
      );
      if (s.failureReasons.length > 0) say(`Part failures: ${s.failureReasons.join(' | ')}`);
      if (Object.keys(s.snapshotsAtEnd).length > 0)
        say(
          `Snapshots at the end (stand-in): ${Object.entries(s.snapshotsAtEnd)
            .map(([k, n]) => `${k} ${fmt.int(n)}`)
            .join(', ')}`,
        );
    }

    if (recovery !== undefined) {
      say('\n## 2. Recovery\n');
      for (const part of recoverySection(recovery)) say(part);

      say('\n## 3. Footprint\n');
      say(
        table(
          ['function', 'zip', 'handler .js', 'module load (median of 5, fresh node)'],
          footprint.map((f) => [
            f.fn,
            `${fmt.dec(f.zipBytes / 1024, 0)} KiB`,
            `${fmt.dec(f.handlerBytes / 1024, 0)} KiB`,
            `${fmt.dec(f.loadMs, 0)} ms`,
          ]),
        ),
      );
    }
    // A run of N nights: its counts ÷ N are one night's.
    const costOf = (s: BackupScaleResult) => {
      const perNight = (n: number) => n / s.nights;
      return monthlyCost(
        {
          sites: s.sites,
          volumes: s.volumes,
          invocations: Object.fromEntries(
            Object.entries(s.invocations).map(([k, v]) => [
              k,
              { count: perNight(v.count), totalMs: perNight(v.totalMs) },
            ]),
          ),
          s3: Object.fromEntries(Object.entries(s.s3Requests).map(([k, v]) => [k, perNight(v)])) as {
            GET: number;
            PUT: number;
            DELETE: number;
            LIST: number;
          },
          snsPublishes: perNight(s.invocations['advance-backup']?.count ?? 0),
        },
        s.steadySweep,
        {
          stateTransitionsPerDrill: recovery?.stateTransitions ?? 21,
          lambdaPerDrill: recovery?.lambdaInvocations ?? 14,
        },
      );
    };
    const costs = scale.map((s) => ({
      volumes: s.volumes,
      perSiteMonth: costOf(s).reduce((a, l) => a + l.perMonth, 0) / s.sites,
    }));
    say(
      `\nPipeline cost per site-month: ${costs.map((c) => `${fmt.int(c.volumes)} volumes ${fmt.usd(c.perSiteMonth)}`).join(', ')} (target ≤ $0.10 at 200 sites)`,
    );
    writeJson({ scale, costs, recovery, footprint });
    const base = scale[0];
    if (base !== undefined) {
      say('\n## 4. Cost of the pipeline itself\n');
      const lines = costOf(base);
      const total = lines.reduce((a, l) => a + l.perMonth, 0);
      say(
        `Prices: ${PRICES.asOf}. Fleet: ${base.sites} sites, ${fmt.int(base.volumes)} volumes, nightly backups copied to DR, sweeper every 5 min, weekly drill per site.\n`,
      );
      say(
        table(
          ['item', 'fleet / month', 'per site / month', 'per 1,000 volumes / month', 'basis'],
          [
            ...lines.map((l) => [
              l.item,
              fmt.usd(l.perMonth),
              fmt.usd(l.perMonth / base.sites),
              fmt.usd((l.perMonth / base.volumes) * 1000),
              l.basis,
            ]),
            [
              '**total**',
              `**${fmt.usd(total)}**`,
              `**${fmt.usd(total / base.sites)}**`,
              `**${fmt.usd((total / base.volumes) * 1000)}**`,
              '',
            ],
          ],
        ),
      );
    }
    say(`\nBench wall time: ${fmt.seconds(Date.now() - started)}`);
  } finally {
    await moto?.stop();
  }
  const md = option('md', '');
  if (md !== '') writeFileSync(md, `${out.join('\n')}\n`);
}

/** --out=FILE: every figure as JSON, so that a later run can be compared with this one by a script. */
function writeJson(figures: Record<string, unknown>): void {
  const file = option('out', '');
  if (file === '') return;
  writeFileSync(
    file,
    `${JSON.stringify({ command: process.argv.slice(2), at: new Date().toISOString(), ...figures }, null, 2)}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
