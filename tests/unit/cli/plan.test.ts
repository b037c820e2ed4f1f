import { Catalog } from '../../../lib/catalog/catalog';
import { planRecovery } from '../../../lib/cli/plan';
import { buildBackup, buildSite } from '../../support/builders';
import { MemoryObjectStore } from '../../support/memory-object-store';

function completed(at: string, drill?: 'passed' | 'failed') {
  const backup = buildBackup({
    at,
    phase: 'Completed',
    parts: [
      {
        kind: 'ebs-volume',
        sourceId: 'vol-1',
        snapshotId: `snap-${at.slice(8, 10)}`,
        state: 'completed',
        copy: { region: 'us-west-2', state: 'completed' },
      },
    ],
  });
  if (drill !== undefined) backup.status.drill = { verdict: drill, at, detail: '' };
  return backup;
}

describe('planRecovery (lifeboat recover --dry-run)', () => {
  const site = buildSite();
  const outage = new Date('2026-11-22T09:39:00Z');
  let catalog: Catalog;

  beforeEach(async () => {
    catalog = new Catalog(new MemoryObjectStore());
    for (const b of [
      completed('2026-11-19T02:00:00Z'),
      completed('2026-11-20T02:00:00Z', 'passed'),
      completed('2026-11-21T02:00:00Z'),
      completed('2026-11-22T02:00:00Z'),
      completed('2026-11-22T10:00:00Z'),
    ]) {
      await catalog.createBackup(b);
    }
  });

  it('shows the database plan: which DB snapshot, or which point in time with the snapshot to fall back to', async () => {
    const withDb = completed('2026-11-21T12:00:00Z', 'passed');
    withDb.status.parts.push({
      kind: 'rds-instance',
      sourceId: 'blog-db',
      snapshotId: `lifeboat-blog-${withDb.id}`,
      state: 'completed',
      copy: { region: 'us-west-2', state: 'completed' },
    });
    await catalog.createBackup(withDb);

    const keep = await planRecovery(catalog, site, outage, { skipSandbox: true });
    const snapshot = await planRecovery(catalog, site, outage, { skipSandbox: false, database: 'snapshot' });
    const pitr = await planRecovery(catalog, site, outage, { skipSandbox: true, database: 'point-in-time' });

    expect(keep.database).toEqual({ mode: 'keep' });
    expect(keep.steps).toContain('database: keep the live one (the task definition names it)');
    expect(snapshot.database).toEqual({
      mode: 'snapshot',
      database: 'blog-db',
      snapshotId: `lifeboat-blog-${withDb.id}`,
    });
    expect(snapshot.steps.at(-2)).toBe(
      'sandbox database: restore the broken-state DB snapshot (taken with the volume) behind sg-0a1b2c3d4e5f60718, reachable only from the sandbox',
    );
    expect(pitr.database).toEqual({
      mode: 'point-in-time',
      database: 'blog-db',
      restoreTime: '2026-11-22T09:34:00.000Z',
      fallbackSnapshotId: `lifeboat-blog-${withDb.id}`,
    });
    expect(pitr.steps.find((step) => step.startsWith('database:'))).toMatch(
      /^database: restore blog-db to 2026-11-22T09:34:00.000Z \(300 s before the outage began\) .* from DB snapshot lifeboat-blog-20261121t120000z-scheduled instead/,
    );
  });

  it('picks the backup recovery would pick (restore-proven first) and lists the walk-back', async () => {
    const plan = await planRecovery(catalog, site, outage, { skipSandbox: false });

    expect(plan.candidates.map((c) => c.backupId)).toEqual([
      '20261120t020000z-scheduled',
      '20261122t020000z-scheduled',
      '20261121t020000z-scheduled',
    ]);
    expect(plan.steps[1]).toMatch(
      /^launch from backup 20261120t020000z-scheduled \(taken 2026-11-20 02:00:00 UTC, 2 days 7 h before the outage, restore drill passed\), volume wp-content from snap-20$/,
    );
    expect(plan.steps[2]).toBe(
      'if it is unhealthy, walk back to: 20261122t020000z-scheduled, 20261121t020000z-scheduled',
    );
    expect(plan.steps.at(-1)).toBe(
      'open the sandbox sandbox.example.com from the broken state, reachable only from 203.0.113.0/24',
    );
  });

  it('plans only the backup the operator names, and none if it is not usable', async () => {
    const pending = buildBackup({ at: '2026-11-22T05:00:00Z', phase: 'Pending' });
    await catalog.createBackup(pending);

    const named = await planRecovery(catalog, site, outage, {
      backupId: '20261121t020000z-scheduled',
      skipSandbox: true,
    });
    const unusable = await planRecovery(catalog, site, outage, { backupId: pending.id, skipSandbox: true });

    expect(named.candidates.map((c) => c.backupId)).toEqual(['20261121t020000z-scheduled']);
    expect(named.steps.at(-1)).toBe('no sandbox (--skip-sandbox)');
    expect(unusable.candidates).toEqual([]);
    expect(unusable.steps[1]).toMatch(/^pick a backup: NONE/);
  });

  it('refuses a backup id the catalog does not have as the recovery would, with its error', async () => {
    const plan = await planRecovery(catalog, site, outage, {
      backupId: '20200101t000000z-manual',
      skipSandbox: false,
    });

    expect(plan.candidates).toEqual([]);
    expect(plan.refusal).toEqual({
      error: 'NoKnownGoodBackupError',
      message: 'backup 20200101t000000z-manual of site blog is not in the catalog',
    });
    expect(plan.steps[1]).toBe(
      'pick a backup: NONE — backup 20200101t000000z-manual of site blog is not in the catalog; the recovery would fail',
    );
  });

  it('says why when no backup was taken before the outage', async () => {
    const plan = await planRecovery(catalog, site, new Date('2026-11-01T00:00:00Z'), { skipSandbox: false });

    expect(plan.candidates).toEqual([]);
    expect(plan.refusal?.error).toBe('NoKnownGoodBackupError');
    expect(plan.steps[1]).toMatch(/^pick a backup: NONE — site blog has no completed backup taken before /);
  });
});
