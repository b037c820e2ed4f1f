import { performance } from 'node:perf_hooks';
import { systemClock } from '../../lib/clock';
import { recoveryIdFor } from '../../lib/recovery/start-recovery';
import { type LocalEvent, runStateMachineLocally } from '../../local/local-runner';
import { RecoveryWorld } from '../../tests/stepfunctions/support/recovery-world';

export interface RecoveryBenchResult {
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
  /** Time on each state of the critical path in the first run (real ms). */
  stateMs: Record<string, number>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export { median };

/**
 * Runs the recovery state machine in-process (RECOVERY's local runner) against moto with every
 * AWS wait at zero, `runs` times, and measures lifeboat's own orchestration time from alarm to
 * DNS change issued. The moto endpoint must be in LIFEBOAT_AWS_ENDPOINT.
 */
export async function benchRecovery(runs: number): Promise<RecoveryBenchResult> {
  const result: RecoveryBenchResult = {
    runs,
    overheadMs: [],
    totalMs: [],
    stateTransitions: 0,
    lambdaInvocations: 0,
    criticalSteps: [],
    offPathSteps: [],
    stateMs: {},
  };
  for (let run = 0; run < runs; run += 1) {
    const world = await new RecoveryWorld().setUp();
    try {
      await world.completedBackup('2026-11-22T02:00:00Z');
      const outage = '2026-11-22T09:39:00Z';
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
        options: { dryRun: false, skipSandbox: false, database: 'keep' },
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
        throw new Error(`recovery bench run failed: ${outcome.error} ${String(outcome.cause)}`);
      result.overheadMs.push((dnsIssuedAt ?? ended) - started);
      result.totalMs.push(ended - started);
      if (run === 0) {
        const events = outcome.events as LocalEvent[];
        const states = events.filter((e) => e.type === 'StateEntered');
        result.stateTransitions = states.length;
        result.lambdaInvocations =
          states.filter((e) => e.state?.type === 'Task').length +
          events.filter((e) => /Retried/.test(e.type)).length;
        result.stateMs = stateMs;
        const recovery = await world.catalog.getRecovery(world.site.name, input.recoveryId);
        const timeline = recovery?.status.timeline ?? [];
        result.criticalSteps = [...new Set(timeline.filter((t) => t.critical).map((t) => t.step))];
        result.offPathSteps = [...new Set(timeline.filter((t) => !t.critical).map((t) => t.step))];
      }
    } finally {
      await world.close();
    }
  }
  return result;
}

/** Published or documented AWS timings the modelled RTO uses (seconds). */
export const AWS_TIMINGS = {
  /** Fargate task from RunTask to RUNNING, image cached (AWS re:Post / ECS docs, ~60 s). */
  fargateStart: 60,
  /** Route 53 propagation to all authoritative servers: INSYNC within 60 s (Route 53 FAQ). */
  route53Insync: 60,
  /** Record TTL lifeboat sets (config dns.ttl default). */
  recordTtl: 60,
  /** One warm Lambda invocation of a step, including Step Functions' transition. */
  stepInvoke: 0.1,
  /** The health gate's poll interval (Wait state in recovery.asl.yml). */
  healthPoll: 5,
  /** AwaitDns retry: 5 s, doubling, at most 20 s (recovery.asl.yml), so INSYNC at 60 s is seen at 75 s. */
  insyncSeenAfter: 75,
};
