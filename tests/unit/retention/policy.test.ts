import type { Backup, BackupKind, BackupPhase, CopyState } from '../../../lib/backup/model';
import type { Recovery } from '../../../lib/recovery/model';
import { isoWeekKey, planRetention, type RetentionPolicy } from '../../../lib/retention/policy';
import { buildBackup } from '../../support/builders';

const NOW = new Date('2026-11-22T12:00:00Z');

interface Spec {
  at: string;
  phase?: BackupPhase;
  kind?: BackupKind;
  copy?: CopyState;
}

function backup(spec: Spec): Backup {
  const phase = spec.phase ?? 'Completed';
  const b = buildBackup({
    at: spec.at,
    kind: spec.kind ?? 'scheduled',
    phase,
    parts: [
      {
        kind: 'ebs-volume',
        sourceId: 'vol-00000001',
        snapshotId: 'snap-1',
        state: phase === 'Failed' ? 'failed' : phase === 'Pending' ? 'pending' : 'completed',
        copy: { region: 'us-west-2', state: spec.copy ?? (phase === 'Completed' ? 'completed' : 'waiting') },
      },
    ],
  });
  return b;
}

function recovery(options: {
  id: string;
  phase: Recovery['status']['phase'];
  endedAt?: string;
  knownGood?: string;
  brokenState?: string;
}): Recovery {
  return {
    apiVersion: 'lifeboat/v1',
    kind: 'Recovery',
    id: options.id,
    site: 'blog',
    spec: {
      kind: 'recovery',
      trigger: {
        source: 'pingdom',
        incidentKey: 'k',
        outageStartedAt: '2026-11-20T09:39:00Z',
        receivedAt: '2026-11-20T09:39:05Z',
        summary: 'down',
      },
      options: { dryRun: false, skipSandbox: false, database: 'keep' },
    },
    status: {
      phase: options.phase,
      knownGoodBackupId: options.knownGood,
      brokenStateBackupId: options.brokenState,
      attempts: [],
      timeline: [],
      signals: [],
      startedAt: '2026-11-20T09:39:05Z',
      endedAt: options.endedAt,
    },
  };
}

const days = (from: number, to: number, month = '11') =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    at: `2026-${month}-${String(to - i).padStart(2, '0')}T02:00:00Z`,
  }));

const id = (at: string, kind: BackupKind = 'scheduled') => buildBackup({ at, kind }).id;

interface Case {
  name: string;
  policy: RetentionPolicy;
  history: Spec[];
  recoveries?: Recovery[];
  /** Backups expected to be deleted, by the start of their time (a day, or a full time); all others kept. */
  deleted: string[];
  /** Optional: a reason expected for one backup. */
  reason?: [string, RegExp];
}

