import type { Backup } from '../backup/model';
import { isTerminal } from '../backup/model';
import type { Recovery } from '../recovery/model';

/** Grandfather-father-son: how many daily, weekly and monthly backups to keep. */
export interface RetentionPolicy {
  daily: number;
  weekly: number;
  monthly: number;
}

export interface RetentionDecision {
  backupId: string;
  action: 'keep' | 'delete';
  /** Why: the policy slot(s) that keep it, the never-delete rule that protects it, or why it may go. */
  reasons: string[];
  /** Something an operator should look at (a record dated in the future, a Completed one AWS does not confirm). */
  anomaly?: string;
  /** Dated later than now: kept, and never counted as the newest backup. */
  futureDated?: boolean;
}

export interface RetentionInput {
  backups: readonly Backup[];
  recoveries: readonly Recovery[];
  policy: RetentionPolicy;
  now: Date;
  /** How long a finished recovery's backups stay protected as evidence. */
  evidenceDays?: number;
  /**
   * Keys of recovery records that did not parse: nobody can tell which backups they use, so while
   * there is one, nothing is deleted.
   */
  unreadableRecoveries?: readonly string[];
  /**
   * The regions where AWS confirms each backup restorable (every part's snapshot there exists and
   * verifies). Given, retention keeps the newest verified-restorable backup of each region too.
   */
  restorable?: ReadonlyMap<string, ReadonlySet<string>>;
  /** A record dated later than now plus this is an anomaly (clock skew), never "the newest". */
  futureToleranceMs?: number;
}

/** Kinds that fill the policy's slots; broken-state and pre-promote captures are evidence, kept by reference. */
const SLOT_KINDS = new Set(['scheduled', 'manual', 'drill']);

const DAY_MS = 86_400_000;
const FUTURE_TOLERANCE_MS = 15 * 60_000;

