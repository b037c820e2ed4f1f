import { advanceBackup } from '../../../lib/backup/advance-backup';
import type { RequestPacer } from '../../../lib/backup/pacer';
import { startBackup } from '../../../lib/backup/start-backup';
import { AwsCallError, ThrottledError } from '../../../lib/errors';
import { buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { FAKE_STAGE, FakeWorld } from './fake-ports';

const at = new Date('2026-11-22T02:00:00Z');
const PRIMARY = 'us-east-1';
const DR = 'us-west-2';

function setup(
  options: { volumes?: number; database?: boolean; encryptedDb?: boolean; drKmsKeyId?: string } = {},
) {
  const world = new FakeWorld();
  const clock = new FakeClock(at);
  for (let i = 1; i <= (options.volumes ?? 1); i++) {
    world
      .ebs(PRIMARY)
      .addVolume(`vol-${String(i).padStart(8, '0')}`, { 'lifeboat:site': 'blog', Name: `wp-${i}` });
  }
  if (options.database ?? true)
    world.rds(PRIMARY).addDatabase('blog-db', 'rds-instance', options.encryptedDb ?? false);
  const site = buildSite({
    protect: {
      volumes: { tags: { 'lifeboat:site': 'blog' } },
      ...((options.database ?? true) ? { database: { instance: 'blog-db' } } : {}),
      ...(options.drKmsKeyId === undefined ? {} : { drKmsKeyId: options.drKmsKeyId }),
    },
  });
  return { world, clock, site, ports: world.ports() };
}

/** A region budget of `tokens` requests that refills only when told (no clock, no waiting). */
function tokenBudget(tokens: number): RequestPacer & { refill(n: number): void; asked: number[] } {
  let left = tokens;
  const asked: number[] = [];
  return {
    asked,
    refill: (n) => {
      left += n;
    },
    acquire: async (_region, _bucket, want) => {
      asked.push(want);
      const granted = Math.min(want, left);
      left -= granted;
      return granted;
    },
  };
}

const throttled = () => new ThrottledError('EC2 CreateSnapshot throttled by AWS (RequestLimitExceeded)');

describe('startBackup', () => {
  it('records one part per volume and the database, and starts every snapshot tagged', async () => {
    const { world, clock, site, ports } = setup({ volumes: 2 });

    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });

    expect(backup.status.phase).toBe('Pending');
    expect(backup.status.parts.map((p) => [p.kind, p.sourceId, p.state, p.snapshotId !== undefined])).toEqual(
      [
        ['ebs-volume', 'vol-00000001', 'pending', true],
        ['ebs-volume', 'vol-00000002', 'pending', true],
        ['rds-instance', 'blog-db', 'pending', true],
      ],
    );
    const [snapshot] = world.ebs(PRIMARY).snapshots.values();
    expect(snapshot?.tags).toEqual({
      'lifeboat:site': 'blog',
      'lifeboat:backup-id': '20261122t020000z-scheduled',
      'lifeboat:kind': 'scheduled',
      'lifeboat:managed': 'true',
      'lifeboat:stage': FAKE_STAGE,
      Name: 'wp-1',
    });
    expect([...world.rds(PRIMARY).snapshots.keys()]).toEqual(['lifeboat-blog-20261122t020000z-scheduled']);
  });

  it('returns the same backup and starts nothing more when the same request comes again', async () => {
    const { world, clock, site, ports } = setup();

    const first = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    const second = await startBackup(ports, clock, { site, kind: 'scheduled', at });

    expect(second.id).toBe(first.id);
    expect(world.ebs(PRIMARY).snapshots.size).toBe(1);
    expect(world.ebs(PRIMARY).calls.filter((c) => c === 'createSnapshot')).toHaveLength(1);
  });

  it('keeps broken-state captures in the primary region', async () => {
    const { world, clock, site, ports } = setup();

    const backup = await startBackup(ports, clock, { site, kind: 'broken-state', at });
    world.ebs(PRIMARY).complete();
    world.rds(PRIMARY).complete();
    const done = await advanceBackup(ports, clock, site, backup.id);

    expect(backup.spec.copyToDr).toBe(false);
    expect(done.status.phase).toBe('Completed');
    expect(done.status.parts.map((p) => p.copy.state)).toEqual(['skipped', 'skipped']);
    expect(world.ebs(DR).snapshots.size).toBe(0);
  });

  it('fails the backup with a reason when the site has nothing to back up', async () => {
    const { clock, site, ports } = setup({ volumes: 0, database: false });

    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });

    expect(backup.status.phase).toBe('Failed');
    expect(backup.status.failureReason).toMatch(/nothing to back up/);
  });

  it('records a database missing from the region as a failed part, and still backs up the volumes', async () => {
    const { world, clock, ports } = setup({ database: false });
    const site = buildSite({
      protect: { volumes: { tags: { 'lifeboat:site': 'blog' } }, database: { instance: 'gone-db' } },
    });

    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    world.ebs(PRIMARY).complete();
    await advanceBackup(ports, clock, site, backup.id);
    world.ebs(DR).complete();
    const done = await advanceBackup(ports, clock, site, backup.id);

    expect(done.status.phase).toBe('PartiallyFailed');
    expect(done.status.failureReason).toContain(
      'gone-db: snapshot failed: database gone-db does not exist in us-east-1',
    );
  });
});

