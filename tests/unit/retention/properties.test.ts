import fc from 'fast-check';
import { advanceBackup } from '../../../lib/backup/advance-backup';
import type { Backup, BackupKind, BackupPhase, CopyState } from '../../../lib/backup/model';
import { isTerminal } from '../../../lib/backup/model';
import { startBackup } from '../../../lib/backup/start-backup';
import type { Recovery } from '../../../lib/recovery/model';
import { applyRetention } from '../../../lib/retention/apply-retention';
import { isoWeekKey, planRetention, type RetentionPolicy } from '../../../lib/retention/policy';
import { buildBackup, buildRecovery, buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { stagedPorts } from '../../support/staged-ports';
import { FakeWorld } from '../backup/fake-ports';
import { fakeRetentionPorts, TRUST } from './fake-retention-ports';

const NOW = new Date('2026-11-22T12:00:00Z');
const DAY = 86_400_000;
const SLOT_KINDS: BackupKind[] = ['scheduled', 'manual', 'drill'];

/** A random backup within the last 400 days, in any phase, with a DR copy in any state. */
const backupArb = fc
  .record({
    ageMinutes: fc.integer({ min: 0, max: 400 * 24 * 60 }),
    kind: fc.constantFrom<BackupKind>(
      'scheduled',
      'scheduled',
      'scheduled',
      'manual',
      'drill',
      'broken-state',
      'pre-promote',
    ),
    phase: fc.constantFrom<BackupPhase>(
      'Completed',
      'Completed',
      'Completed',
      'Pending',
      'Copying',
      'PartiallyFailed',
      'Failed',
    ),
    copy: fc.constantFrom<CopyState>('completed', 'waiting', 'pending', 'failed', 'skipped'),
  })
  .map(({ ageMinutes, kind, phase, copy }): Backup => {
    const at = new Date(NOW.getTime() - ageMinutes * 60_000);
    const copyState: CopyState =
      phase === 'Completed'
        ? copy === 'failed'
          ? 'completed'
          : copy === 'waiting' || copy === 'pending'
            ? 'completed'
            : copy
        : copy;
    return buildBackup({
      at: new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString(),
      kind,
      phase,
      parts: [
        {
          kind: 'ebs-volume',
          sourceId: 'vol-00000001',
          snapshotId: 'snap-1',
          state: phase === 'Pending' ? 'pending' : phase === 'Failed' ? 'failed' : 'completed',
          copy: { region: 'us-west-2', state: copyState },
        },
      ],
    });
  });

function recoveryUsing(
  id: string,
  backupIds: string[],
  phase: Recovery['status']['phase'],
  endedDaysAgo: number | undefined,
): Recovery {
  const [knownGood, brokenState, ...attempts] = backupIds;
  return buildRecovery({
    id,
    incidentKey: id,
    outageStartedAt: NOW.toISOString(),
    status: {
      phase,
      knownGoodBackupId: knownGood,
      brokenStateBackupId: brokenState,
      attempts: attempts.map((backupId) => ({ backupId, verdict: 'unhealthy' as const })),
      endedAt:
        endedDaysAgo === undefined ? undefined : new Date(NOW.getTime() - endedDaysAgo * DAY).toISOString(),
    },
  });
}

/** A random history: backups (ids unique), recoveries pointing at some of them, a policy. */
const historyArb = fc
  .record({
    backups: fc.array(backupArb, { maxLength: 60 }),
    policy: fc.record({
      daily: fc.integer({ min: 0, max: 10 }),
      weekly: fc.integer({ min: 0, max: 6 }),
      monthly: fc.integer({ min: 0, max: 12 }),
    }),
    recoveries: fc.array(
      fc.record({
        picks: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        running: fc.boolean(),
        endedDaysAgo: fc.integer({ min: 0, max: 90 }),
      }),
      { maxLength: 3 },
    ),
  })
  .map(({ backups, policy, recoveries }) => {
    const unique = [...new Map(backups.map((b) => [b.id, b])).values()];
    const ids = unique.map((b) => b.id);
    const recs =
      ids.length === 0
        ? []
        : recoveries.map((r, i) =>
            recoveryUsing(
              `20261122t093900z-${String(i).padStart(8, '0')}`,
              r.picks.map((p) => ids[p % ids.length] as string),
              r.running ? 'Running' : 'Succeeded',
              r.running ? undefined : r.endedDaysAgo,
            ),
          );
    return { backups: unique, policy: policy as RetentionPolicy, recoveries: recs };
  });

const takenAt = (b: Backup) => new Date(b.spec.scheduledFor).getTime();

function plan(history: { backups: Backup[]; policy: RetentionPolicy; recoveries: Recovery[] }) {
  const decisions = planRetention({ ...history, now: NOW, evidenceDays: 30 });
  const deleted = new Set(decisions.filter((d) => d.action === 'delete').map((d) => d.backupId));
  return { decisions, deleted };
}

const RUNS = { numRuns: 300, seed: 4242 };

/**
 * Least shares of generated cases that must exercise a rule. With these seeds about 36% of the
 * histories delete something, 32-34% delete while a protected backup exists, and in 17% the
 * recovery rule saves a backup the policy alone would delete; the fake-AWS run deletes in 68%.
 */
const SHARE = { deletes: 0.25, guarded: 0.2, saved: 0.1 };

/**
 * Counts the generated cases in which a property had something to check (a deletion happened, the
 * protected backup existed), so a property that holds only because nothing was deleted fails.
 */
function coverage() {
  let cases = 0;
  let hits = 0;
  return {
    count(hit: boolean) {
      cases += 1;
      if (hit) hits += 1;
    },
    /** The share of cases that counted, 0 when none ran. */
    share: () => (cases === 0 ? 0 : hits / cases),
  };
}

describe('retention never-delete rules, over random histories (fast-check)', () => {
  it('decides exactly once for every backup it was given, and deletes in a good share of histories', () => {
    const deleting = coverage();
    fc.assert(
      fc.property(historyArb, (history) => {
        const { decisions, deleted } = plan(history);
        deleting.count(deleted.size > 0);
        expect(decisions.map((d) => d.backupId).sort()).toEqual(history.backups.map((b) => b.id).sort());
      }),
      RUNS,
    );
    expect(deleting.share()).toBeGreaterThan(SHARE.deletes);
  });

  it('never deletes an unfinished backup or one whose DR copy has not completed', () => {
    const tested = coverage();
    fc.assert(
      fc.property(historyArb, (history) => {
        const { deleted } = plan(history);
        const unsafe = history.backups.filter(
          (b) =>
            !isTerminal(b.status.phase) ||
            b.status.parts.some((p) => p.copy.state === 'waiting' || p.copy.state === 'pending'),
        );
        tested.count(unsafe.length > 0 && deleted.size > 0);
        for (const b of history.backups.filter((x) => deleted.has(x.id))) {
          expect(isTerminal(b.status.phase)).toBe(true);
          expect(b.status.parts.some((p) => p.copy.state === 'waiting' || p.copy.state === 'pending')).toBe(
            false,
          );
        }
      }),
      RUNS,
    );
    expect(tested.share()).toBeGreaterThan(SHARE.guarded);
  });

  it('never deletes the newest completed backup', () => {
    const tested = coverage();
    fc.assert(
      fc.property(historyArb, (history) => {
        const { deleted } = plan(history);
        const newest = history.backups
          .filter((b) => b.status.phase === 'Completed')
          .sort((a, b) => takenAt(b) - takenAt(a))[0];
        tested.count(newest !== undefined && deleted.size > 0);
        if (newest !== undefined) expect(deleted.has(newest.id)).toBe(false);
      }),
      RUNS,
    );
    expect(tested.share()).toBeGreaterThan(SHARE.guarded);
  });

  it('never deletes a backup a running recovery, or one that ended within 30 days, uses', () => {
    const tested = coverage();
    fc.assert(
      fc.property(historyArb, (history) => {
        const { deleted } = plan(history);
        // What the policy alone would delete: the rule is tested only where it saves a backup.
        const withoutRecoveries = plan({ ...history, recoveries: [] }).deleted;
        let saved = 0;
        for (const r of history.recoveries) {
          const ended = r.status.endedAt === undefined ? undefined : Date.parse(r.status.endedAt);
          if (ended !== undefined && NOW.getTime() - ended >= 30 * DAY) continue;
          const used = [
            r.status.knownGoodBackupId,
            r.status.brokenStateBackupId,
            ...r.status.attempts.map((a) => a.backupId),
          ];
          for (const id of used) {
            if (id === undefined) continue;
            if (withoutRecoveries.has(id)) saved += 1;
            expect(deleted.has(id)).toBe(false);
          }
        }
        tested.count(saved > 0);
      }),
      RUNS,
    );
    expect(tested.share()).toBeGreaterThan(SHARE.saved);
  });

  it('keeps the newest completed backup of each of the policy’s most recent days, weeks and months', () => {
    const tested = coverage();
    fc.assert(
      fc.property(historyArb, (history) => {
        const { deleted } = plan(history);
        let slotted = 0;
        const completed = history.backups
          .filter((b) => b.status.phase === 'Completed' && SLOT_KINDS.includes(b.spec.kind))
          .sort((a, b) => takenAt(b) - takenAt(a));
        const slots: [number, (at: Date) => string][] = [
          [history.policy.daily, (at) => at.toISOString().slice(0, 10)],
          [history.policy.weekly, isoWeekKey],
          [history.policy.monthly, (at) => at.toISOString().slice(0, 7)],
        ];
        for (const [count, key] of slots) {
          const newestPerPeriod = new Map<string, Backup>();
          for (const b of completed) {
            const k = key(new Date(takenAt(b)));
            if (!newestPerPeriod.has(k)) newestPerPeriod.set(k, b);
          }
          for (const b of [...newestPerPeriod.values()].slice(0, count)) {
            slotted += 1;
            expect(deleted.has(b.id)).toBe(false);
          }
        }
        tested.count(slotted > 0 && deleted.size > 0);
      }),
      RUNS,
    );
    expect(tested.share()).toBeGreaterThan(SHARE.guarded);
  });

  it('is stable: a second run over what the first kept deletes nothing more', () => {
    const tested = coverage();
    fc.assert(
      fc.property(historyArb, (history) => {
        const first = plan(history);
        tested.count(first.deleted.size > 0);
        const kept = history.backups.filter((b) => !first.deleted.has(b.id));
        const second = plan({ ...history, backups: kept });
        expect([...second.deleted]).toEqual([]);
      }),
      RUNS,
    );
    expect(tested.share()).toBeGreaterThan(SHARE.deletes);
  });
});

describe('retention deletes only what lifeboat made (fast-check, fake AWS)', () => {
  const REGIONS = ['us-east-1', 'us-west-2'];

  it('never touches a snapshot without lifeboat:managed=true, nor the newest completed backup', async () => {
    const deleting = coverage();
    const unmanagedKept = coverage();
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: 90 }), { minLength: 1, maxLength: 8 }),
        fc.record({
          daily: fc.integer({ min: 0, max: 3 }),
          weekly: fc.integer({ min: 0, max: 2 }),
          monthly: fc.integer({ min: 0, max: 2 }),
        }),
        fc.array(
          fc.record({
            region: fc.constantFrom(...REGIONS),
            managed: fc.constantFrom('false', 'yes', undefined),
            ofBackup: fc.nat(),
          }),
          { maxLength: 6 },
        ),
        async (daysAgo, retention, foreign) => {
          const world = new FakeWorld();
          const clock = new FakeClock('2026-11-22T12:00:00Z');
          world.ebs('us-east-1').addVolume('vol-00000001', { 'lifeboat:site': 'blog' });
          world.rds('us-east-1').addDatabase('blog-db');
          const site = buildSite({ retention });
          const ports = stagedPorts(world.ports(), TRUST.stage);
          const ids: string[] = [];
          for (const ago of [...daysAgo].sort((a, b) => b - a)) {
            const at = new Date(Date.parse('2026-11-22T02:00:00Z') - ago * DAY);
            clock.set(at);
            const b = await startBackup(ports, clock, { site, kind: 'scheduled', at });
            for (let step = 0; step < 2; step += 1) {
              for (const r of REGIONS) {
                world.ebs(r).complete();
                world.rds(r).complete();
              }
              await advanceBackup(ports, clock, site, b.id);
            }
            ids.push(b.id);
          }
          // Snapshots someone else made, some with lifeboat's backup tags but not the managed tag.
          foreign.forEach((f, i) => {
            const tags: Record<string, string> = {
              'lifeboat:site': 'blog',
              'lifeboat:backup-id': ids[f.ofBackup % ids.length] ?? '',
            };
            if (f.managed !== undefined) tags['lifeboat:managed'] = f.managed;
            world.ebs(f.region).snapshots.set(`snap-foreign${i}`, {
              snapshotId: `snap-foreign${i}`,
              volumeId: 'vol-00000001',
              state: 'completed',
              encrypted: false,
              tags,
            });
          });
          const before = REGIONS.flatMap((r) =>
            [...world.ebs(r).snapshots.values()].map((s) => ({ region: r, ...s })),
          );
          const newest = ids[ids.length - 1];
          clock.set('2026-11-22T12:00:00Z');

          await applyRetention(fakeRetentionPorts(world), clock, site, { dryRun: false, trust: TRUST });

          const after = new Set(
            REGIONS.flatMap((r) => [...world.ebs(r).snapshots.keys()].map((id) => `${r}:${id}`)),
          );
          const gone = before.filter((s) => !after.has(`${s.region}:${s.snapshotId}`));
          deleting.count(gone.length > 0);
          unmanagedKept.count(gone.length > 0 && before.some((s) => s.tags['lifeboat:managed'] !== 'true'));
          for (const s of gone) expect(s.tags['lifeboat:managed']).toBe('true');
          expect(gone.filter((s) => s.tags['lifeboat:backup-id'] === newest)).toEqual([]);
          expect(await world.catalog.getBackup('blog', newest ?? '')).toBeDefined();
        },
      ),
      { numRuns: 60, seed: 777 },
    );
    expect(deleting.share()).toBeGreaterThan(SHARE.deletes);
    expect(unmanagedKept.share()).toBeGreaterThan(SHARE.guarded);
  });
});