function dayKey(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** ISO 8601 week, e.g. 2026-W47 (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeekKey(at: Date): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
  d.setUTCDate(d.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

function monthKey(at: Date): string {
  return at.toISOString().slice(0, 7);
}

function takenAt(b: Backup): Date {
  return new Date(b.spec.scheduledFor);
}

/** The regions a backup is meant to be restorable in: primary, and DR when it is copied there. */
export function regionsOf(b: Backup): string[] {
  return b.spec.copyToDr ? [b.spec.primaryRegion, b.spec.drRegion] : [b.spec.primaryRegion];
}

/** Backups a recovery still needs: any running recovery's, or a recent one's (evidence, sandbox). */
function protectedByRecoveries(
  recoveries: readonly Recovery[],
  now: Date,
  evidenceDays: number,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of recoveries) {
    const ended = r.status.endedAt === undefined ? undefined : new Date(r.status.endedAt);
    const running = r.status.phase === 'Running' || ended === undefined;
    const recent = ended !== undefined && now.getTime() - ended.getTime() < evidenceDays * DAY_MS;
    if (!running && !recent) continue;
    const why = running
      ? `used by running ${r.spec.kind} ${r.id}`
      : `used by ${r.spec.kind} ${r.id} (evidence, sandbox)`;
    const ids = [
      r.status.knownGoodBackupId,
      r.status.brokenStateBackupId,
      r.spec.options.backupId,
      ...r.status.attempts.map((a) => a.backupId),
    ];
    for (const id of ids) if (id !== undefined && !out.has(id)) out.set(id, why);
  }
  return out;
}

/**
 * Decides, for every backup of a site, whether retention keeps or deletes it, and why. Pure:
 * deciding is separate from deleting (Velero's garbage collection), so a dry run shows exactly
 * what a real run would do. Never deletes: an unfinished backup, one whose DR copy is not done,
 * the newest completed backup, the newest verified-restorable one of each region, one a recovery
 * or sandbox uses (or may use: a recovery record that does not parse keeps them all), or one
 * dated in the future.
 */
export function planRetention(input: RetentionInput): RetentionDecision[] {
  const { policy, now } = input;
  const sorted = [...input.backups].sort((a, b) => takenAt(b).getTime() - takenAt(a).getTime());
  const inUse = protectedByRecoveries(input.recoveries, now, input.evidenceDays ?? 30);
  const unreadable = input.unreadableRecoveries ?? [];
  // A record dated in the future (a writer's clock ahead) is kept and reported, and takes no
  // slot: otherwise it would be "the newest" and the real newest backup would go.
  const horizon = now.getTime() + (input.futureToleranceMs ?? FUTURE_TOLERANCE_MS);
  const future = new Set(sorted.filter((b) => takenAt(b).getTime() > horizon).map((b) => b.id));
  const completed = sorted.filter((b) => b.status.phase === 'Completed' && !future.has(b.id));
  const newestCompleted = completed[0];
  const restorable = input.restorable;
  const newestRestorable = new Map<string, string[]>();
  if (restorable !== undefined) {
    const regions = new Set(completed.flatMap(regionsOf));
    for (const region of regions) {
      const b = completed.find((c) => SLOT_KINDS.has(c.spec.kind) && restorable.get(c.id)?.has(region));
      if (b !== undefined && b.id !== newestCompleted?.id)
        newestRestorable.set(b.id, [
          ...(newestRestorable.get(b.id) ?? []),
          `newest verified-restorable backup in ${region}`,
        ]);
    }
  }
  const anomalyOf = (b: Backup): string | undefined => {
    if (future.has(b.id))
      return `dated ${b.spec.scheduledFor}, in the future (now ${now.toISOString()}): kept, not counted as the newest backup`;
    if (restorable === undefined || b.status.phase !== 'Completed') return undefined;
    const unconfirmed = regionsOf(b).filter((r) => !restorable.get(b.id)?.has(r));
    return unconfirmed.length === 0
      ? undefined
      : `Completed, but AWS does not confirm its snapshots in ${unconfirmed.join(', ')}`;
  };

  const slots = new Map<string, string[]>();
  const fill = (count: number, key: (at: Date) => string, label: string) => {
    const seen = new Set<string>();
    for (const b of completed) {
      if (!SLOT_KINDS.has(b.spec.kind)) continue;
      const k = key(takenAt(b));
      if (seen.has(k)) continue;
      if (seen.size >= count) break;
      seen.add(k);
      slots.set(b.id, [...(slots.get(b.id) ?? []), `${label} ${k}`]);
    }
  };
  fill(policy.daily, dayKey, 'daily');
  fill(policy.weekly, isoWeekKey, 'weekly');
  fill(policy.monthly, monthKey, 'monthly');

  return sorted.map((b): RetentionDecision => {
    const anomaly = anomalyOf(b);
    const decide = (action: RetentionDecision['action'], reasons: string[]): RetentionDecision =>
      anomaly === undefined
        ? { backupId: b.id, action, reasons }
        : { backupId: b.id, action, reasons, anomaly };
    if (future.has(b.id)) return { ...decide('keep', [anomaly ?? 'dated in the future']), futureDated: true };
    const never: string[] = [];
    if (!isTerminal(b.status.phase)) never.push(`in progress (${b.status.phase})`);
    if (b.status.parts.some((p) => p.copy.state === 'waiting' || p.copy.state === 'pending'))
      never.push('its DR copy has not completed');
    if (b.id === newestCompleted?.id) never.push('newest completed backup');
    const use = inUse.get(b.id);
    if (use !== undefined) never.push(use);
    if (unreadable.length > 0)
      never.push(
        `recovery records unreadable, so the backups they use are unknown: ${unreadable.join(', ')}`,
      );
    never.push(...(newestRestorable.get(b.id) ?? []));
    if (never.length > 0) return decide('keep', never);

    const slot = slots.get(b.id);
    if (slot !== undefined) return decide('keep', slot);

    if (
      b.status.phase !== 'Completed' &&
      (newestCompleted === undefined || takenAt(b) > takenAt(newestCompleted))
    )
      return decide('keep', [`${b.status.phase}, newer than any completed backup`]);

    const why =
      b.status.phase !== 'Completed'
        ? `${b.status.phase} and superseded by completed backup ${newestCompleted?.id}`
        : SLOT_KINDS.has(b.spec.kind)
          ? `outside the policy (daily ${policy.daily}, weekly ${policy.weekly}, monthly ${policy.monthly})`
          : `${b.spec.kind} capture no recovery uses any more`;
    return decide('delete', [why]);
  });
}