describe('advanceBackup', () => {
  it('stays Pending while snapshots are pending, then copies, then completes', async () => {
    const { world, clock, site, ports } = setup();
    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });

    const stillPending = await advanceBackup(ports, clock, site, backup.id);
    world.ebs(PRIMARY).complete();
    world.rds(PRIMARY).complete();
    const copying = await advanceBackup(ports, clock, site, backup.id);
    const copyingAgain = await advanceBackup(ports, clock, site, backup.id);
    world.ebs(DR).complete();
    world.rds(DR).complete();
    const done = await advanceBackup(ports, clock, site, backup.id);

    expect(stillPending.status.phase).toBe('Pending');
    expect(copying.status.phase).toBe('Copying');
    expect(copying.status.parts.map((p) => p.copy.state)).toEqual(['pending', 'pending']);
    expect(copyingAgain.status.parts.map((p) => p.copy.snapshotId)).toEqual(
      copying.status.parts.map((p) => p.copy.snapshotId),
    );
    expect(world.ebs(DR).snapshots.size).toBe(1);
    expect(done.status.phase).toBe('Completed');
    expect(world.finished.map((b) => b.status.phase)).toEqual(['Completed']);
    expect(await world.catalog.openBackupIds('blog')).toEqual([]);
  });

  it('backs up an Aurora cluster with cluster snapshots and copies them', async () => {
    const world = new FakeWorld();
    const clock = new FakeClock(at);
    world.rds(PRIMARY).addDatabase('blog-aurora', 'rds-cluster');
    const site = buildSite({
      protect: { volumes: { ids: ['vol-0000000f'] }, database: { cluster: 'blog-aurora' } },
    });
    const ports = world.ports();

    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    world.rds(PRIMARY).complete();
    await advanceBackup(ports, clock, site, backup.id);
    world.rds(DR).complete();
    const done = await advanceBackup(ports, clock, site, backup.id);

    expect(done.status.parts).toEqual([
      expect.objectContaining({ kind: 'rds-cluster', sourceId: 'blog-aurora', state: 'completed' }),
    ]);
    expect(done.status.phase).toBe('Completed');
    expect(world.rds(DR).snapshots.get('lifeboat-blog-20261122t020000z-scheduled')?.kind).toBe('rds-cluster');
  });

  it('tags DR copies with their source and uses the DR KMS key for encrypted sources', async () => {
    const { world, clock, ports } = setup({ encryptedDb: true, drKmsKeyId: 'alias/lifeboat-dr' });
    const site = buildSite({
      protect: {
        volumes: { tags: { 'lifeboat:site': 'blog' } },
        database: { instance: 'blog-db' },
        drKmsKeyId: 'alias/lifeboat-dr',
      },
    });
    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    world.ebs(PRIMARY).complete();
    world.rds(PRIMARY).complete();

    await advanceBackup(ports, clock, site, backup.id);

    const [copy] = world.ebs(DR).snapshots.values();
    const [source] = world.ebs(PRIMARY).snapshots.values();
    expect(copy?.tags['lifeboat:source-snapshot']).toBe(source?.snapshotId);
    expect(world.rds(DR).snapshots.get('lifeboat-blog-20261122t020000z-scheduled')?.encrypted).toBe(true);
  });

  it('fails the copy of an encrypted database with a clear reason when no DR key is configured', async () => {
    const { world, clock, site, ports } = setup({ encryptedDb: true });
    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    world.ebs(PRIMARY).complete();
    world.rds(PRIMARY).complete();
    await advanceBackup(ports, clock, site, backup.id);
    world.ebs(DR).complete();

    const done = await advanceBackup(ports, clock, site, backup.id);

    expect(done.status.phase).toBe('PartiallyFailed');
    expect(done.status.failureReason).toContain('set protect.drKmsKeyId');
  });

  it('records a failed snapshot with AWS cause and ends PartiallyFailed', async () => {
    const { world, clock, site, ports } = setup();
    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    const [snapshot] = world.ebs(PRIMARY).snapshots.values();
    world.ebs(PRIMARY).complete(snapshot?.snapshotId, 'error', 'volume is in an error state');
    world.rds(PRIMARY).complete();
    await advanceBackup(ports, clock, site, backup.id);
    world.rds(DR).complete();

    const done = await advanceBackup(ports, clock, site, backup.id);

    expect(done.status.phase).toBe('PartiallyFailed');
    expect(done.status.parts[0]).toMatchObject({ state: 'failed', error: 'volume is in an error state' });
    expect(done.status.parts[0]?.copy.state).toBe('skipped');
    expect(done.status.failureReason).toContain('vol-00000001: snapshot failed: volume is in an error state');
  });

  it('ends Failed when no part is usable', async () => {
    const { world, clock, site, ports } = setup();
    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    world.ebs(PRIMARY).complete(undefined, 'error', 'boom');
    world.rds(PRIMARY).complete(undefined, 'failed');

    const done = await advanceBackup(ports, clock, site, backup.id);

    expect(done.status.phase).toBe('Failed');
    expect(world.finished.map((b) => b.status.phase)).toEqual(['Failed']);
  });

  it('leaves a throttled snapshot start for the next call instead of failing it', async () => {
    const { world, clock, site, ports } = setup({ database: false, volumes: 2 });
    world.ebs(PRIMARY).failNext('createSnapshot', throttled);

    const first = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    const second = await advanceBackup(ports, clock, site, first.id);

    expect(first.status.parts.map((p) => [p.state, p.snapshotId === undefined])).toEqual([
      ['pending', true],
      ['pending', false],
    ]);
    expect(first.status.phase).toBe('Pending');
    expect(second.status.parts.every((p) => p.snapshotId !== undefined && p.state === 'pending')).toBe(true);
    expect(world.ebs(PRIMARY).snapshots.size).toBe(2);
  });

  it('leaves a throttled or quota-limited copy waiting, not failed', async () => {
    const { world, clock, site, ports } = setup({ database: false });
    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    world.ebs(PRIMARY).complete();
    world
      .ebs(DR)
      .failNext(
        'copySnapshotFrom',
        () => new ThrottledError('EC2 CopySnapshot: concurrent copy limit reached'),
      );

    const waiting = await advanceBackup(ports, clock, site, backup.id);
    const copying = await advanceBackup(ports, clock, site, backup.id);

    expect(waiting.status.phase).toBe('Copying');
    expect(waiting.status.parts[0]?.copy.state).toBe('waiting');
    expect(copying.status.parts[0]?.copy.state).toBe('pending');
  });

  it('ends a throttled step normally, leaving the work for the next call', async () => {
    const { world, clock, site, ports } = setup({ database: false });
    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    world.ebs(PRIMARY).complete();
    world.ebs(PRIMARY).failNext('findSnapshots', throttled);

    const throttledStep = await advanceBackup(ports, clock, site, backup.id);
    const next = await advanceBackup(ports, clock, site, backup.id);

    expect(throttledStep.status.parts[0]?.state).toBe('pending');
    expect(next.status.parts[0]?.state).toBe('completed');
  });

  it('fails a part whose start AWS refuses, with AWS words', async () => {
    const { world, clock, site, ports } = setup({ database: false });
    world
      .ebs(PRIMARY)
      .failNext(
        'createSnapshot',
        () => new AwsCallError('EC2 CreateSnapshot failed: IncorrectState: volume is being deleted'),
      );

    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });

    expect(backup.status.phase).toBe('Failed');
    expect(backup.status.failureReason).toContain('IncorrectState');
  });

  it('starts no more than 20 EBS copies into a region that already has copies in flight', async () => {
    const { world, clock, site, ports } = setup({ database: false, volumes: 25 });
    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at }, { maxStartsPerCall: 50 });
    for (let i = 0; i < 3; i++) {
      await world.ebs(DR).copySnapshotFrom({
        sourceRegion: PRIMARY,
        sourceSnapshotId: `snap-other-${i}`,
        description: 'another site',
        tags: { 'lifeboat:source-snapshot': `snap-other-${i}` },
      });
    }
    world.ebs(PRIMARY).complete();

    const first = await advanceBackup(ports, clock, site, backup.id, { maxStartsPerCall: 50 });
    world.ebs(DR).complete();
    const second = await advanceBackup(ports, clock, site, backup.id, { maxStartsPerCall: 50 });

    expect(first.status.parts.filter((p) => p.copy.state === 'pending')).toHaveLength(17);
    expect(first.status.parts.filter((p) => p.copy.state === 'waiting')).toHaveLength(8);
    expect(second.status.parts.filter((p) => p.copy.state === 'pending')).toHaveLength(8);
  });

  it('starts no more RDS copies than the configured limit', async () => {
    const { world, clock, site, ports } = setup({ database: true, volumes: 0 });
    for (let i = 0; i < 5; i++) {
      await world.rds(DR).copySnapshotFrom({
        kind: 'rds-instance',
        sourceRegion: PRIMARY,
        sourceArn: `arn:aws:rds:${PRIMARY}:123456789012:snapshot:lifeboat-other-2026112${i}t020000z-scheduled`,
        targetIdentifier: `lifeboat-other-2026112${i}t020000z-scheduled`,
        tags: { 'lifeboat:source-snapshot': 'x' },
      });
    }
    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    world.rds(PRIMARY).complete();

    const blocked = await advanceBackup(ports, clock, site, backup.id);
    const allowed = await advanceBackup(ports, clock, site, backup.id, { rdsCopiesInFlight: 6 });

    expect(blocked.status.parts[0]?.copy.state).toBe('waiting');
    expect(allowed.status.parts[0]?.copy.state).toBe('pending');
  });

  it("starts a backup's snapshots in rounds of maxStartsPerCall while the budget grants them", async () => {
    const { world, clock, site, ports } = setup({ database: false, volumes: 5 });

    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at }, { maxStartsPerCall: 2 });

    expect(backup.status.parts.every((p) => p.snapshotId !== undefined)).toBe(true);
    expect(world.ebs(PRIMARY).calls.filter((c) => c === 'createSnapshot')).toHaveLength(5);
  });

  it('leaves the snapshots the budget does not grant to later calls', async () => {
    const { world, clock, site, ports } = setup({ database: false, volumes: 5 });
    const budget = tokenBudget(3);
    const paced = { ...ports, pacer: budget };

    const first = await startBackup(paced, clock, { site, kind: 'scheduled', at }, { maxStartsPerCall: 2 });
    budget.refill(1);
    const second = await advanceBackup(paced, clock, site, first.id, { maxStartsPerCall: 2 });
    budget.refill(5);
    const third = await advanceBackup(paced, clock, site, first.id, { maxStartsPerCall: 2 });

    const started = (b: typeof first) => b.status.parts.filter((p) => p.snapshotId !== undefined).length;
    expect([started(first), started(second), started(third)]).toEqual([3, 4, 5]);
    expect(first.status.parts.filter((p) => p.startedAt !== undefined)).toHaveLength(3);
    expect(world.ebs(PRIMARY).snapshots.size).toBe(5);
  });

  it('starts no further round once the budget refused a start of the first', async () => {
    const { clock, site, ports } = setup({ database: false, volumes: 5 });
    const budget = tokenBudget(1);
    const paced = { ...ports, pacer: budget };

    const first = await startBackup(paced, clock, { site, kind: 'scheduled', at }, { maxStartsPerCall: 2 });

    expect(first.status.parts.filter((p) => p.snapshotId !== undefined)).toHaveLength(1);
    expect(budget.asked).toEqual([2]);
  });

  it('starts each snapshot once when events and the sweeper advance the same backup at once', async () => {
    const { world, clock, site, ports } = setup({ volumes: 3 });
    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    world.ebs(PRIMARY).complete();
    world.rds(PRIMARY).complete();

    await Promise.all(Array.from({ length: 5 }, () => advanceBackup(ports, clock, site, backup.id)));

    expect(world.ebs(DR).snapshots.size).toBe(3);
    expect(world.rds(DR).calls.filter((c) => c === 'copySnapshotFrom')).toHaveLength(1);
  });

  it('starts each snapshot once when concurrent calls claim it in further rounds', async () => {
    const { world, clock, site, ports } = setup({ volumes: 7, database: false });
    const refused = { ...ports, pacer: tokenBudget(0) };
    const backup = await startBackup(refused, clock, { site, kind: 'scheduled', at });

    await Promise.all(
      Array.from({ length: 4 }, () => advanceBackup(ports, clock, site, backup.id, { maxStartsPerCall: 2 })),
    );

    expect(world.ebs(PRIMARY).calls.filter((c) => c === 'createSnapshot')).toHaveLength(7);
  });

  it('finds by tag a snapshot started by a caller that crashed before recording it', async () => {
    const { world, clock, site, ports } = setup({ database: false });
    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    // Simulate the crash: forget the snapshot id the catalog recorded.
    await world.catalog.updateBackup('blog', backup.id, (b) => {
      const part = b.status.parts[0];
      if (part !== undefined) part.snapshotId = undefined;
      return b;
    });
    clock.advance(15 * 60_000);

    const healed = await advanceBackup(ports, clock, site, backup.id);

    expect(healed.status.parts[0]?.snapshotId).toBe([...world.ebs(PRIMARY).snapshots.keys()][0]);
    expect(world.ebs(PRIMARY).snapshots.size).toBe(1);
  });

  it('fails a part whose snapshot disappeared', async () => {
    const { world, clock, site, ports } = setup({ database: false });
    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    world.ebs(PRIMARY).snapshots.clear();
    clock.advance(15 * 60_000);

    const done = await advanceBackup(ports, clock, site, backup.id);

    expect(done.status.phase).toBe('Failed');
    expect(done.status.parts[0]?.error).toMatch(/no longer exists/);
  });

  it('closes a backup still open after the deadline with what it has, copies still made', async () => {
    const { world, clock, site, ports } = setup();
    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    world.rds(PRIMARY).complete();
    clock.advance(37 * 3_600_000);

    const late = await advanceBackup(ports, clock, site, backup.id);
    world.rds(DR).complete();
    const done = await advanceBackup(ports, clock, site, backup.id);

    // The snapshot that never completed fails; the copy that waited is made, not failed.
    expect(late.status.phase).toBe('Copying');
    expect(late.status.parts.map((p) => [p.state, p.copy.state])).toEqual([
      ['failed', 'skipped'],
      ['completed', 'pending'],
    ]);
    expect(done.status.phase).toBe('PartiallyFailed');
    expect(done.status.failureReason).toBe('vol-00000001: snapshot failed: did not complete within 36 h');
  });

  it('never fails a copy that waited for a slot past the deadline', async () => {
    const { world, clock, site, ports } = setup({ database: false });
    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });
    world.ebs(PRIMARY).complete();

    const waiting = await advanceBackup(ports, clock, site, backup.id, { ebsCopiesInFlight: 0 });
    clock.advance(40 * 3_600_000);
    const stillWaiting = await advanceBackup(ports, clock, site, backup.id, { ebsCopiesInFlight: 0 });
    const copying = await advanceBackup(ports, clock, site, backup.id);

    expect(waiting.status.parts[0]?.copy).toMatchObject({ state: 'waiting', queuedAt: at.toISOString() });
    expect(stillWaiting.status.phase).toBe('Copying');
    expect(stillWaiting.status.parts[0]?.copy.state).toBe('waiting');
    expect(copying.status.parts[0]?.copy.state).toBe('pending');
  });

  it('does nothing to a finished backup', async () => {
    const { world, clock, site, ports } = setup({ database: false });
    const backup = await startBackup(ports, clock, { site, kind: 'broken-state', at });
    world.ebs(PRIMARY).complete();
    const done = await advanceBackup(ports, clock, site, backup.id);
    const calls = world.ebs(PRIMARY).calls.length;

    const again = await advanceBackup(ports, clock, site, backup.id);

    expect(again).toEqual(done);
    expect(world.ebs(PRIMARY).calls.length).toBe(calls);
    expect(world.finished).toHaveLength(1);
  });

  it('names the missing backup', async () => {
    const { clock, site, ports } = setup();
    await expect(advanceBackup(ports, clock, site, '20261122t020000z-scheduled')).rejects.toMatchObject({
      name: 'NotFoundError',
    });
  });
});
