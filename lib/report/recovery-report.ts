import type { Backup } from '../backup/model';
import { describeDiscarded, describeVolumeChanges, wouldDiscard } from '../recovery/measure-changes';
import type { Recovery, TimelineEntry } from '../recovery/model';
import { RESTORABLE_KINDS } from '../recovery/pick-known-good';
import { drillVerdictLines, drillVerdictShort } from './drill-text';
import { formatDuration, formatTime, humaniseStep } from './format';

/** What the report says about one backup. */
export interface BackupFacts {
  id: string;
  kind: string;
  takenAt: string;
  phase: string;
  /** `passed on …`, `failed on …` or `never restored in a drill`. */
  drill: string;
  /** One line per part: `vol-… → snap-… (DR copy snap-… in us-west-2)`. */
  parts: string[];
  /** How long before the outage began it was taken, e.g. `7 h 39 min before the outage`. */
  ageAtOutage?: string;
  /** False when the catalog no longer has the record (retention, or not passed in). */
  known: boolean;
}

/** One bar of the timeline, positioned in ms from the report's time zero. */
export interface TimelineRow {
  step: string;
  label: string;
  startMs: number;
  /** Undefined while the step is still running. */
  endMs?: number;
  durationMs?: number;
  critical: boolean;
  outcome: 'ok' | 'failed' | 'skipped' | 'running';
  startedAt: string;
  endedAt?: string;
  /** Short `key=value` facts from the entry's detail (ids it touched). */
  facts: string[];
}

/** Everything a recovery (or promote, or drill) report shows, computed once from the records. */
export interface RecoveryReport {
  title: string;
  recoveryId: string;
  site: string;
  kind: Recovery['spec']['kind'];
  phase: Recovery['status']['phase'];
  dryRun: boolean;
  /** One sentence: what happened, for the top of the page. */
  headline: string;
  trigger: Recovery['spec']['trigger'];
  backup: {
    used?: BackupFacts;
    /** Sentences explaining the choice. */
    why: string[];
    attempts: (Recovery['status']['attempts'][number] & { takenAt?: string })[];
    brokenState?: BackupFacts;
  };
  replacement?: Recovery['status']['replacement'];
  dns?: NonNullable<Recovery['status']['dnsChange']>;
  sandbox?: Recovery['status']['sandbox'];
  /** Promote only: what it measured before switching, in the operator's sentences. */
  changes?: {
    /** What promoting drops of the replacement (blocks, database writes), or that it drops nothing. */
    discards: string;
    /** Something would be (or was) dropped, or could not be measured. */
    losesSomething: boolean;
    /** The operator passed --discard-changes. */
    discarded: boolean;
    /** The fix's own footprint: the sandbox's blocks changed since the broken-state snapshot. */
    fix?: string;
    /** Which database the final task runs against, and which one promote stops. */
    database?: string;
  };
  /** Drill only: the verdicts it recorded on the backup, one line per half (files, database). */
  drill?: { verdict: 'passed' | 'failed'; lines: { label: string; text: string }[] };
  failure?: Recovery['status']['failure'];
  signals: Recovery['status']['signals'];
  /** Time zero of the timeline: the earlier of the alarm and the first step. */
  origin: string;
  timeline: TimelineRow[];
  /** Marks drawn over the timeline, in ms from the origin. */
  markers: { label: string; atMs: number }[];
  durations: {
    /** Alarm received → DNS record switched (in sync, or submitted when INSYNC is unknown). */
    alarmToDnsMs?: number;
    /** Outage began (per the trigger) → DNS switched. */
    outageToDnsMs?: number;
    /** Sum of the critical steps: what the operator waited for. */
    criticalPathMs?: number;
    /** First step start → last step end. */
    totalMs?: number;
  };
  startedAt: string;
  endedAt?: string;
  /** The Step Functions execution that ran it, for its console page and event history. */
  executionArn?: string;
}

const ms = (iso: string) => new Date(iso).getTime();

function describeDrill(backup: Backup): string {
  const drill = backup.status.drill;
  if (drill === undefined) return 'never restored in a drill';
  if (drill.files !== undefined) {
    const halves = [`files ${drill.files.verdict}`];
    if (drill.database !== undefined) halves.push(`database ${drill.database.verdict}`);
    return `${drill.verdict} on ${formatTime(drill.at)} (${halves.join(', ')})`;
  }
  return `${drill.verdict} on ${formatTime(drill.at)}${drill.detail === '' ? '' : ` (${drill.detail})`}`;
}