const cases: Case[] = [
  {
    name: 'keeps the last N daily backups and deletes the older ones',
    policy: { daily: 3, weekly: 0, monthly: 0 },
    history: days(16, 22),
    deleted: ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19'],
    reason: ['2026-11-20', /^daily 2026-11-20$/],
  },
  {
    name: 'fills a day slot with the newest backup of that day only',
    policy: { daily: 2, weekly: 0, monthly: 0 },
    history: [
      { at: '2026-11-22T02:00:00Z' },
      { at: '2026-11-21T14:00:00Z', kind: 'manual' },
      { at: '2026-11-21T02:00:00Z' },
    ],
    deleted: ['2026-11-21T02:00:00Z'],
  },
  {
    name: 'keeps the newest backup of each of the last M ISO weeks',
    policy: { daily: 1, weekly: 3, monthly: 0 },
    history: days(1, 22),
    // Weeks: W47 (16-22) → 22, W46 (9-15) → 15, W45 (2-8) → 8; daily → 22.
    deleted: days(1, 22)
      .map((d) => d.at.slice(0, 10))
      .filter((d) => !['2026-11-22', '2026-11-15', '2026-11-08'].includes(d)),
    reason: ['2026-11-15', /^weekly 2026-W46$/],
  },
  {
    name: 'keeps the newest backup of each of the last K months',
    policy: { daily: 0, weekly: 0, monthly: 2 },
    history: [
      ...days(20, 22),
      ...days(28, 30, '09').map((d) => ({ at: d.at })),
      { at: '2026-10-31T02:00:00Z' },
    ],
    deleted: ['2026-11-20', '2026-11-21', '2026-09-28', '2026-09-29', '2026-09-30'],
    reason: ['2026-10-31', /^monthly 2026-10$/],
  },
  {
    name: 'never deletes the newest completed backup, even with an empty policy',
    policy: { daily: 0, weekly: 0, monthly: 0 },
    history: days(20, 22),
    deleted: ['2026-11-20', '2026-11-21'],
    reason: ['2026-11-22', /newest completed backup/],
  },
  {
    name: 'never deletes a backup still in progress',
    policy: { daily: 0, weekly: 0, monthly: 0 },
    history: [
      { at: '2026-11-22T02:00:00Z', phase: 'Pending' },
      { at: '2026-11-21T02:00:00Z', phase: 'Copying' },
      ...days(19, 20),
    ],
    deleted: ['2026-11-19'],
    reason: ['2026-11-21', /in progress \(Copying\)/],
  },
  {
    name: 'never deletes a source whose DR copy has not completed',
    policy: { daily: 0, weekly: 0, monthly: 0 },
    history: [
      { at: '2026-11-22T02:00:00Z' },
      { at: '2026-11-10T02:00:00Z', phase: 'PartiallyFailed', copy: 'pending' },
    ],
    deleted: [],
    reason: ['2026-11-10', /DR copy has not completed/],
  },
  {
    name: 'never deletes a backup a running recovery uses',
    policy: { daily: 1, weekly: 0, monthly: 0 },
    history: days(15, 22),
    recoveries: [
      recovery({ id: '20261122t093900z-aaaaaaaa', phase: 'Running', knownGood: id('2026-11-18T02:00:00Z') }),
    ],
    deleted: ['2026-11-15', '2026-11-16', '2026-11-17', '2026-11-19', '2026-11-20', '2026-11-21'],
    reason: ['2026-11-18', /used by running recovery 20261122t093900z-aaaaaaaa/],
  },
  {
    name: 'keeps a recent recovery broken-state capture (sandbox, evidence), not an old one',
    policy: { daily: 1, weekly: 0, monthly: 0 },
    history: [
      { at: '2026-11-22T02:00:00Z' },
      { at: '2026-11-20T09:40:00Z', kind: 'broken-state' },
      { at: '2026-09-01T09:40:00Z', kind: 'broken-state' },
    ],
    recoveries: [
      recovery({
        id: '20261120t093900z-bbbbbbbb',
        phase: 'Succeeded',
        endedAt: '2026-11-20T10:00:00Z',
        brokenState: id('2026-11-20T09:40:00Z', 'broken-state'),
      }),
      recovery({
        id: '20260901t093900z-cccccccc',
        phase: 'Succeeded',
        endedAt: '2026-09-01T10:00:00Z',
        brokenState: id('2026-09-01T09:40:00Z', 'broken-state'),
      }),
    ],
    deleted: ['2026-09-01'],
    reason: ['2026-11-20', /evidence, sandbox/],
  },
  {
    name: 'keeps failed backups newer than the newest completed one and deletes superseded ones',
    policy: { daily: 1, weekly: 0, monthly: 0 },
    history: [
      { at: '2026-11-22T02:00:00Z', phase: 'Failed' },
      { at: '2026-11-21T02:00:00Z' },
      { at: '2026-11-20T02:00:00Z', phase: 'PartiallyFailed', copy: 'failed' },
    ],
    deleted: ['2026-11-20'],
    reason: ['2026-11-20', /PartiallyFailed and superseded by completed backup 20261121t020000z-scheduled/],
  },
];

describe('planRetention', () => {
  it.each(cases)('$name', ({ policy, history, recoveries, deleted, reason }) => {
    const backups = history.map(backup);

    const decisions = planRetention({ backups, recoveries: recoveries ?? [], policy, now: NOW });

    const takenAt = (backupId: string) =>
      (backups.find((b) => b.id === backupId)?.spec.scheduledFor ?? '').replace('.000Z', 'Z');
    const gone = decisions
      .filter((d) => d.action === 'delete')
      .map((d) => takenAt(d.backupId))
      .map((at) => deleted.find((x) => at.startsWith(x)) ?? at);
    expect(gone.sort()).toEqual([...deleted].sort());
    expect(decisions).toHaveLength(backups.length);
    for (const d of decisions) expect(d.reasons.length).toBeGreaterThan(0);
    if (reason !== undefined) {
      const [date, pattern] = reason;
      const match = decisions.find((d) => takenAt(d.backupId).startsWith(date));
      expect(match?.reasons.join('; ')).toMatch(pattern);
    }
  });

  it.each([
    ['2026-11-22T12:00:00Z', '2026-W47'],
    ['2026-11-16T00:00:00Z', '2026-W47'],
    ['2026-11-15T23:59:59Z', '2026-W46'],
    ['2027-01-01T00:00:00Z', '2026-W53'],
    ['2025-12-29T00:00:00Z', '2026-W01'],
  ])('puts %s in ISO week %s', (at, week) => {
    expect(isoWeekKey(new Date(at))).toBe(week);
  });
});
