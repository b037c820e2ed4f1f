import '../../tests/support/environment';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { AllAwsClients } from '../../lib/aws/all-clients';
import { startMoto } from '../../local/moto-server';
import {
  type BackupScaleResult,
  BENCH_DURATIONS,
  benchBackupAtScale,
  CALL_LATENCY_MS,
} from './backup-at-scale';
import { monthlyCost, PRICES } from './cost';
import { benchFootprint, ensurePackaged } from './footprint';
import { fmt, table } from './markdown';
import { AWS_TIMINGS, benchRecovery, median } from './recovery';

/**
 * `npm run bench` — backup at scale, recovery, footprint and cost, printed as Markdown tables.
 * Options: --volumes=1000,10000 (per run, 200 sites each), --horizon-hours=N (simulated time per
 * backup run), --recovery-runs=N, --repackage, --out=FILE.
 */
function option(name: string, fallback: string): string {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found === undefined ? fallback : found.slice(name.length + 3);
}

const SITES = 200;

async function main(): Promise<void> {
  process.env.AWS_ACCESS_KEY_ID ??= 'bench';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const volumeSizes = option('volumes', '1000').split(',').map(Number);
  const horizonMs = Number(option('horizon-hours', '48')) * 3_600_000;
  const recoveryRuns = Number(option('recovery-runs', '5'));
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

  // moto with O(1) EC2 tag lookups (scripts/bench/fast-moto.py): same answers, usable at 10,000 volumes.
  const moto = await startMoto({ command: join(__dirname, 'fast-moto.py') });
  process.env.LIFEBOAT_AWS_ENDPOINT = moto.endpoint;
  const plain = new AllAwsClients({
    endpoint: moto.endpoint,
    defaultRegion: 'us-east-1',
    maxAttempts: 3,
    retryMode: 'standard',
  });
  const scale: BackupScaleResult[] = [];
  try {
    for (const volumes of volumeSizes) {
      console.error(`backup at scale: ${volumes} volumes + ${SITES} databases ...`);
      scale.push(
        await benchBackupAtScale(moto, plain, {
          sites: SITES,
          volumesPerSite: Math.round(volumes / SITES),
          horizonMs,
        }),
      );
    }
    console.error(`recovery x${recoveryRuns} ...`);
    const recovery = await benchRecovery(recoveryRuns);
    console.error('footprint ...');
    ensurePackaged(process.argv.includes('--repackage'));
    const footprint = benchFootprint();

    say('\n## 1. Backup at scale (moto + AWS rate limits on simulated time)\n');
    say(
      `Modelled: AWS call latency ${CALL_LATENCY_MS} ms, EBS snapshot ${fmt.minutes(BENCH_DURATIONS.ebsSnapshotMs)}, EBS copy ${fmt.minutes(BENCH_DURATIONS.ebsCopyMs)}, RDS snapshot ${fmt.minutes(BENCH_DURATIONS.rdsSnapshotMs)}, RDS copy ${fmt.minutes(BENCH_DURATIONS.rdsCopyMs)}; ${SITES} sites, all scheduled at the same minute; SDK standard retry (8 attempts).\n`,
    );
    say(
      table(
        ['', ...scale.map((s) => `${fmt.int(s.volumes)} volumes + ${s.databases} DBs`)],
        [
          [
            'Backups Completed / total',
            ...scale.map(
              (s) => `${s.phases.Completed ?? 0} / ${SITES}${s.horizonReached ? ' (horizon reached)' : ''}`,
            ),
          ],
          [
            'Parts snapshotted / copied / total',
            ...scale.map(
              (s) =>
                `${fmt.int(s.partsDone.snapshots)} / ${fmt.int(s.partsDone.copies)} / ${fmt.int(s.partsDone.total)}`,
            ),
          ],
          [
            'AWS API calls (EC2+RDS) per resource',
            ...scale.map((s) => fmt.dec(s.awsCallsTotal / (s.volumes + s.databases), 2)),
          ],
          [
            '... attempts incl. SDK retries per resource',
            ...scale.map((s) => fmt.dec(s.awsAttempts / (s.volumes + s.databases), 2)),
          ],
          [
            'S3 catalog requests per resource',
            ...scale.map((s) =>
              fmt.dec(Object.values(s.s3Requests).reduce((a, b) => a + b, 0) / (s.volumes + s.databases), 2),
            ),
          ],
          [
            'Throttling errors seen (sent by the limiter)',
            ...scale.map((s) => fmt.int(Object.values(s.throttlesSent).reduce((a, b) => a + b, 0))),
          ],
          ['... left the SDK after its retries', ...scale.map((s) => fmt.int(s.throttlesEscapedSdk))],
          ['... surfaced as a failed part (must be 0)', ...scale.map((s) => fmt.int(s.throttlesSurfaced))],
          [
            '... surfaced as a site with no backup (start-backup throttled 3 times)',
            ...scale.map((s) => fmt.int(s.sitesWithoutBackup)),
          ],
          [
            'Lambda invocations',
            ...scale.map((s) => fmt.int(Object.values(s.invocations).reduce((a, i) => a + i.count, 0))),
          ],
          [
            'Longest invocation (simulated)',
            ...scale.map((s) => `${fmt.seconds(s.longestInvocation.ms)} (${s.longestInvocation.fn})`),
          ],
          [
            'Simulated time to all-Completed',
            ...scale.map((s) =>
              s.horizonReached
                ? `> ${fmt.hours(s.simulatedMs)}${s.projectedAllCompletedMs === undefined ? '' : ` (projected ${fmt.hours(s.projectedAllCompletedMs)})`}`
                : fmt.hours(s.simulatedMs),
            ),
          ],
          [
            'CreateSnapshot: mean rate over the create window',
            ...scale.map(
              (s) =>
                `${fmt.dec(s.createRate.perSecond, 2)}/s over ${fmt.seconds(s.createRate.windowMs)} (limit 5/s after a burst of 100)`,
            ),
          ],
          [
            'Real time (seed / run)',
            ...scale.map((s) => `${fmt.seconds(s.seedMs)} / ${fmt.seconds(s.realMs)}`),
          ],
        ],
      ),
    );
    for (const s of scale) {
      say(`\n${fmt.int(s.volumes)} volumes — invocations by function:\n`);
      say(
        table(
          ['function', 'invocations', 'ended in error (retried)', 'longest (simulated)'],
          Object.entries(s.invocations).map(([fn, i]) => [
            fn,
            fmt.int(i.count),
            fmt.int(i.failed),
            fmt.seconds(i.longestMs),
          ]),
        ),
      );
      say(
        `\nAPI calls: ${Object.entries(s.awsCalls)
          .map(([k, n]) => `${k} ${fmt.int(n)}`)
          .join(', ')}`,
      );
      say(
        `Throttles sent: ${JSON.stringify(s.throttlesSent)}; invocation errors: ${JSON.stringify(s.invocationErrors)}; other errors out of the SDK: ${JSON.stringify(s.otherEscaped)}`,
      );
      if (s.failureReasons.length > 0) say(`Part failures: ${s.failureReasons.join(' | ')}`);
    }

    say('\n## 2. Recovery\n');
    const overhead = median(recovery.overheadMs);
    const critical = AWS_TIMINGS.stepInvoke * 5 + AWS_TIMINGS.fargateStart + AWS_TIMINGS.healthPoll;
    const dnsServing = critical + AWS_TIMINGS.route53Insync;
    const allClients = dnsServing + AWS_TIMINGS.recordTtl;
    say(
      table(
        ['', 'value'],
        [
          [
            `Orchestration overhead, alarm → DNS change issued (median of ${recovery.runs}, AWS waits zero, moto)`,
            `${fmt.dec(overhead, 0)} ms (min ${fmt.dec(Math.min(...recovery.overheadMs), 0)}, max ${fmt.dec(Math.max(...recovery.overheadMs), 0)})`,
          ],
          ['Whole execution incl. sandbox branch (median)', `${fmt.dec(median(recovery.totalMs), 0)} ms`],
          ['State transitions per recovery', String(recovery.stateTransitions)],
          ['Lambda invocations per recovery (+1 trigger)', String(recovery.lambdaInvocations)],
          ['Critical path (Recovery timeline)', recovery.criticalSteps.join(' → ')],
          ['Off the critical path', recovery.offPathSteps.join(', ')],
        ],
      ),
    );
    say('\nModelled RTO from the alarm, with published AWS timings:\n');
    say(
      table(
        ['', 'seconds'],
        [
          ['lifeboat orchestration (measured above)', fmt.dec(overhead / 1000, 1)],
          [
            `5 step invocations on the path (~${AWS_TIMINGS.stepInvoke * 1000} ms each, warm)`,
            fmt.dec(AWS_TIMINGS.stepInvoke * 5, 1),
          ],
          ['Fargate task RUNNING (~60 s)', String(AWS_TIMINGS.fargateStart)],
          ['health gate poll (Wait 5 s)', String(AWS_TIMINGS.healthPoll)],
          ['Route 53 INSYNC (≤ 60 s)', String(AWS_TIMINGS.route53Insync)],
          [
            '**Route 53 answers with the replacement**',
            `**${fmt.dec(dnsServing + overhead / 1000, 0)}** (≈ ${fmt.dec((dnsServing + overhead / 1000) / 60, 1)} min)`,
          ],
          [
            `+ record TTL (${AWS_TIMINGS.recordTtl} s) for resolvers that cached the old answer`,
            `${fmt.dec(allClients + overhead / 1000, 0)} (≈ ${fmt.dec((allClients + overhead / 1000) / 60, 1)} min)`,
          ],
          ['Anchor: manual container restore (seed)', "~120 of downtime, from last week's image"],
          ['Anchor: AMI restore in the DR region + DNS (seed)', '~690'],
        ],
      ),
    );

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

    const base = scale[0];
    if (base !== undefined) {
      say('\n## 4. Cost of the pipeline itself\n');
      const lines = monthlyCost(
        {
          sites: base.sites,
          volumes: base.volumes,
          invocations: Object.fromEntries(
            Object.entries(base.invocations).map(([k, v]) => [k, { count: v.count, totalMs: v.totalMs }]),
          ),
          s3: base.s3Requests as { GET: number; PUT: number; DELETE: number; LIST: number },
          snsPublishes: base.invocations['advance-backup']?.count ?? 0,
        },
        base.steadySweep,
        { stateTransitionsPerDrill: recovery.stateTransitions, lambdaPerDrill: recovery.lambdaInvocations },
      );
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
    await moto.stop();
  }
  const file = option('out', '');
  if (file !== '') writeFileSync(file, `${out.join('\n')}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