function describePart(part: Backup['status']['parts'][number]): string {
  const copy =
    part.copy.snapshotId !== undefined
      ? `DR copy ${part.copy.snapshotId} in ${part.copy.region}, ${part.copy.state}`
      : `DR copy ${part.copy.state}`;
  return `${part.sourceId} → ${part.snapshotId ?? '(not started)'} (${part.state}; ${copy})`;
}

function backupFacts(id: string, byId: Map<string, Backup>, outageStartedAt: string): BackupFacts {
  const backup = byId.get(id);
  if (backup === undefined) {
    return { id, kind: '?', takenAt: '', phase: '?', drill: '?', parts: [], known: false };
  }
  const before = ms(outageStartedAt) - ms(backup.spec.scheduledFor);
  return {
    id,
    kind: backup.spec.kind,
    takenAt: backup.spec.scheduledFor,
    phase: backup.status.phase,
    drill: describeDrill(backup),
    parts: backup.status.parts.map(describePart),
    ageAtOutage:
      before >= 0
        ? `${formatDuration(before)} before the outage began`
        : `${formatDuration(-before)} after the outage began`,
    known: true,
  };
}

/**
 * The backup the site runs from now: the attempt whose task became the replacement (after a
 * walk-back that is not the first pick), else the recorded known-good backup.
 */
export function backupInUse(recovery: Recovery): string | undefined {
  const { status } = recovery;
  const replacement = status.replacement?.taskArn;
  const healthy = status.attempts.find(
    (a) => (replacement !== undefined && a.taskArn === replacement) || a.verdict === 'healthy',
  );
  return healthy?.backupId ?? status.knownGoodBackupId;
}

function explainChoice(recovery: Recovery, byId: Map<string, Backup>, backups: Backup[]): string[] {
  const why: string[] = [];
  const { spec, status } = recovery;
  const used = backupInUse(recovery);
  if (used === undefined) {
    why.push(
      spec.kind === 'promote'
        ? 'A promote launches from the sandbox, not from a backup.'
        : 'No backup was used (the recovery ended before one was picked).',
    );
    return why;
  }
  if (spec.kind === 'promote') {
    why.push(
      `A promote launches the final task from the sandbox as it is now: ${used} is the snapshot of the sandbox's volume taken when the promote began${spec.options.sourceRecoveryId === undefined ? '' : ` (the sandbox of recovery ${spec.options.sourceRecoveryId})`}.`,
    );
    return why;
  }
  if (spec.kind === 'drill') {
    why.push(
      `A restore drill proves a backup can be restored: this one restored ${used} into a throw-away task.`,
    );
    return why;
  }
  if (spec.options.backupId !== undefined) {
    why.push(`The operator asked for backup ${spec.options.backupId}.`);
  } else {
    const outage = ms(spec.trigger.outageStartedAt);
    const first = status.attempts[0]?.backupId ?? used;
    const firstDrilled = byId.get(first)?.status.drill?.verdict === 'passed';
    const restorable = backups.filter(
      (b) => RESTORABLE_KINDS.includes(b.spec.kind) && b.status.phase === 'Completed',
    );
    const before = `taken before the outage began (${formatTime(spec.trigger.outageStartedAt)})`;
    const lead = firstDrilled ? 'newest restore-proven backup' : 'newest completed backup';
    why.push(
      first === used
        ? `It is the ${lead} ${before}${firstDrilled ? ': a restore drill had already proved it' : ''}.`
        : `The first pick, ${first}, was the ${lead} ${before}.`,
    );
    const firstAt = byId.get(first)?.status.createdAt;
    const unproven = restorable.filter(
      (b) =>
        firstDrilled &&
        firstAt !== undefined &&
        ms(b.status.createdAt) < outage &&
        ms(b.status.createdAt) > ms(firstAt) &&
        b.status.drill?.verdict !== 'passed',
    );
    if (unproven.length > 0) {
      why.push(
        `Restore-proven backups go first: ${unproven.map((b) => b.id).join(', ')} ${unproven.length === 1 ? 'is' : 'are'} newer but never passed a drill.`,
      );
    }
    const newer = restorable.filter((b) => ms(b.status.createdAt) >= outage && b.id !== used);
    if (newer.length > 0) {
      why.push(
        `${newer.length} newer backup${newer.length === 1 ? ' was' : 's were'} taken after the outage began and not trusted: ${newer
          .map((b) => b.id)
          .join(', ')}.`,
      );
    }
  }
  const failed = status.attempts.filter((a) => a.verdict !== 'healthy');
  if (failed.length > 0) {
    const list = failed.map((a) => `${a.backupId} (${a.verdict})`).join(', ');
    why.push(
      `Walked back ${failed.length} time${failed.length === 1 ? '' : 's'}: ${list} did not pass the health gate, so the next older backup was tried.`,
    );
  } else if (status.attempts.length === 1) {
    why.push('Its replacement passed the health gate on the first attempt.');
  }
  why.push(...explainDatabase(recovery, used));
  return why;
}

