import {
  DatabaseRestoreFailedError,
  NotReadyError,
  SandboxExposedError,
  SnapshotMismatchError,
} from '../../../lib/errors';
import type { Candidate, RestoredDatabase, RunHeader } from '../../../lib/recovery/model';
import { awaitDatabase, pointInTimeFor, restoreDatabase } from '../../../lib/recovery/restore-database';
import { buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { type Fakes, fakePorts, runningRecovery } from './support/fake-ports';

const candidate = (day: string, database = true): Candidate => ({
  backupId: `202611${day}t020000z-scheduled`,
  snapshotId: `snap-${day}`,
  takenAt: `2026-11-${day}T02:00:00Z`,
  drilled: false,
  ...(database
    ? {
        database: {
          kind: 'rds-instance' as const,
          snapshotId: `lifeboat-blog-202611${day}t020000z-scheduled`,
        },
      }
    : {}),
});

describe('restoreDatabase / awaitDatabase', () => {
  const site = buildSite({ recovery: { database: 'point-in-time', pointInTimeMarginSeconds: 300 } });
  const clock = new FakeClock('2026-11-22T09:40:00Z');
  const recovery = runningRecovery(site.name);
  const run = (options: Partial<RunHeader['options']> = {}): RunHeader => ({
    site: site.name,
    recoveryId: recovery.id,
    kind: 'recovery',
    trigger: recovery.spec.trigger,
    options: { dryRun: false, skipSandbox: false, database: 'point-in-time', ...options },
  });
  let fakes: Fakes;

  beforeEach(async () => {
    fakes = fakePorts();
    await fakes.catalog.createRecovery(recovery);
  });

  it('point in time: the first candidate gets the live database as it was the margin before the outage', async () => {
    const restored = await restoreDatabase(fakes.ports, clock, site, run(), 'replacement', candidate('22'));

    expect(restored).toMatchObject({
      method: 'point-in-time',
      sourceId: 'blog-db',
      restoreTime: '2026-11-22T09:34:00.000Z',
      identifier: expect.stringMatching(/^lifeboat-blog-replacement-[0-9a-f]{6}$/),
    });
    expect(fakes.databases.restores).toEqual([
      expect.objectContaining({
        from: { sourceId: 'blog-db', restoreTime: '2026-11-22T09:34:00.000Z' },
        subnetGroup: 'blog-db-subnets',
        securityGroups: ['sg-0db0000000000000a'],
        instanceClass: 'db.t3.micro',
        tags: expect.objectContaining({
          'lifeboat:managed': 'true',
          'lifeboat:role': 'replacement',
          'lifeboat:recovery-id': recovery.id,
          'lifeboat:stage': 'test',
        }),
      }),
    ]);
  });

  it('point in time after the latest restorable time: asks for the latest one', async () => {
    fakes.databases.source = {
      ...fakes.databases.source,
      restoreWindow: { earliest: '2026-11-15T00:00:00.000Z', latest: '2026-11-22T09:30:00.000Z' },
    };

    await restoreDatabase(fakes.ports, clock, site, run(), 'replacement', candidate('22'));

    expect(fakes.databases.restores[0]?.from).toEqual({ sourceId: 'blog-db', restoreTime: undefined });
  });

  it.each([
    [
      'the window does not reach back',
      { earliest: '2026-11-22T09:36:00.000Z', latest: '2026-11-22T09:38:00.000Z' },
      /reaches back to 2026-11-22T09:36:00.000Z/,
    ],
    ['automated backups are off', undefined, /automated backups of blog-db are off/],
  ])('falls back to the snapshot when %s, and says why', async (_name, restoreWindow, why) => {
    fakes.databases.source = { ...fakes.databases.source, restoreWindow };

    const restored = await restoreDatabase(fakes.ports, clock, site, run(), 'replacement', candidate('22'));

    expect(restored).toMatchObject({
      method: 'snapshot',
      snapshotId: 'lifeboat-blog-20261122t020000z-scheduled',
    });
    expect((restored as RestoredDatabase).fellBack).toMatch(why);
    const entry = (await fakes.catalog.getRecovery(site.name, recovery.id))?.status.timeline.find(
      (t) => t.step === 'restore-database-replacement',
    );
    expect(entry?.detail?.fellBack).toMatch(/^point in time not possible, snapshot instead: /);
  });

  it('falls back to the snapshot when RDS refuses the point in time', async () => {
    fakes.databases.refusePointInTime = new DatabaseRestoreFailedError('InvalidRestoreFault: too early');

    const restored = await restoreDatabase(fakes.ports, clock, site, run(), 'replacement', candidate('22'));

    expect(restored).toMatchObject({ method: 'snapshot', fellBack: 'InvalidRestoreFault: too early' });
  });

  it('checks the DB snapshot in AWS before restoring it, and restores nothing it refuses', async () => {
    const older = candidate('21');
    const snapshotId = older.database?.snapshotId ?? '';
    await restoreDatabase(fakes.ports, clock, site, run(), 'replacement', candidate('22'));
    fakes.trust.refuse(snapshotId);

    await expect(
      restoreDatabase(fakes.ports, clock, site, run(), 'replacement', older),
    ).rejects.toBeInstanceOf(SnapshotMismatchError);
    expect(fakes.trust.checked).toContainEqual({ snapshotId, backupId: older.backupId, action: 'launch' });
    expect(
      fakes.databases.restores.some((r) => 'snapshotId' in r.from && r.from.snapshotId === snapshotId),
    ).toBe(false);
    const refusal = (await fakes.catalog.getRecovery(site.name, recovery.id))?.status.timeline.find(
      (t) => t.step === 'verify-snapshot',
    );
    expect(refusal).toMatchObject({ outcome: 'failed', detail: { role: 'replacement' } });
  });

  it('walk-back and an operator-chosen backup restore that backup snapshot, never a point in time', async () => {
    await restoreDatabase(fakes.ports, clock, site, run(), 'replacement', candidate('22'));
    const older = await restoreDatabase(fakes.ports, clock, site, run(), 'replacement', candidate('21'));
    const chosen = await restoreDatabase(
      fakes.ports,
      clock,
      site,
      run({ backupId: candidate('20').backupId }),
      'replacement',
      candidate('20'),
    );

    expect([older, chosen].map((d) => 'snapshotId' in d && d.snapshotId)).toEqual([
      'lifeboat-blog-20261121t020000z-scheduled',
      'lifeboat-blog-20261120t020000z-scheduled',
    ]);
  });

  it('a retried call finds the restore on the record and starts no second one', async () => {
    const first = await restoreDatabase(fakes.ports, clock, site, run(), 'replacement', candidate('22'));
    const again = await restoreDatabase(fakes.ports, clock, site, run(), 'replacement', candidate('22'));

    expect(again).toEqual(first);
    expect(fakes.databases.restores).toHaveLength(1);
  });

  it('a backup without a DB snapshot cannot give a database: DatabaseRestoreFailedError (walk back)', async () => {
    await expect(
      restoreDatabase(
        fakes.ports,
        clock,
        site,
        run({ database: 'snapshot' }),
        'replacement',
        candidate('22', false),
      ),
    ).rejects.toThrow(DatabaseRestoreFailedError);
  });

  it('the sandbox database goes behind the sandbox database groups, and not at all if they admit an address range', async () => {
    const restored = await restoreDatabase(fakes.ports, clock, site, run(), 'sandbox', candidate('22'));

    expect(restored).toMatchObject({ method: 'snapshot', role: 'sandbox' });
    expect(fakes.databases.restores[0]?.securityGroups).toEqual(site.sandbox.databaseSecurityGroups);

    fakes.tasks.ingress.set(site.sandbox.databaseSecurityGroups?.[0] ?? '', ['0.0.0.0/0']);
    await expect(
      restoreDatabase(fakes.ports, clock, site, run(), 'sandbox', candidate('21')),
    ).rejects.toThrow(SandboxExposedError);
  });

  it('without sandbox database groups the sandbox keeps the database its task definition names, and says so', async () => {
    const bare = buildSite({ sandbox: { ...site.sandbox, databaseSecurityGroups: undefined } });

    expect(await restoreDatabase(fakes.ports, clock, bare, run(), 'sandbox', candidate('22'))).toEqual({
      method: 'keep',
    });
    const entry = (await fakes.catalog.getRecovery(site.name, recovery.id))?.status.timeline.at(-1);
    expect(entry).toMatchObject({ step: 'restore-database-sandbox', outcome: 'skipped' });
  });

  it('awaitDatabase: NotReadyError while it is created, its address once available, DatabaseRestoreFailedError if it failed', async () => {
    const restored = (await restoreDatabase(
      fakes.ports,
      clock,
      site,
      run(),
      'replacement',
      candidate('22'),
    )) as RestoredDatabase;
    fakes.databases.states.set(restored.identifier, { state: 'pending', status: 'creating' });
    await expect(awaitDatabase(fakes.ports, clock, site, recovery.id, restored)).rejects.toThrow(
      NotReadyError,
    );

    fakes.databases.states.set(restored.identifier, {
      state: 'available',
      status: 'available',
      address: 'db.example',
      port: 3306,
    });
    expect(await awaitDatabase(fakes.ports, clock, site, recovery.id, restored)).toMatchObject({
      address: 'db.example',
      port: 3306,
    });

    fakes.databases.states.set(restored.identifier, { state: 'failed', status: 'incompatible-restore' });
    await expect(awaitDatabase(fakes.ports, clock, site, recovery.id, restored)).rejects.toThrow(
      /did not come up: .* it is incompatible-restore/,
    );
  });

  it('pointInTimeFor: inside the window a time, at or after its end the latest restorable time', () => {
    const source = { ...fakes.databases.source };
    expect(pointInTimeFor(source, new Date('2026-11-20T00:00:00Z'))).toEqual({
      restoreTime: '2026-11-20T00:00:00.000Z',
    });
    expect(pointInTimeFor(source, new Date('2026-11-22T09:35:00Z'))).toEqual({ restoreTime: undefined });
  });
});
