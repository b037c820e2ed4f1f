import type { BackupPart } from '../../../lib/backup/model';
import { NoKnownGoodBackupError, SnapshotMismatchError } from '../../../lib/errors';
import { taskVolumePartOf, toCandidate } from '../../../lib/recovery/candidates';
import { launchTask } from '../../../lib/recovery/launch-task';
import { findCandidates, pickKnownGood } from '../../../lib/recovery/pick-known-good';
import { buildBackup, buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { type Fakes, fakePorts, runningRecovery } from './support/fake-ports';

const site = buildSite();
const clock = new FakeClock('2026-11-22T09:40:00Z');
const before = new Date('2026-11-22T09:39:00Z');

function part(sourceId: string, snapshotId: string, taskVolume?: string): BackupPart {
  return {
    kind: 'ebs-volume',
    sourceId,
    snapshotId,
    ...(taskVolume === undefined ? {} : { taskVolume }),
    state: 'completed',
    copy: { region: 'us-west-2', state: 'completed' },
  };
}

describe('the part a recovery launches the task volume from', () => {
  it('is the part recorded for the task volume, whatever the order of the volume ids', () => {
    const backup = buildBackup({
      at: '2026-11-22T02:00:00Z',
      parts: [part('vol-0001', 'snap-sandbox'), part('vol-0009', 'snap-site', site.run.volumeName)],
    });

    expect(taskVolumePartOf(backup, site.run.volumeName)?.snapshotId).toBe('snap-site');
    expect(toCandidate(backup, site.run.volumeName)?.snapshotId).toBe('snap-site');
  });

  it('is the only volume part of a record made before parts named their task volume', () => {
    const backup = buildBackup({ at: '2026-11-22T02:00:00Z', parts: [part('vol-0001', 'snap-1')] });

    expect(toCandidate(backup, site.run.volumeName)?.snapshotId).toBe('snap-1');
  });

  it('is none of several unnamed parts: never the first by order', () => {
    const backup = buildBackup({
      at: '2026-11-22T02:00:00Z',
      parts: [part('vol-0001', 'snap-1'), part('vol-0002', 'snap-2')],
    });

    expect(toCandidate(backup, site.run.volumeName)).toBeUndefined();
  });
});

describe('recovery checks every snapshot in AWS before it is launched', () => {
  let fakes: Fakes;
  const recovery = runningRecovery(site.name);
  const newer = buildBackup({
    at: '2026-11-22T02:00:00Z',
    phase: 'Completed',
    parts: [part('vol-1', 'snap-tampered')],
  });
  const older = buildBackup({
    at: '2026-11-21T02:00:00Z',
    phase: 'Completed',
    parts: [part('vol-1', 'snap-good')],
  });
  const request = { before, limit: 3, preferDrilled: true };

  beforeEach(async () => {
    fakes = fakePorts();
    await fakes.catalog.createRecovery(recovery);
    await fakes.catalog.createBackup(newer);
    await fakes.catalog.createBackup(older);
  });

  it('skips a candidate AWS refuses, names it, and offers the next one that checks out', async () => {
    fakes.trust.refuse('snap-tampered');

    const found = await findCandidates(fakes.ports, site, request);

    expect(found.next?.backupId).toBe(older.id);
    expect(found.rest).toEqual([]);
    expect(found.refused).toEqual([
      { backupId: newer.id, snapshotId: 'snap-tampered', reason: expect.stringContaining('snap-tampered') },
    ]);
  });

  it('records the skipped candidate on the run when it picks', async () => {
    fakes.trust.refuse('snap-tampered');

    await pickKnownGood(fakes.ports, clock, site, recovery.id, request);

    const recorded = await fakes.catalog.getRecovery(site.name, recovery.id);
    expect(recorded?.status.timeline).toContainEqual(
      expect.objectContaining({
        step: 'verify-snapshot',
        outcome: 'failed',
        detail: expect.objectContaining({
          backupId: newer.id,
          snapshotId: 'snap-tampered',
          action: 'launch',
        }),
      }),
    );
    expect(recorded?.status.knownGoodBackupId).toBe(older.id);
  });

  it('has no known-good backup when AWS refuses every candidate, and says why', async () => {
    fakes.trust.refuse('snap-tampered');
    fakes.trust.refuse('snap-good');

    await expect(findCandidates(fakes.ports, site, request)).rejects.toThrow(NoKnownGoodBackupError);
    await expect(findCandidates(fakes.ports, site, request)).rejects.toThrow(/2 refused by the check in AWS/);
  });

  it('refuses a backup the operator named when AWS refuses its snapshot', async () => {
    fakes.trust.refuse('snap-tampered');

    await expect(findCandidates(fakes.ports, site, { ...request, backupId: newer.id })).rejects.toThrow(
      SnapshotMismatchError,
    );
  });

  it('never runs a task from a snapshot AWS refuses at launch, and records why', async () => {
    fakes.trust.refuse('snap-tampered');
    const candidate = { backupId: newer.id, snapshotId: 'snap-tampered', takenAt: '', drilled: false };

    await expect(launchTask(fakes.ports, clock, site, recovery.id, 'replacement', candidate)).rejects.toThrow(
      SnapshotMismatchError,
    );

    expect(fakes.tasks.runs).toEqual([]);
    const recorded = await fakes.catalog.getRecovery(site.name, recovery.id);
    expect(recorded?.status.timeline).toContainEqual(
      expect.objectContaining({
        step: 'verify-snapshot',
        outcome: 'failed',
        detail: expect.objectContaining({ snapshotId: 'snap-tampered', role: 'replacement' }),
      }),
    );
  });

  it('launches after the check, with the stage on the task and its volume', async () => {
    const candidate = { backupId: older.id, snapshotId: 'snap-good', takenAt: '', drilled: false };

    await launchTask(fakes.ports, clock, site, recovery.id, 'replacement', candidate);

    expect(fakes.trust.checked).toEqual([{ snapshotId: 'snap-good', backupId: older.id, action: 'launch' }]);
    expect(fakes.tasks.runs[0]?.tags['lifeboat:stage']).toBe('test');
    expect(fakes.tasks.runs[0]?.volume.tags['lifeboat:stage']).toBe('test');
  });
});