/** Where the replacement's database came from, and what became of the databases walked past. */
function explainDatabase(recovery: Recovery, used: string): string[] {
  const databases = (recovery.status.databases ?? []).filter((d) => d.role === 'replacement');
  if (databases.length === 0) {
    const asked = recovery.spec.options.database;
    return asked === 'snapshot' || asked === 'point-in-time' ? ['No database was restored.'] : [];
  }
  const lines: string[] = [];
  const serving = databases.find((d) => d.backupId === used);
  if (serving !== undefined) {
    lines.push(
      serving.method === 'point-in-time'
        ? `Its database is ${serving.sourceId ?? 'the live database'} as it was at ${serving.restoreTime === undefined ? 'its latest restorable time' : formatTime(serving.restoreTime)}, just before the outage (RDS point-in-time restore ${serving.identifier}): minutes of data lost, not a night's.`
        : `Its database is the backup's own DB snapshot ${serving.snapshotId ?? '?'}, restored as ${serving.identifier}.`,
    );
    if (serving.fellBack !== undefined) {
      lines.push(`A point-in-time restore was not possible (${serving.fellBack}), so the snapshot was used.`);
    }
  }
  const stopped = databases.filter((d) => d.retiredAt !== undefined && d.retainUntil !== undefined);
  if (stopped.length > 0) {
    lines.push(
      `Stopped by the promote after a final snapshot: ${stopped.map((d) => `${d.identifier} (${d.finalSnapshotId ?? 'no final snapshot'}, kept until ${formatTime(d.retainUntil ?? '')})`).join(', ')}.`,
    );
  }
  const retired = databases.filter((d) => d.retiredAt !== undefined && d.retainUntil === undefined);
  if (retired.length > 0) {
    lines.push(
      `Deleted after a final snapshot: ${retired.map((d) => `${d.identifier} (backup ${d.backupId}${d.finalSnapshotId === undefined ? '' : `, ${d.finalSnapshotId}`})`).join(', ')}.`,
    );
  }
  return lines;
}

/** `arn:aws:ecs:…:task/blog/4dfe…` → `task/blog/4dfe…`: the account and region are the same everywhere. */
function shortenArn(value: string): string {
  const match = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:(.+)$/.exec(value);
  return match?.[1] ?? value;
}

