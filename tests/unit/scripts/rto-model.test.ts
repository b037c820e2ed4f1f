import { join } from 'node:path';
import { loadConfigFile } from '../../../lib/config/load';
import {
  gateVerdictSeconds,
  logReplaySeconds,
  modelRto,
  type PollSchedule,
  pollTimes,
  RTO_MODES,
  type RtoAssumptions,
  type RtoSettings,
  recoveryPolls,
  seenAt,
  settingsFor,
  TYPICAL,
} from '../../../scripts/bench/rto-model';

const DB_POLL: PollSchedule = {
  intervalSeconds: 20,
  backoffRate: 1.2,
  maxDelaySeconds: 60,
  maxAttempts: 100,
};

const ASSUMPTIONS: RtoAssumptions = {
  stepInvokeSeconds: 0.1,
  fargateStartSeconds: 60,
  workingSetGiB: 2,
  volumeGiB: 20,
  instanceRestoreSeconds: 600,
  logMiBPerHour: 100,
  logReplayMiBps: 2,
  hoursSinceAutomatedBackup: 7.65,
  clusterRestoreSeconds: 600,
  clusterPointInTimeSeconds: 900,
  clusterInstanceSeconds: 480,
  route53InsyncSeconds: 60,
};

function settings(overrides: Partial<RtoSettings> = {}): RtoSettings {
  return {
    initializationRateMiBps: 200,
    healthyThreshold: 2,
    gateDeadlineSeconds: 300,
    ttlSeconds: 60,
    pointInTimeMarginSeconds: 300,
    hoursSinceBackup: 7.65,
    healthPollSeconds: 5,
    databasePoll: DB_POLL,
    dnsPoll: { intervalSeconds: 5, backoffRate: 1.2, maxDelaySeconds: 20, maxAttempts: 60 },
    ...overrides,
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('the modelled RTO (scripts/bench/rto-model.ts)', () => {
  describe('Step Functions retry polls', () => {
    it('polls at 0, then after each interval grown by the backoff rate, capped at the max delay', () => {
      const times = pollTimes({ ...DB_POLL, maxAttempts: 8 });

      expect(times.map((t) => Number(t.toFixed(3)))).toEqual([
        0, 20, 44, 72.8, 107.36, 148.832, 198.598, 258.318, 318.318,
      ]);
    });

    it('sees a database at the first poll at or after it became available, and counts the calls', () => {
      expect(seenAt(DB_POLL, 44)).toEqual({ atSeconds: 44, calls: 3 });
      expect(seenAt(DB_POLL, 45)).toEqual({ atSeconds: 72.8, calls: 4 });
      expect(seenAt(DB_POLL, 600)?.atSeconds).toBeCloseTo(618.318, 3);
    });

    it('gives up after its last retry', () => {
      const budget = pollTimes(DB_POLL).at(-1) ?? 0;

      expect(seenAt(DB_POLL, budget)).toBeDefined();
      expect(seenAt(DB_POLL, budget + 1)).toBeUndefined();
    });
  });

  it('passes the health gate at the round that makes healthyThreshold healthy answers in a row', () => {
    // Ready at 70.24 s: rounds at 75 and 80 answer healthy.
    expect(gateVerdictSeconds(70.24, 5, 2)).toBe(80);
    // Ready exactly on a round: that round and the next.
    expect(gateVerdictSeconds(70, 5, 2)).toBe(75);
    expect(gateVerdictSeconds(70, 5, 1)).toBe(70);
  });

  it('replays the logs written since the automated backup at the replay rate (point-in-time)', () => {
    expect(logReplaySeconds(ASSUMPTIONS)).toBeCloseTo((100 * 7.65) / 2, 6);
    expect(logReplaySeconds({ ...ASSUMPTIONS, hoursSinceAutomatedBackup: 24, logReplayMiBps: 1 })).toBe(2400);
  });

  it.each(RTO_MODES)(
    '%s: the critical path sums to the time Route 53 answers, and the TTL comes on top',
    (mode) => {
      const t = modelRto(mode, ASSUMPTIONS, settings(), 0.5);

      expect(t.dnsAnswersSeconds).toBeCloseTo(sum(t.segments.map((s) => s.seconds)), 9);
      expect(t.allResolversSeconds).toBeCloseTo(t.dnsAnswersSeconds + 60, 9);
      expect(t.segments[0]).toMatchObject({ key: 'orchestration', seconds: 0.5, basis: 'measured' });
      expect(t.segments.at(-1)).toMatchObject({ key: 'dns', seconds: 60 });
      expect(t.overlappedDnsAnswersSeconds).toBeLessThanOrEqual(t.dnsAnswersSeconds);
    },
  );

  it('keep: orchestration, invocations, launch, working set at the configured rate, gate, DNS', () => {
    const t = modelRto('keep', ASSUMPTIONS, settings(), 0.5);

    expect(t.segments.map((s) => s.key)).toEqual([
      'orchestration',
      'invokes',
      'launch',
      'init',
      'gate',
      'dns',
    ]);
    const seconds = Object.fromEntries(t.segments.map((s) => [s.key, s.seconds]));
    expect(seconds.init).toBeCloseTo(2048 / 200, 9);
    expect(seconds.gate).toBeCloseTo(80 - 70.24, 9);
    // Begin, PickKnownGood, LaunchReplacement, 17 gate rounds (0..80 s every 5 s), SwitchDns.
    expect(t.taskStates).toBe(21);
    expect(t.dnsAnswersSeconds).toBeCloseTo(0.5 + 2.1 + 60 + 10.24 + 9.76 + 60, 9);
    expect(t.databaseSeconds).toBe(0);
    expect(t.dataLostSeconds).toBe(0);
    expect(t.volumeInitializedSeconds).toBeCloseTo((20 * 1024) / 200, 9);
  });

  it('snapshot: the restore and its poll lag come before the launch, and the site lacks what came after the backup', () => {
    const keep = modelRto('keep', ASSUMPTIONS, settings(), 0.5);
    const t = modelRto('snapshot', ASSUMPTIONS, settings(), 0.5);

    expect(t.segments.map((s) => s.key)).toEqual([
      'orchestration',
      'invokes',
      'db-restore',
      'db-poll',
      'launch',
      'init',
      'gate',
      'dns',
    ]);
    expect(t.databaseSeconds).toBeCloseTo(618.318, 3);
    // RestoreDatabase and 14 AwaitDatabase calls more than keep.
    expect(t.taskStates).toBe(keep.taskStates + 15);
    expect(t.dnsAnswersSeconds).toBeCloseTo(keep.dnsAnswersSeconds + t.databaseSeconds + 1.5, 9);
    expect(t.dataLostSeconds).toBeCloseTo(7.65 * 3600, 9);
  });

  it('point-in-time: the snapshot restore plus the log replay term, losing only the margin', () => {
    const snapshot = modelRto('snapshot', ASSUMPTIONS, settings(), 0.5);
    const t = modelRto('point-in-time', ASSUMPTIONS, settings(), 0.5);

    const replay = t.segments.find((s) => s.key === 'db-replay');
    expect(replay?.seconds).toBeCloseTo(382.5, 9);
    expect(t.logReplaySeconds).toBeCloseTo(382.5, 9);
    expect(t.segments.find((s) => s.key === 'db-restore')?.seconds).toBe(
      snapshot.segments.find((s) => s.key === 'db-restore')?.seconds,
    );
    // 982.5 s of restore is seen at the poll of 1038.318 s.
    expect(t.databaseSeconds).toBeCloseTo(1038.318, 3);
    expect(t.dataLostSeconds).toBe(300);
  });

  it('aurora: the writer instance is created after the cluster is available, in series', () => {
    const t = modelRto('aurora-snapshot', ASSUMPTIONS, settings(), 0.5);
    const pitr = modelRto('aurora-point-in-time', ASSUMPTIONS, settings(), 0.5);

    expect(t.segments.filter((s) => s.key.startsWith('cluster')).map((s) => s.seconds)).toEqual([600, 480]);
    expect(pitr.segments.filter((s) => s.key.startsWith('cluster')).map((s) => s.seconds)).toEqual([
      900, 480,
    ]);
    expect(pitr.logReplaySeconds).toBe(0);
  });

  it('launching while the database restores leaves only the longer of the two before the gate', () => {
    const t = modelRto('snapshot', ASSUMPTIONS, settings(), 0.5);

    // Seen at 618.318 s: the gate's rounds at 620 and 625 answer healthy.
    const fixed = 0.5 + t.taskStates * 0.1;
    expect(t.overlappedDnsAnswersSeconds).toBeCloseTo(fixed + 625 + 60, 9);
  });

  it('without a volume initialization rate the working set is not modelled and the volume has no end time', () => {
    const t = modelRto('keep', ASSUMPTIONS, settings({ initializationRateMiBps: undefined }), 0.5);

    const init = t.segments.find((s) => s.key === 'init');
    expect(init?.seconds).toBe(0);
    expect(init?.step).toMatch(/lazy-loaded/);
    expect(t.volumeInitializedSeconds).toBeUndefined();
  });

  it('flags a database the poll gives up on, and a gate slower than its deadline', () => {
    const slow = modelRto(
      'point-in-time',
      { ...ASSUMPTIONS, logMiBPerHour: 300, hoursSinceAutomatedBackup: 24, logReplayMiBps: 1 },
      settings({ gateDeadlineSeconds: 60 }),
      0.5,
    );

    expect(slow.databasePollGivesUp).toBe(true);
    expect(slow.databasePollBudgetSeconds).toBeCloseTo(pollTimes(DB_POLL).at(-1) ?? 0, 9);
    expect(slow.gateFits).toBe(false);
    expect(modelRto('point-in-time', ASSUMPTIONS, settings(), 0.5).databasePollGivesUp).toBe(false);
  });

  describe('inputs from the definition and the config', () => {
    const ASL = `
StartAt: Restore
States:
  Restore:
    Type: Parallel
    Branches:
      - StartAt: AwaitDatabase
        States:
          AwaitDatabase:
            Type: Task
            Retry:
              - ErrorEquals: [ThrottledError]
                IntervalSeconds: 2
              - ErrorEquals: [NotReadyError]
                IntervalSeconds: 30
                MaxAttempts: 10
                BackoffRate: 1.5
                MaxDelaySeconds: 90
          WaitForReplacement:
            Type: Wait
            Seconds: 7
          AwaitDns:
            Type: Task
            Retry:
              - ErrorEquals: [NotReadyError]
                IntervalSeconds: 4
    End: true
`;

    it('reads the gate Wait and the NotReadyError retries from the state machine, inside Parallel branches', () => {
      expect(recoveryPolls(ASL)).toEqual({
        healthPollSeconds: 7,
        databasePoll: { intervalSeconds: 30, backoffRate: 1.5, maxDelaySeconds: 90, maxAttempts: 10 },
        // Step Functions' defaults: BackoffRate 2, MaxAttempts 3, no max delay.
        dnsPoll: {
          intervalSeconds: 4,
          backoffRate: 2,
          maxDelaySeconds: Number.POSITIVE_INFINITY,
          maxAttempts: 3,
        },
      });
    });

    it('refuses a definition whose poll does not retry NotReadyError', () => {
      expect(() =>
        recoveryPolls(ASL.replace('[NotReadyError]\n                IntervalSeconds: 4', '[X]')),
      ).toThrow(/AwaitDns has no Retry on NotReadyError/);
    });

    it("finds every poll in the repository's recovery.asl.yml and takes the reference site's settings", () => {
      const [site] = loadConfigFile(join(__dirname, '../../../config/sites.yml')).sites;
      if (site === undefined) throw new Error('config/sites.yml has no site');

      const s = settingsFor(site, 7.65);

      expect(s).toMatchObject({
        initializationRateMiBps: site.run.volumeInitializationRateMiBps,
        healthyThreshold: site.health.healthyThreshold,
        gateDeadlineSeconds: site.health.deadlineSeconds,
        ttlSeconds: site.dns.ttl,
        pointInTimeMarginSeconds: site.recovery.pointInTimeMarginSeconds,
      });
      expect(s.databasePoll.maxAttempts).toBeGreaterThan(0);
      expect(modelRto('snapshot', TYPICAL, s, 0).dnsAnswersSeconds).toBeGreaterThan(
        TYPICAL.instanceRestoreSeconds,
      );
    });
  });
});
