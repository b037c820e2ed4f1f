import type { BackupKind, BackupPhase } from '../../../lib/backup/model';
import { catalogKeys } from '../../../lib/catalog/keys';
import { NoKnownGoodBackupError } from '../../../lib/errors';
import { findCandidates, pickKnownGood, rankCandidates } from '../../../lib/recovery/pick-known-good';
import { buildBackup, buildRecovery, buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { fakePorts } from './support/fake-ports';

function backup(
  at: string,
  options: { kind?: BackupKind; phase?: BackupPhase; drill?: 'passed' | 'failed'; snapshot?: boolean } = {},
) {
  const b = buildBackup({
    at,
    kind: options.kind ?? 'scheduled',
    phase: options.phase ?? 'Completed',
    parts: [
      {
        kind: 'ebs-volume',
        sourceId: 'vol-1',
        snapshotId: options.snapshot === false ? undefined : `snap-${at.slice(8, 10)}`,
        state: options.snapshot === false ? 'failed' : 'completed',
        copy: { region: 'us-west-2', state: 'completed' },
      },
    ],
  });
  if (options.drill !== undefined) b.status.drill = { verdict: options.drill, at, detail: '' };
  return b;
}

const before = new Date('2026-11-22T09:39:00Z');

describe('rankCandidates', () => {
  it.each([
    {
      name: 'newest first, only completed restorable backups taken before the outage',
      backups: [
        backup('2026-11-20T02:00:00Z'),
        backup('2026-11-22T02:00:00Z'),
        backup('2026-11-22T10:00:00Z'), // after the outage began
        backup('2026-11-21T02:00:00Z', { phase: 'Copying' }),
        backup('2026-11-21T03:00:00Z', { kind: 'broken-state' }),
        backup('2026-11-19T02:00:00Z', { snapshot: false }),
      ],
      preferDrilled: true,
      expected: ['20261122t020000z-scheduled', '20261120t020000z-scheduled'],
    },
    {
      name: 'drilled ones first, a failed drill last',
      backups: [
        backup('2026-11-22T02:00:00Z', { drill: 'failed' }),
        backup('2026-11-21T02:00:00Z'),
        backup('2026-11-20T02:00:00Z', { drill: 'passed' }),
      ],
      preferDrilled: true,
      expected: ['20261120t020000z-scheduled', '20261121t020000z-scheduled', '20261122t020000z-scheduled'],
    },
    {
      name: 'newest first regardless of drills when not preferring them (the drill picks the newest)',
      backups: [backup('2026-11-20T02:00:00Z', { drill: 'passed' }), backup('2026-11-21T02:00:00Z')],
      preferDrilled: false,
      expected: ['20261121t020000z-scheduled', '20261120t020000z-scheduled'],
    },
    {
      name: 'manual and pre-promote backups count as known-good',
      backups: [
        backup('2026-11-21T02:00:00Z', { kind: 'manual' }),
        backup('2026-11-22T02:00:00Z', { kind: 'pre-promote' }),
      ],
      preferDrilled: true,
      expected: ['20261122t020000z-pre-promote', '20261121t020000z-manual'],
    },
  ])('$name', ({ backups, preferDrilled, expected }) => {
    const ranked = rankCandidates(backups, { before, limit: 5, preferDrilled }, 'wp-content');

    expect(ranked.map((c) => c.backupId)).toEqual(expected);
  });

  it('keeps at most `limit` candidates (the first plus maxWalkBack)', () => {
    const backups = ['18', '19', '20', '21', '22'].map((d) => backup(`2026-11-${d}T02:00:00Z`));

    expect(rankCandidates(backups, { before, limit: 3, preferDrilled: true }, 'wp-content')).toHaveLength(3);
  });
});

describe('findCandidates', () => {
  const site = buildSite();

  it('raises NoKnownGoodBackupError when nothing qualifies', async () => {
    const { ports, catalog } = fakePorts();
    await catalog.createBackup(backup('2026-11-22T10:00:00Z'));

    await expect(
      findCandidates(ports, site, { before, limit: 3, preferDrilled: true }),
    ).rejects.toBeInstanceOf(NoKnownGoodBackupError);
  });

  it('uses only the backup the operator named, and refuses one that is not completed', async () => {
    const { ports, catalog } = fakePorts();
    const named = backup('2026-11-20T02:00:00Z');
    const copying = backup('2026-11-21T02:00:00Z', { phase: 'Copying' });
    await catalog.createBackup(named);
    await catalog.createBackup(backup('2026-11-22T02:00:00Z'));
    await catalog.createBackup(copying);

    const queue = await findCandidates(ports, site, {
      before,
      backupId: named.id,
      limit: 3,
      preferDrilled: true,
    });

    expect(queue).toEqual({
      next: expect.objectContaining({ backupId: named.id, snapshotId: 'snap-20' }),
      rest: [],
    });
    await expect(
      findCandidates(ports, site, { before, backupId: copying.id, limit: 3, preferDrilled: true }),
    ).rejects.toThrow(/is Copying without a usable volume snapshot/);
  });

  it('skips an unreadable backup record, names it on the run and still picks from the readable ones', async () => {
    const { ports, catalog, store } = fakePorts();
    const recovery = buildRecovery();
    await catalog.createRecovery(recovery);
    await catalog.createBackup(backup('2026-11-20T02:00:00Z'));
    const corrupt = backup('2026-11-22T02:00:00Z');
    const key = catalogKeys.backup('blog', corrupt.id);
    store.objects.set(key, { body: '{"apiVersion": "lifeboat/v1"', etag: '"x"' });

    const queue = await pickKnownGood(ports, new FakeClock('2026-11-22T09:40:00Z'), site, recovery.id, {
      before,
      limit: 3,
      preferDrilled: true,
    });

    expect(queue).toEqual({
      next: expect.objectContaining({ backupId: '20261120t020000z-scheduled' }),
      rest: [],
    });
    const run = await catalog.getRecovery('blog', recovery.id);
    expect(run?.status.timeline.find((t) => t.step === 'pick-known-good')?.detail).toMatchObject({
      backupId: '20261120t020000z-scheduled',
      unreadable: [key],
    });
  });

  it('names the unreadable records when nothing readable qualifies', async () => {
    const { ports, store } = fakePorts();
    const key = catalogKeys.backup('blog', backup('2026-11-22T02:00:00Z').id);
    store.objects.set(key, { body: 'garbage', etag: '"x"' });

    await expect(
      findCandidates(ports, site, { before, limit: 3, preferDrilled: true }),
    ).rejects.toMatchObject({
      name: 'NoKnownGoodBackupError',
      context: { unreadable: [key] },
    });
  });
});
