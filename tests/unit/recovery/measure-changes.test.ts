import { NotReadyError, ThrottledError, UnsavedChangesError } from '../../../lib/errors';
import {
  describeDiscarded,
  measureFixFootprint,
  measureReplacementChanges,
  planPromoteDatabase,
} from '../../../lib/recovery/measure-changes';
import type { Recovery, RestoredDatabase } from '../../../lib/recovery/model';
import { buildRecovery, buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { type Fakes, fakePorts } from './support/fake-ports';

const site = buildSite();
const SOURCE = '20261122t093900z-1a2b3c4d';
const PROMOTE = '20261122t110000z-0a0b0c0d';
const REPLACEMENT = 'arn:aws:ecs:us-east-1:123456789012:task/blog/repl';
const SANDBOX = 'arn:aws:ecs:us-east-1:123456789012:task/blog/sbx';
const KiB = 1024;

/** A recovery whose replacement runs from snap-good since 09:41 and whose sandbox runs from snap-broken. */
function sourceRecovery(): Recovery {
  const task = { cluster: 'blog', region: 'us-east-1' };
  return buildRecovery({
    id: SOURCE,
    status: {
      phase: 'Succeeded',
      replacement: { taskArn: REPLACEMENT, address: '10.0.1.1' },
      sandbox: { taskArn: SANDBOX, address: '10.0.1.2', recordName: 'sandbox.example.com' },
      tasks: [
        {
          ...task,
          role: 'replacement',
          taskArn: REPLACEMENT,
          backupId: '20261122t020000z-scheduled',
          snapshotId: 'snap-good',
          launchedAt: '2026-11-22T09:41:00.000Z',
        },
        {
          ...task,
          role: 'sandbox',
          taskArn: SANDBOX,
          backupId: '20261122t094000z-broken-state',
          snapshotId: 'snap-broken',
          launchedAt: '2026-11-22T09:43:00.000Z',
        },
      ],
    },
  });
}

/** A database the source recovery restored for its task of `role`, available since 09:42. */
function restored(role: 'replacement' | 'sandbox', backupId: string): RestoredDatabase {
  return {
    role,
    backupId,
    kind: 'rds-instance',
    identifier: `lifeboat-blog-${role}-0a1b2c`,
    method: 'snapshot',
    snapshotId: `lifeboat-blog-${backupId}`,
    startedAt: '2026-11-22T09:40:00.000Z',
    availableAt: '2026-11-22T09:42:00.000Z',
    address: `lifeboat-blog-${role}-0a1b2c.c0ffee.us-east-1.rds.amazonaws.com`,
  };
}

async function world(): Promise<Fakes & { clock: FakeClock }> {
  const fakes = fakePorts();
  await fakes.catalog.createRecovery(sourceRecovery());
  const promote = buildRecovery({ id: PROMOTE, startedAt: '2026-11-22T11:00:00.000Z' });
  promote.spec.kind = 'promote';
  promote.spec.options.sourceRecoveryId = SOURCE;
  await fakes.catalog.createRecovery(promote);
  // The volume ECS made for the replacement, tagged at creation (lib/recovery/launch-task.ts).
  fakes.ebs.volume('vol-repl', {
    'lifeboat:recovery-id': SOURCE,
    'lifeboat:role': 'replacement',
    'lifeboat:stage': 'test',
    'lifeboat:backup-id': '20261122t020000z-scheduled',
  });
  return { ...fakes, clock: new FakeClock('2026-11-22T11:00:05Z') };
}

const promoteRecord = async (w: Fakes) => w.catalog.getRecovery(site.name, PROMOTE);

describe('measureReplacementChanges (what a promote would discard)', () => {
  it('refuses with the figures when the replacement changed blocks: how much, since when, and where they stay', async () => {
    const w = await world();
    w.ebs.changes.set('snap-good→snap-now1', 28);

    const measured = measureReplacementChanges(w.ports, w.clock, site, PROMOTE, false);

    await expect(measured).rejects.toBeInstanceOf(UnsavedChangesError);
    await expect(measured).rejects.toThrow(
      'the replacement changed 14 MiB in 28 blocks since 09:41 UTC; promote would drop them (they stay in snapshot snap-now1): pass --discard-changes to promote anyway',
    );
    expect(w.ebs.created).toEqual([
      {
        volumeId: 'vol-repl',
        tags: expect.objectContaining({
          'lifeboat:managed': 'true',
          'lifeboat:recovery-id': PROMOTE,
          'lifeboat:role': 'replacement',
          'lifeboat:kind': 'pre-promote',
        }),
      },
    ]);
    expect((await promoteRecord(w))?.status.changes).toEqual({
      replacement: {
        taskArn: REPLACEMENT,
        volumeId: 'vol-repl',
        fromSnapshotId: 'snap-good',
        toSnapshotId: 'snap-now1',
        since: '2026-11-22T09:41:00.000Z',
        changedBlocks: 28,
        changedBytes: 28 * 512 * KiB,
        blockSize: 512 * KiB,
      },
      database: { restored: false },
      discarded: false,
      databasePlan: expect.objectContaining({ serving: 'sandbox', final: 'live', retire: [] }),
    });
  });

  it('with discardChanges: records what it drops on the timeline and lets the promote go on', async () => {
    const w = await world();
    w.ebs.changes.set('snap-good→snap-now1', 28);

    const changes = await measureReplacementChanges(w.ports, w.clock, site, PROMOTE, true);

    expect(changes).toMatchObject({ replacement: { changedBlocks: 28 }, discarded: true });
    const entry = (await promoteRecord(w))?.status.timeline.find((e) => e.step === 'measure-replacement');
    expect(entry).toMatchObject({
      outcome: 'ok',
      critical: true,
      detail: {
        changedBlocks: 28,
        summary:
          'the replacement changed 14 MiB in 28 blocks since 09:41 UTC; promote drops them (--discard-changes) (they stay in snapshot snap-now1)',
      },
    });
  });

  it('goes on without the option when the replacement changed nothing', async () => {
    const w = await world();
    w.ebs.changes.set('snap-good→snap-now1', 0);

    const changes = await measureReplacementChanges(w.ports, w.clock, site, PROMOTE, false);

    expect(changes.replacement).toMatchObject({ changedBlocks: 0, changedBytes: 0 });
    const entry = (await promoteRecord(w))?.status.timeline.find((e) => e.step === 'measure-replacement');
    expect(entry?.detail?.summary).toBe(
      'the replacement changed nothing since 09:41 UTC; promote discards nothing',
    );
  });

  it('waits (NotReadyError) while its snapshot is pending, and a retry compares that same snapshot', async () => {
    const w = await world();
    w.ebs.newSnapshotState = 'pending';

    await expect(measureReplacementChanges(w.ports, w.clock, site, PROMOTE, false)).rejects.toBeInstanceOf(
      NotReadyError,
    );
    const snapshot = w.ebs.snapshots[0];
    if (snapshot !== undefined) snapshot.state = 'completed';
    w.ebs.changes.set('snap-good→snap-now1', 0);
    await measureReplacementChanges(w.ports, w.clock, site, PROMOTE, false);

    expect(w.ebs.created).toHaveLength(1);
    expect(w.ebs.compared).toEqual([['snap-good', 'snap-now1']]);
  });

  it('refuses when it cannot measure (no volume of the replacement found): it cannot claim nothing is lost', async () => {
    const w = await world();
    w.ebs.volumes.length = 0;

    const measured = measureReplacementChanges(w.ports, w.clock, site, PROMOTE, false);

    await expect(measured).rejects.toThrow(
      /^the replacement could not be measured \(NotFoundError: no volume of the replacement of recovery .*\); promote would drop whatever it changed: pass --discard-changes/,
    );
    expect(await measureReplacementChanges(w.ports, w.clock, site, PROMOTE, true)).toMatchObject({
      replacement: { unmeasured: expect.stringContaining('NotFoundError') },
      discarded: true,
    });
  });

  it('refuses for writes to the restored database even when the volume is unchanged', async () => {
    const w = await world();
    await w.catalog.updateRecovery(site.name, SOURCE, (r) => {
      r.status.databases = [restored('replacement', '20261122t020000z-scheduled')];
      return r;
    });
    w.ebs.changes.set('snap-good→snap-now1', 0);
    w.databaseWrites.answer = {
      restored: true,
      database: 'blog-db-restored',
      since: '2026-11-22T09:42:00.000Z',
      writes: 37,
      unit: 'rows of wp_comments',
    };

    await expect(measureReplacementChanges(w.ports, w.clock, site, PROMOTE, false)).rejects.toThrow(
      'the replacement changed nothing since 09:41 UTC; its database blog-db-restored received 37 rows of wp_comments since 09:42 UTC; promote would drop them',
    );
  });

  it('leaves throttling to the state machine to retry, recording nothing', async () => {
    const w = await world();
    w.ebs.changedBlocks = async () => {
      throw new ThrottledError('EBS ListChangedBlocks throttled by AWS (RequestThrottledException)');
    };

    await expect(measureReplacementChanges(w.ports, w.clock, site, PROMOTE, false)).rejects.toBeInstanceOf(
      ThrottledError,
    );
    expect((await promoteRecord(w))?.status.changes).toBeUndefined();
  });
});

describe('measureFixFootprint (what the fix changed in the sandbox)', () => {
  it('compares the broken-state snapshot with the pre-promote one and records it', async () => {
    const w = await world();
    w.ebs.changes.set('snap-broken→snap-prepromote', 3);

    const fix = await measureFixFootprint(w.ports, w.clock, site, PROMOTE, 'snap-prepromote');

    expect(fix).toMatchObject({
      fromSnapshotId: 'snap-broken',
      toSnapshotId: 'snap-prepromote',
      changedBlocks: 3,
    });
    const record = await promoteRecord(w);
    expect(record?.status.changes?.fix?.changedBytes).toBe(3 * 512 * KiB);
    expect(record?.status.timeline.find((e) => e.step === 'measure-fix')?.detail?.summary).toBe(
      'the fix changed 1.5 MiB in 3 blocks since 09:43 UTC',
    );
  });

  it('records a comparison EBS refuses as not measured, and never fails the promote', async () => {
    const w = await world();

    const fix = await measureFixFootprint(w.ports, w.clock, site, PROMOTE, 'snap-prepromote');

    expect(fix).toMatchObject({ unmeasured: expect.stringContaining('no changed blocks scripted') });
    expect(fix?.changedBlocks).toBeUndefined();
  });
});

describe('planPromoteDatabase (which database the final task runs on, which one promote stops)', () => {
  const withDatabases = (databases: RestoredDatabase[]): Recovery => {
    const r = sourceRecovery();
    r.status.databases = databases;
    return r;
  };
  const replacementDb = restored('replacement', '20261122t020000z-scheduled');
  const sandboxDb = restored('sandbox', '20261122t094000z-broken-state');

  it("sandbox (default): the final task runs on the sandbox's database; the replacement's is stopped and its writes are dropped", () => {
    const plan = planPromoteDatabase(site, withDatabases([replacementDb, sandboxDb]), 'sandbox');

    expect(plan.final).toBe(sandboxDb);
    expect(plan.retire).toEqual([replacementDb]);
    expect(plan.dropped).toEqual({
      kind: 'rds-instance',
      identifier: replacementDb.identifier,
      region: site.regions.primary,
      since: '2026-11-22T09:42:00.000Z',
    });
    expect(plan.summary).toMatch(
      /^the final task runs against the sandbox's database lifeboat-blog-sandbox-0a1b2c; after the switch lifeboat-blog-replacement-0a1b2c \(the replacement's\) is stopped after a final snapshot and kept \d+ days/,
    );
  });

  it("replacement: the final task keeps the replacement's database, nothing of it is dropped, the sandbox's is stopped", () => {
    const plan = planPromoteDatabase(site, withDatabases([replacementDb, sandboxDb]), 'replacement');

    expect(plan.final).toBe(replacementDb);
    expect(plan.retire).toEqual([sandboxDb]);
    expect(plan.dropped).toBeUndefined();
  });

  it('a sandbox that ran on the live database hands the live one on, and the plan says so', () => {
    const plan = planPromoteDatabase(site, withDatabases([replacementDb]), 'sandbox');

    expect(plan.final).toEqual({ method: 'keep' });
    expect(plan.retire).toEqual([replacementDb]);
    expect(plan.summary).toMatch(/^the sandbox ran on the live database: the final task keeps it;/);
  });

  it('never retires the live database, nor a database already retired', () => {
    const plan = planPromoteDatabase(
      site,
      withDatabases([{ ...replacementDb, retiredAt: '2026-11-22T09:50:00.000Z' }]),
      'replacement',
    );

    expect(plan.final).toEqual({ method: 'keep' });
    expect(plan.retire).toEqual([]);
  });
});

describe('describeDiscarded with the database', () => {
  it('says how much binlog the dropped database wrote, and where it is kept', () => {
    expect(
      describeDiscarded({
        replacement: {
          fromSnapshotId: 'snap-good',
          toSnapshotId: 'snap-now',
          since: '2026-11-22T09:41:00.000Z',
          changedBlocks: 0,
          changedBytes: 0,
        },
        database: {
          restored: true,
          database: 'lifeboat-blog-replacement-0a1b2c',
          since: '2026-11-22T09:42:00.000Z',
          writes: Math.round(3.2 * 1024 * 1024),
          unit: 'bytes of binlog',
          keptIn: 'lifeboat-blog-replacement-0a1b2c-final',
        },
      }),
    ).toBe(
      'the replacement changed nothing since 09:41 UTC; its database lifeboat-blog-replacement-0a1b2c wrote 3.2 MiB of binlog since 09:42 UTC; promote would drop them (they stay in snapshot snap-now and final snapshot lifeboat-blog-replacement-0a1b2c-final)',
    );
  });
});