function factsOf(entry: TimelineEntry): string[] {
  const detail = entry.detail ?? {};
  return Object.entries(detail)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k}=${shortenArn(String(v))}`)
    .slice(0, 4);
}

function timelineRows(entries: TimelineEntry[], originMs: number): TimelineRow[] {
  return [...entries]
    .sort((a, b) => ms(a.startedAt) - ms(b.startedAt))
    .map((entry) => {
      const startMs = ms(entry.startedAt) - originMs;
      const endMs = entry.endedAt === undefined ? undefined : ms(entry.endedAt) - originMs;
      return {
        step: entry.step,
        label: humaniseStep(entry.step),
        startMs,
        endMs,
        durationMs: endMs === undefined ? undefined : endMs - startMs,
        critical: entry.critical === true,
        outcome: entry.endedAt === undefined ? 'running' : (entry.outcome ?? 'ok'),
        startedAt: entry.startedAt,
        endedAt: entry.endedAt,
        facts: factsOf(entry),
      };
    });
}

function headlineOf(recovery: Recovery, alarmToDnsMs: number | undefined): string {
  const { spec, status } = recovery;
  const what = spec.kind === 'promote' ? 'Promote' : spec.kind === 'drill' ? 'Restore drill' : 'Recovery';
  if (spec.options.dryRun) return `${what} dry run of ${recovery.site}: nothing was changed.`;
  if (status.phase === 'Running') return `${what} of ${recovery.site} is still running.`;
  if (status.phase === 'Failed') {
    const dnsNote =
      status.dnsChange === undefined ? ' DNS was not touched.' : ` DNS points at ${status.dnsChange.value}.`;
    return `${what} of ${recovery.site} failed: ${status.failure?.error ?? 'unknown error'}.${dnsNote}`;
  }
  if (status.dnsChange !== undefined && alarmToDnsMs !== undefined) {
    const { recordName, value } = status.dnsChange;
    if (spec.kind === 'promote') {
      return `${recovery.site} is promoted: ${recordName} switched to ${value}, the final task from the sandbox, ${formatDuration(alarmToDnsMs)} after the promote began.`;
    }
    return `${recovery.site} is back: ${recordName} switched to ${value} ${formatDuration(alarmToDnsMs)} after the alarm.`;
  }
  if (spec.kind === 'drill' && status.drill !== undefined) {
    return `Restore drill of ${recovery.site}: backup ${status.knownGoodBackupId ?? status.attempts[0]?.backupId ?? '?'} ${drillVerdictShort(status.drill)}.`;
  }
  return `${what} of ${recovery.site} succeeded.`;
}

/**
 * Builds the report's content from a Recovery record and the site's backups (any order; the
 * ones the recovery used are looked up by id, the rest explain which were passed over).
 */
export function buildRecoveryReport(recovery: Recovery, backups: Backup[] = []): RecoveryReport {
  const { spec, status } = recovery;
  const byId = new Map(backups.map((b) => [b.id, b]));
  const starts = status.timeline.map((e) => ms(e.startedAt));
  const originMs = Math.min(ms(spec.trigger.receivedAt), ms(status.startedAt), ...starts);
  const timeline = timelineRows(status.timeline, originMs);

  const dns = status.dnsChange;
  const switchedAt = dns === undefined ? undefined : (dns.insyncAt ?? dns.submittedAt);
  const alarmToDnsMs = switchedAt === undefined ? undefined : ms(switchedAt) - ms(spec.trigger.receivedAt);
  const outageToDnsMs =
    switchedAt === undefined ? undefined : ms(switchedAt) - ms(spec.trigger.outageStartedAt);
  const critical = timeline.filter((r) => r.critical && r.durationMs !== undefined);
  const ends = timeline.map((r) => r.endMs).filter((e): e is number => e !== undefined);
  const firstStart = timeline[0]?.startMs;

  const markers = [
    {
      label: spec.kind === 'recovery' ? 'alarm received' : 'started',
      atMs: ms(spec.trigger.receivedAt) - originMs,
    },
  ];
  if (switchedAt !== undefined) markers.push({ label: 'DNS switched', atMs: ms(switchedAt) - originMs });

  const attempts = status.attempts.map((a) => ({ ...a, takenAt: byId.get(a.backupId)?.spec.scheduledFor }));
  const usedId = backupInUse(recovery);
  const what = spec.kind === 'promote' ? 'Promote' : spec.kind === 'drill' ? 'Restore drill' : 'Recovery';
  return {
    title: `${what} of ${recovery.site} — ${recovery.id}`,
    recoveryId: recovery.id,
    site: recovery.site,
    kind: spec.kind,
    phase: status.phase,
    dryRun: spec.options.dryRun,
    headline: headlineOf(recovery, alarmToDnsMs),
    trigger: spec.trigger,
    backup: {
      used: usedId === undefined ? undefined : backupFacts(usedId, byId, spec.trigger.outageStartedAt),
      why: explainChoice(recovery, byId, backups),
      attempts,
      brokenState:
        status.brokenStateBackupId === undefined
          ? undefined
          : backupFacts(status.brokenStateBackupId, byId, spec.trigger.outageStartedAt),
    },
    replacement: status.replacement,
    dns,
    sandbox: status.sandbox,
    changes:
      status.changes === undefined
        ? undefined
        : {
            discards: describeDiscarded(status.changes),
            losesSomething: wouldDiscard(status.changes),
            discarded: status.changes.discarded === true,
            fix:
              status.changes.fix === undefined
                ? undefined
                : `the fix ${describeVolumeChanges(status.changes.fix)}`,
            database: status.changes.databasePlan?.summary,
          },
    drill:
      status.drill === undefined
        ? undefined
        : { verdict: status.drill.verdict, lines: drillVerdictLines(status.drill) },
    failure: status.failure,
    signals: status.signals,
    origin: new Date(originMs).toISOString(),
    timeline,
    markers,
    durations: {
      alarmToDnsMs,
      outageToDnsMs,
      criticalPathMs:
        critical.length === 0 ? undefined : critical.reduce((s, r) => s + (r.durationMs ?? 0), 0),
      totalMs:
        firstStart === undefined || ends.length === 0
          ? undefined
          : Math.max(...ends) - Math.min(firstStart, 0),
    },
    startedAt: status.startedAt,
    executionArn: status.executionArn,
    endedAt: status.endedAt,
  };
}
