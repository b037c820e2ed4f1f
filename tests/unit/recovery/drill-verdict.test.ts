import type { BackupPart } from '../../../lib/backup/model';
import {
  type DrillDatabase,
  discardDrillDatabases,
  recordDrillVerdict,
} from '../../../lib/recovery/drill-verdict';
import type { Attempt, RestoredDatabase } from '../../../lib/recovery/model';
import { buildBackup, buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { type Fakes, fakePorts, runningRecovery } from './support/fake-ports';

const DRILL_ID = '20261122t040000z-drill';
const TASK = 'arn:aws:ecs:us-east-1:123456789012:task/blog/d1';
const PARTS: BackupPart[] = [
  {
    kind: 'ebs-volume',
    sourceId: 'vol-1',
    snapshotId: 'snap-1',
    state: 'completed',
    copy: { region: 'us-west-2', state: 'completed' },
  },
  {
    kind: 'rds-instance',
    sourceId: 'blog-db',
    snapshotId: 'lifeboat-blog-20261122t020000z-scheduled',
    state: 'completed',
    copy: { region: 'us-west-2', state: 'completed' },
  },
];

function attempt(verdict: 'healthy' | 'unhealthy', backupId: string): Attempt {
  return {
    role: 'drill',
    taskArn: TASK,
    cluster: 'blog',
    region: 'us-east-1',
    backupId,
    snapshotId: 'snap-1',
    launchedAt: '2026-11-22T04:01:00.000Z',
    gate: {
      startedAt: '2026-11-22T04:01:00.000Z',
      deadlineAt: '2026-11-22T04:06:00.000Z',
      checks: 3,
      consecutive: verdict === 'healthy' ? 2 : 0,
      verdict,
      address: '10.0.1.7',
      lastProbe: { status: verdict === 'healthy' ? 200 : 500, elapsedMs: 41 },
      ...(verdict === 'healthy' ? {} : { reason: 'not healthy within 300 s (last probe: HTTP 500)' }),
    },
  };
}

function restored(backupId: string, overrides: Partial<RestoredDatabase> = {}): RestoredDatabase {
  return {
    role: 'drill',
    backupId,
    kind: 'rds-instance',
    identifier: 'lifeboat-blog-drill-0a1b2c',
    method: 'snapshot',
    snapshotId: 'lifeboat-blog-20261122t020000z-scheduled',
    startedAt: '2026-11-22T04:00:10.000Z',
    availableAt: '2026-11-22T04:00:40.000Z',
    address: 'lifeboat-blog-drill-0a1b2c.c0ffee.us-east-1.rds.amazonaws.com',
    port: 3306,
    ...overrides,
  };
}

describe('recordDrillVerdict', () => {
  const clock = new FakeClock('2026-11-22T04:05:00Z');
  let fakes: Fakes;

  beforeEach(() => {
    fakes = fakePorts();
  });

  async function drilled(parts: BackupPart[] = PARTS) {
    const backup = buildBackup({ phase: 'Completed', parts });
    await fakes.catalog.createBackup(backup);
    await fakes.catalog.createRecovery(runningRecovery('blog', DRILL_ID));
    return backup;
  }

  const cases: [
    name: string,
    gate: 'healthy' | 'unhealthy',
    database: (backupId: string) => DrillDatabase | undefined,
    parts: BackupPart[],
    expected: { verdict: string; files: string; database: string; detail: RegExp },
  ][] = [
    [
      'database restored and the site answered with it',
      'healthy',
      (id) => restored(id),
      PARTS,
      {
        verdict: 'passed',
        files: 'passed',
        database: 'passed',
        detail:
          /^lifeboat-blog-drill-0a1b2c restored from DB snapshot lifeboat-blog-20261122t020000z-scheduled, available at \S+ after 30 s; the site answered with it$/,
      },
    ],
    [
      'database restored, the site did not answer with it',
      'unhealthy',
      (id) => restored(id),
      PARTS,
      {
        verdict: 'failed',
        files: 'failed',
        database: 'failed',
        detail: /but the site did not answer with it: not healthy within 300 s/,
      },
    ],
  ];

  it.each(cases)('%s', async (_name, gate, database, parts, expected) => {
    const backup = await drilled(parts);

    const verdict = await recordDrillVerdict(
      fakes.ports,
      clock,
      buildSite(),
      DRILL_ID,
      { attempt: attempt(gate, backup.id) },
      database(backup.id),
    );

    expect(verdict).toMatchObject({
      verdict: expected.verdict,
      files: { verdict: expected.files },
      database: { verdict: expected.database, detail: expect.stringMatching(expected.detail) },
      drillId: DRILL_ID,
    });
    expect((await fakes.catalog.getBackup('blog', backup.id))?.status.drill).toEqual(verdict);
    const record = await fakes.catalog.getRecovery('blog', DRILL_ID);
    expect(record?.status.drill).toEqual(verdict);
    expect(record?.status.timeline.at(-1)).toMatchObject({
      step: 'record-drill-verdict',
      outcome: expected.verdict === 'passed' ? 'ok' : 'failed',
      detail: { files: expected.files, database: expected.database },
    });
  });

  it('the database restore failed (caught by the state machine): no task was started, the drill fails on its database', async () => {
    const backup = await drilled(PARTS);

    const verdict = await recordDrillVerdict(
      fakes.ports,
      clock,
      buildSite(),
      DRILL_ID,
      {
        candidate: {
          backupId: backup.id,
          snapshotId: 'snap-0a',
          takenAt: backup.spec.scheduledFor,
          drilled: false,
        },
      },
      {
        method: 'keep',
        failure: {
          Error: 'DatabaseRestoreFailedError',
          Cause: JSON.stringify({ errorMessage: 'lifeboat-blog-drill-0a1b2c is incompatible-restore' }),
        },
      },
    );

    expect(verdict).toMatchObject({
      verdict: 'failed',
      database: {
        verdict: 'failed',
        detail:
          'the database did not restore: DatabaseRestoreFailedError: lifeboat-blog-drill-0a1b2c is incompatible-restore',
      },
    });
    expect(verdict.files).toBeUndefined();
    expect(verdict.detail).toMatch(
      /^no task started: a drill never runs the files against the live database/,
    );
    expect((await fakes.catalog.getBackup('blog', backup.id))?.status.drill).toEqual(verdict);
  });

  it("gives the health gate's probe as the database's evidence, with the variable the task was started with", async () => {
    const backup = await drilled();

    const verdict = await recordDrillVerdict(
      fakes.ports,
      clock,
      buildSite(),
      DRILL_ID,
      { attempt: attempt('healthy', backup.id) },
      restored(backup.id),
    );

    expect(verdict.database?.evidence).toBe(
      'GET / (expected 200) answered 200 in 41 ms, 2 healthy in a row, with WORDPRESS_DB_HOST=lifeboat-blog-drill-0a1b2c.c0ffee.us-east-1.rds.amazonaws.com',
    );
  });

  it('a backup without a DB snapshot (e.g. pre-promote) of a site with a database: only its files are drilled', async () => {
    const backup = await drilled(PARTS.slice(0, 1));

    const verdict = await recordDrillVerdict(
      fakes.ports,
      clock,
      buildSite(),
      DRILL_ID,
      { attempt: attempt('healthy', backup.id) },
      { method: 'keep' },
    );

    expect(verdict).toMatchObject({ verdict: 'passed', files: { verdict: 'passed' } });
    expect(verdict.database).toBeUndefined();
  });

  it('a site that protects no database: the files alone decide, no database verdict', async () => {
    const site = buildSite();
    site.protect.database = undefined;
    const backup = await drilled(PARTS.slice(0, 1));

    const verdict = await recordDrillVerdict(
      fakes.ports,
      clock,
      site,
      DRILL_ID,
      { attempt: attempt('healthy', backup.id) },
      {
        method: 'keep',
      },
    );

    expect(verdict).toMatchObject({ verdict: 'passed', files: { verdict: 'passed' } });
    expect(verdict.database).toBeUndefined();
    expect(verdict.detail).toMatch(/^restored into task \S+, healthy after 3 checks \(drill \S+\)$/);
  });
});

describe('discardDrillDatabases', () => {
  const clock = new FakeClock('2026-11-22T04:06:00Z');

  it("discards only the drill's databases, checked against the drill's own tags, and records them retired", async () => {
    const fakes = fakePorts();
    const recovery = runningRecovery('blog', DRILL_ID);
    recovery.status.databases = [
      restored('b1'),
      restored('b1', { role: 'replacement', identifier: 'lifeboat-blog-replacement-0a1b2c' }),
    ];
    await fakes.catalog.createRecovery(recovery);

    const result = await discardDrillDatabases(fakes.ports, clock, buildSite(), DRILL_ID);

    expect(result).toEqual({ discarded: ['lifeboat-blog-drill-0a1b2c'] });
    expect(fakes.databases.retired).toEqual([]);
    expect(fakes.databases.discarded).toEqual([
      {
        identifier: 'lifeboat-blog-drill-0a1b2c',
        expected: expect.objectContaining({
          'lifeboat:managed': 'true',
          'lifeboat:role': 'drill',
          'lifeboat:recovery-id': DRILL_ID,
          'lifeboat:backup-id': 'b1',
          'lifeboat:stage': 'test',
        }),
      },
    ]);
    const databases = (await fakes.catalog.getRecovery('blog', DRILL_ID))?.status.databases ?? [];
    expect(databases.map((d) => [d.role, d.retiredAt !== undefined, d.finalSnapshotId])).toEqual([
      ['drill', true, undefined],
      ['replacement', false, undefined],
    ]);
  });

  it('asks to be called again (NotReadyError) while RDS cannot delete the database yet', async () => {
    const fakes = fakePorts();
    const recovery = runningRecovery('blog', DRILL_ID);
    recovery.status.databases = [restored('b1')];
    await fakes.catalog.createRecovery(recovery);
    fakes.databases.discard = async () => ({ status: 'creating' });

    await expect(discardDrillDatabases(fakes.ports, clock, buildSite(), DRILL_ID)).rejects.toMatchObject({
      name: 'NotReadyError',
      message: expect.stringContaining('lifeboat-blog-drill-0a1b2c'),
    });
  });
});
