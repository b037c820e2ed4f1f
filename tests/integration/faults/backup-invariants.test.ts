import { isTerminal } from '../../../lib/backup/model';
import { parseRdsSnapshotIdentifier } from '../../../lib/tags/vocabulary';
import { runBackupPipeline } from '../../../local/sdk-middleware/backup-pipeline';
import { motoClients } from '../../support/moto';
import { accountedFor, allBackups, duplicates, faultyWorld, lifeboatSnapshots, makeSites } from './support';

const SCHEDULE = new Date('2026-11-22T02:00:00Z');
const UNRELIABLE_EVENTS = { duplicate: 0.3, drop: 0.3, reorder: true };

/** Runs every site's scheduled backup to the end under `faults`, then checks the invariants. */
async function runScenario(
  faults: Parameters<typeof faultyWorld>[0]['faults'],
  seed: number,
  sites = 3,
  volumesPerSite = 3,
) {
  const { config, bucket } = await makeSites(motoClients(), sites, volumesPerSite);
  const world = faultyWorld({ bucket, faults, delivery: UNRELIABLE_EVENTS, seed });
  const result = await world.clock.drive(() =>
    runBackupPipeline({
      ports: world.ports,
      clock: world.clock,
      lifecycle: world.sim.lifecycle,
      config,
      feeder: world.feeder,
      scheduledAt: SCHEDULE,
    }),
  );
  const backups = await world.clock.drive(() => allBackups(world.catalog, config));
  const siteNames = new Set(config.sites.map((s) => s.name));
  const snapshots = (await lifeboatSnapshots()).filter((s) =>
    siteNames.has(s.tags['lifeboat:site'] ?? parseRdsSnapshotIdentifier(s.id)?.site ?? ''),
  );
  return { config, world, result, backups, snapshots };
}

function expectInvariants(run: Awaited<ReturnType<typeof runScenario>>, volumesPerSite: number) {
  const { config, result, backups, snapshots } = run;
  // Every site has its one scheduled backup, with a part per volume and database, and it is finished.
  expect(result.finished).toBe(true);
  expect(backups.map((b) => b.site).sort()).toEqual(config.sites.map((s) => s.name).sort());
  for (const b of backups) {
    expect(b.status.parts).toHaveLength(volumesPerSite + 1);
    expect({ id: b.id, terminal: isTerminal(b.status.phase) }).toEqual({ id: b.id, terminal: true });
  }
  // No snapshot lifeboat made is missing from the catalog.
  const accounted = accountedFor(backups);
  expect(snapshots.filter((s) => !accounted.has(`${s.region}:${s.id}`))).toEqual([]);
  // No duplicates: one snapshot per volume per backup, one DR copy per source snapshot.
  const primary = snapshots.filter((s) => s.region === 'us-east-1' && s.volumeId !== undefined);
  const copies = snapshots.filter((s) => s.tags['lifeboat:source-snapshot'] !== undefined);
  expect(duplicates(primary.map((s) => `${s.tags['lifeboat:backup-id']}/${s.volumeId}`))).toEqual([]);
  expect(duplicates(copies.map((s) => s.tags['lifeboat:source-snapshot'] ?? ''))).toEqual([]);
}

describe('backup pipeline under faults (moto, simulated AWS limits and time)', () => {
  it('completes every backup through a throttling storm and lost, doubled and reordered events', async () => {
    const run = await runScenario({ throttle: 0.3 }, 11);

    expectInvariants(run, 3);
    expect(run.backups.map((b) => b.status.phase)).toEqual(run.backups.map(() => 'Completed'));
    expect(run.world.sim.stats.total(run.world.sim.stats.throttlesSent)).toBeGreaterThan(0);
    expect(
      run.backups
        .flatMap((b) => b.status.parts)
        .filter((p) => /thrott|limit/i.test(`${p.error}${p.copy.error}`)),
    ).toEqual([]);
  });

  it('ends every backup, accounts for every snapshot and makes none twice under throttling, 5xx, timeouts and latency', async () => {
    const run = await runScenario(
      {
        throttle: 0.1,
        serverError: 0.05,
        timeout: 0.05,
        timeoutAfterSend: 0,
        latencyMs: { min: 50, max: 2_000 },
      },
      23,
    );

    expectInvariants(run, 3);
    expect(run.world.sim.stats.total(run.world.sim.stats.faultsInjected)).toBeGreaterThan(0);
  });
});

describe('backup pipeline when AWS acts but the response is lost', () => {
  // EC2 CreateSnapshot and CopySnapshot take no client token, so the SDK's own retry after a lost
  // response starts a second snapshot that the catalog never hears of. What must hold is that every
  // stray carries its backup's tags: retention deletes by those tags when the backup expires.
  it('finishes every backup and tags every stray snapshot with its site and backup', async () => {
    const run = await runScenario({ timeout: 0.3, timeoutAfterSend: 1, operations: /^(Create|Copy)/ }, 5);

    expect(run.result.finished).toBe(true);
    expect(run.backups.every((b) => isTerminal(b.status.phase))).toBe(true);
    const accounted = accountedFor(run.backups);
    const backupIds = new Set(run.backups.map((b) => b.id));
    const strays = run.snapshots.filter((s) => !accounted.has(`${s.region}:${s.id}`));
    for (const stray of strays) {
      expect(stray.tags).toMatchObject({ 'lifeboat:managed': 'true' });
      expect(backupIds.has(stray.tags['lifeboat:backup-id'] ?? '')).toBe(true);
    }
  });
});
