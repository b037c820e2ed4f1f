import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { fmt, table } from './markdown';

/**
 * `npm run bench:compare -- a.json b.json` — the backup-at-scale figures of two `--out` files side
 * by side, with the change from the first to the second. Runs are paired by position.
 */

const rpoSample = z
  .object({ maxHours: z.number().optional(), p95Hours: z.number().optional() })
  .passthrough();
const scaleRun = z
  .object({
    aws: z.string().optional(),
    volumes: z.number(),
    databases: z.number(),
    nights: z.number(),
    realMs: z.number(),
    phases: z.record(z.string(), z.number()),
    hoursToTerminal: z.array(z.number().nullable()),
    drRpo: z.array(rpoSample),
    copyPhase: z.object({ spanHours: z.number(), floorHours: z.number() }),
    createSnapshotCallsPerSnapshot: z.number(),
    createRate: z.object({ perSecond: z.number() }),
    throttlesSent: z.record(z.string(), z.number()),
    throttlesEscapedSdk: z.number(),
    throttlesSurfaced: z.number(),
    perResource: z.object({
      awsCalls: z.number(),
      s3: z.number(),
      invocations: z.number(),
      byAction: z.record(z.string(), z.number()),
    }),
    invocationErrorsTotal: z.number(),
    longestInvocation: z.object({ fn: z.string(), ms: z.number() }),
  })
  .passthrough();
const benchFile = z
  .object({
    command: z.array(z.string()).optional(),
    at: z.string().optional(),
    scale: z.array(scaleRun),
    costs: z.array(z.object({ volumes: z.number(), perSiteMonth: z.number() })).optional(),
  })
  .passthrough();
type ScaleRun = z.infer<typeof scaleRun>;

/** One compared figure: its value in a run (undefined when the run lacks it) and how to print it. */
interface Figure {
  name: string;
  value: (run: ScaleRun, cost: number | undefined) => number | undefined;
  show: (n: number) => string;
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const finite = (n: number | null | undefined) =>
  n === null || n === undefined || !Number.isFinite(n) ? undefined : n;
const dec = (digits: number) => (n: number) => fmt.dec(n, digits);

const FIGURES: Figure[] = [
  { name: 'backups Completed', value: (r) => r.phases.Completed ?? 0, show: fmt.int },
  { name: 'backups not Completed', value: (r) => sum(r.phases) - (r.phases.Completed ?? 0), show: fmt.int },
  {
    name: 'hours to all terminal (longest night)',
    value: (r) => finite(Math.max(...r.hoursToTerminal.map((h) => finite(h) ?? Number.NaN))),
    show: dec(1),
  },
  { name: 'DR RPO max after night 1 (h)', value: (r) => r.drRpo[0]?.maxHours, show: dec(1) },
  { name: 'DR RPO p95 after night 1 (h)', value: (r) => r.drRpo[0]?.p95Hours, show: dec(1) },
  { name: 'DR RPO max at the end (h)', value: (r) => r.drRpo.at(-1)?.maxHours, show: dec(1) },
  { name: 'DR RPO p95 at the end (h)', value: (r) => r.drRpo.at(-1)?.p95Hours, show: dec(1) },
  {
    name: 'copy phase ÷ quota floor',
    value: (r) => (r.copyPhase.floorHours > 0 ? r.copyPhase.spanHours / r.copyPhase.floorHours : undefined),
    show: dec(2),
  },
  { name: 'EC2+RDS calls per resource', value: (r) => r.perResource.awsCalls, show: dec(2) },
  { name: 'CreateSnapshot calls per snapshot', value: (r) => r.createSnapshotCallsPerSnapshot, show: dec(3) },
  { name: 'CreateSnapshot rate (% of 5/s)', value: (r) => (100 * r.createRate.perSecond) / 5, show: dec(0) },
  { name: 'throttles answered', value: (r) => sum(r.throttlesSent), show: fmt.int },
  { name: 'throttles out of the SDK', value: (r) => r.throttlesEscapedSdk, show: fmt.int },
  { name: 'throttles surfaced', value: (r) => r.throttlesSurfaced, show: fmt.int },
  { name: 'S3 requests per resource', value: (r) => r.perResource.s3, show: dec(2) },
  { name: 'invocations per resource', value: (r) => r.perResource.invocations, show: dec(2) },
  { name: 'invocations ending in error', value: (r) => r.invocationErrorsTotal, show: fmt.int },
  { name: 'longest invocation (s)', value: (r) => r.longestInvocation.ms / 1000, show: dec(1) },
  { name: 'cost per site-month ($)', value: (_r, cost) => cost, show: dec(4) },
  { name: 'real run time (s)', value: (r) => r.realMs / 1000, show: dec(0) },
];

function change(a: number | undefined, b: number | undefined, show: (n: number) => string): string {
  if (a === undefined || b === undefined) return '';
  const delta = b - a;
  if (show(Math.abs(delta)) === show(0)) return '=';
  const pct = a === 0 ? '' : ` (${delta > 0 ? '+' : ''}${fmt.dec((100 * delta) / Math.abs(a), 0)} %)`;
  return `${delta > 0 ? '+' : '-'}${show(Math.abs(delta))}${pct}`;
}

function load(file: string) {
  return benchFile.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** The comparison as Markdown tables, one per pair of runs. */
export function compareBenchFiles(fileA: string, fileB: string): string {
  const a = load(fileA);
  const b = load(fileB);
  const out: string[] = [];
  const pairs = Math.max(a.scale.length, b.scale.length);
  for (let i = 0; i < pairs; i += 1) {
    const ra = a.scale[i];
    const rb = b.scale[i];
    const label = (r: ScaleRun | undefined, file: string) =>
      r === undefined
        ? `${basename(file)}: -`
        : `${basename(file)}: ${fmt.int(r.volumes)} vol, ${r.nights} night(s), ${r.aws ?? 'moto'}`;
    const cost = (file: typeof a, r: ScaleRun | undefined) =>
      r === undefined ? undefined : file.costs?.find((c) => c.volumes === r.volumes)?.perSiteMonth;
    const rows = FIGURES.map((f) => {
      const va = ra === undefined ? undefined : f.value(ra, cost(a, ra));
      const vb = rb === undefined ? undefined : f.value(rb, cost(b, rb));
      return [
        f.name,
        va === undefined ? '-' : f.show(va),
        vb === undefined ? '-' : f.show(vb),
        change(va, vb, f.show),
      ];
    });
    const actions = [
      ...new Set([
        ...Object.keys(ra?.perResource.byAction ?? {}),
        ...Object.keys(rb?.perResource.byAction ?? {}),
      ]),
    ].sort();
    for (const action of actions) {
      const va = ra?.perResource.byAction[action];
      const vb = rb?.perResource.byAction[action];
      rows.push([
        `${action} per resource`,
        va === undefined ? '-' : fmt.dec(va, 3),
        vb === undefined ? '-' : fmt.dec(vb, 3),
        change(va, vb, dec(3)),
      ]);
    }
    out.push(table(['figure', label(ra, fileA), label(rb, fileB), 'change'], rows));
  }
  return out.join('\n\n');
}

if (require.main === module) {
  const files = process.argv.slice(2).filter((f) => !f.startsWith('--'));
  if (files.length !== 2) {
    console.error('usage: npm run bench:compare -- a.json b.json');
    process.exit(2);
  }
  console.log(compareBenchFiles(files[0] ?? '', files[1] ?? ''));
}
