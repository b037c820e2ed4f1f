/** How one readiness check came out: `fail` means a recovery started now would not succeed. */
export type Verdict = 'ok' | 'warn' | 'fail';

/** The checks, in the order they are reported. */
export const CHECK_IDS = [
  'task-definition',
  'site-health',
  'network',
  'sandbox-exposure',
  'dns-zone',
  'dns-records',
  'known-good-backup',
  'drill',
  'database',
  'restored-databases',
  'triggers',
  'dr-events',
  'quotas',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];

/** One check's outcome, with the reason an operator can act on. */
export interface CheckResult {
  id: CheckId;
  title: string;
  verdict: Verdict;
  reason: string;
}

/** The latest readiness of a site, as `lifeboat check` prints it and the catalog keeps it. */
export interface Readiness {
  apiVersion: 'lifeboat/v1';
  kind: 'Readiness';
  site: string;
  checkedAt: string;
  verdict: Verdict;
  checks: CheckResult[];
}

const SEVERITY: Record<Verdict, number> = { ok: 0, warn: 1, fail: 2 };

/** The worst verdict of the checks (`ok` when there are none). */
export function overallVerdict(checks: readonly Pick<CheckResult, 'verdict'>[]): Verdict {
  return checks.reduce<Verdict>(
    (worst, c) => (SEVERITY[c.verdict] > SEVERITY[worst] ? c.verdict : worst),
    'ok',
  );
}

/** True when a recovery would succeed now (warnings allowed). */
export function isReady(readiness: Pick<Readiness, 'verdict'>): boolean {
  return readiness.verdict !== 'fail';
}
