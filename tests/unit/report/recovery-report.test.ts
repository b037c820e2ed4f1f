import { buildRecoveryReport } from '../../../lib/report/recovery-report';
import { buildBackup } from '../../support/builders';
import { recordedRecovery } from '../../support/recorded-recoveries';

const recorded = () => recordedRecovery('walk-back');

describe('buildRecoveryReport', () => {
  it('measures alarm → DNS in sync and outage → DNS in sync', () => {
    const { recovery, backups } = recorded();

    const report = buildRecoveryReport(recovery, backups);

    // receivedAt 09:39:42.310 → insyncAt 09:44:21.880
    expect(report.durations.alarmToDnsMs).toBe(279_570);
    // outageStartedAt 09:39:00.000 → insyncAt 09:44:21.880
    expect(report.durations.outageToDnsMs).toBe(321_880);
    expect(report.headline).toBe(
      'blog is back: www.example.com switched to 54.210.33.17 4 min 40 s after the alarm.',
    );
  });

  it('explains the walk-back from the first pick to the backup used', () => {
    const { recovery, backups } = recorded();

    const report = buildRecoveryReport(recovery, backups);

    expect(report.backup.used).toMatchObject({
      id: '20261122t020000z-scheduled',
      known: true,
      ageAtOutage: '31 h 39 min before the outage began',
    });
    expect(report.backup.used?.drill).toBe('never restored in a drill');
    expect(report.backup.why[0]).toBe(
      'The first pick, 20261123t020000z-scheduled, was the newest completed backup taken before the outage began (2026-11-23 09:39:00 UTC).',
    );
    expect(report.backup.why.join(' ')).toContain(
      'Walked back 1 time: 20261123t020000z-scheduled (unhealthy) did not pass the health gate',
    );
    expect(report.backup.attempts.map((a) => [a.backupId, a.verdict, a.takenAt])).toEqual([
      ['20261123t020000z-scheduled', 'unhealthy', '2026-11-23T02:00:00.000Z'],
      ['20261122t020000z-scheduled', 'healthy', '2026-11-22T02:00:00.000Z'],
    ]);
  });

  it('says a restore drill proved the backup, and which newer ones were passed over for it', () => {
    const { recovery, backups } = recorded();
    const proven = backups.find((b) => b.id === '20261122t020000z-scheduled');
    if (proven !== undefined) {
      proven.status.drill = { verdict: 'passed', at: '2026-11-22T04:06:30.000Z', detail: 'HTTP 200 in 41 s' };
    }
    recovery.status.attempts = recovery.status.attempts.slice(1);

    const report = buildRecoveryReport(recovery, backups);

    expect(report.backup.used?.drill).toBe('passed on 2026-11-22 04:06:30 UTC (HTTP 200 in 41 s)');
    expect(report.backup.why).toEqual([
      'It is the newest restore-proven backup taken before the outage began (2026-11-23 09:39:00 UTC): a restore drill had already proved it.',
      'Restore-proven backups go first: 20261123t020000z-scheduled is newer but never passed a drill.',
      'Its replacement passed the health gate on the first attempt.',
    ]);
  });

  it('names backups taken after the outage began as not trusted', () => {
    const { recovery, backups } = recorded();
    const afterOutage = buildBackup({ kind: 'manual', at: '2026-11-23T09:39:30Z', phase: 'Completed' });

    const report = buildRecoveryReport(recovery, [...backups, afterOutage]);

    expect(report.backup.why).toContain(
      '1 newer backup was taken after the outage began and not trusted: 20261123t093930z-manual.',
    );
  });

  it('says so when the operator picked the backup', () => {
    const { recovery, backups } = recorded();
    recovery.spec.options.backupId = '20261122t020000z-scheduled';

    const report = buildRecoveryReport(recovery, backups);

    expect(report.backup.why[0]).toBe('The operator asked for backup 20261122t020000z-scheduled.');
  });

  it('lays out the timeline from the alarm, in start order, with the critical steps marked', () => {
    const { recovery, backups } = recorded();
    recovery.status.timeline.reverse();

    const report = buildRecoveryReport(recovery, backups);

    expect(report.origin).toBe('2026-11-23T09:39:42.310Z');
    expect(report.timeline[0]).toMatchObject({ label: 'Begin', startMs: 590, durationMs: 520 });
    expect(report.timeline.filter((r) => r.critical).map((r) => r.label)).toEqual([
      'Launch replacement',
      'Health gate replacement',
      'Launch replacement',
      'Health gate replacement',
      'Switch DNS site',
      'DNS in sync site',
    ]);
    expect(report.timeline.find((r) => r.outcome === 'failed')).toMatchObject({
      label: 'Health gate replacement',
      facts: ['attempt=1', 'lastStatus=500'],
    });
    expect(report.markers).toEqual([
      { label: 'alarm received', atMs: 0 },
      { label: 'DNS switched', atMs: 279_570 },
    ]);
  });

  it('reports a failed recovery that never touched DNS, and a step still running', () => {
    const { recovery, backups } = recorded();
    recovery.status.phase = 'Failed';
    recovery.status.dnsChange = undefined;
    recovery.status.failure = { error: 'HealthGateFailedError', cause: 'no backup passed the health gate' };
    const last = recovery.status.timeline.at(-1);
    if (last !== undefined) last.endedAt = undefined;

    const report = buildRecoveryReport(recovery, backups);

    expect(report.headline).toBe('Recovery of blog failed: HealthGateFailedError. DNS was not touched.');
    expect(report.durations.alarmToDnsMs).toBeUndefined();
    expect(report.markers).toHaveLength(1);
    expect(report.timeline.at(-1)).toMatchObject({ outcome: 'running', durationMs: undefined });
  });

  it('still reports a backup whose record is gone', () => {
    const { recovery } = recorded();

    const report = buildRecoveryReport(recovery, []);

    expect(report.backup.used).toMatchObject({ id: '20261122t020000z-scheduled', known: false });
  });
});

describe('buildRecoveryReport for a promote', () => {
  it('explains the sandbox snapshot it launched from and says promoted, not back', () => {
    const { recovery, backups } = recorded();
    recovery.spec.kind = 'promote';
    recovery.spec.options.sourceRecoveryId = '20261123t093900z-5f2c81a0';
    recovery.status.attempts = [];
    recovery.status.knownGoodBackupId = '20261123t110000z-pre-promote';

    const report = buildRecoveryReport(recovery, backups);

    expect(report.title).toBe('Promote of blog — 20261123t093900z-5f2c81a0');
    expect(report.headline).toMatch(
      /^blog is promoted: www\.example\.com switched to 54\.210\.33\.17, the final task/,
    );
    expect(report.backup.why).toEqual([
      "A promote launches the final task from the sandbox as it is now: 20261123t110000z-pre-promote is the snapshot of the sandbox's volume taken when the promote began (the sandbox of recovery 20261123t093900z-5f2c81a0).",
    ]);
    expect(report.markers[0]?.label).toBe('started');
  });
});
