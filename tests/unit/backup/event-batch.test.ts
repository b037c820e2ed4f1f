import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { advanceBackup } from '../../../lib/backup/advance-backup';
import { parseSnapshotEvent, type SnapshotSignal } from '../../../lib/backup/events';
import { type EventBatchItem, onSnapshotEvents } from '../../../lib/backup/on-snapshot-event';
import { startBackup } from '../../../lib/backup/start-backup';
import { catalogKeys } from '../../../lib/catalog/keys';
import { buildConfig, rawSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { FakeWorld } from './fake-ports';

const at = new Date('2026-11-22T02:00:00Z');
const PRIMARY = 'us-east-1';
const DR = 'us-west-2';

/** A sample event from events/ with its ids replaced by the ones the fakes made. */
function event(name: string, replace: Record<string, string>): unknown {
  let text = readFileSync(join(__dirname, '../../../events', name), 'utf8');
  for (const [from, to] of Object.entries(replace)) text = text.split(from).join(to);
  return JSON.parse(text);
}

async function setup(volumes: number) {
  const world = new FakeWorld();
  const clock = new FakeClock(at);
  const config = buildConfig(rawSite());
  const site = config.sites[0];
  if (site === undefined) throw new Error('no site');
  for (let i = 1; i <= volumes; i++)
    world.ebs(PRIMARY).addVolume(`vol-${String(i).padStart(8, '0')}`, { 'lifeboat:site': 'blog' });
  world.rds(PRIMARY).addDatabase('blog-db');
  const ports = world.ports();
  const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at }, { maxStartsPerCall: 50 });
  // What start-backup cost is not the events' to count.
  for (const r of [PRIMARY, DR]) {
    world.ebs(r).calls.length = 0;
    world.rds(r).calls.length = 0;
  }
  const reads = { gets: 0 };
  const get = world.store.get.bind(world.store);
  world.store.get = (key: string) => {
    if (key.includes('/backups/')) reads.gets += 1;
    return get(key);
  };
  return { world, clock, config, site, ports, backup, reads };
}

function created(snapshotId: string): SnapshotSignal[] {
  return parseSnapshotEvent(event('aws.ec2/create-snapshot-succeeded.json', { 'snap-01234567': snapshotId }));
}

describe('a batch of snapshot events', () => {
  it('advances the backup once for all its events, with one describe for the batch and none per event', async () => {
    const { world, clock, config, ports, backup, reads } = await setup(8);
    world.ebs(PRIMARY).complete();
    world.rds(PRIMARY).complete();
    const items: EventBatchItem[] = [
      ...backup.status.parts
        .filter((p) => p.kind === 'ebs-volume')
        .map((p, i) => ({ id: `m${i}`, signals: created(p.snapshotId ?? '') })),
      { id: 'db', signals: parseSnapshotEvent(event('aws.rds/manual-snapshot-created.json', {})) },
    ];

    const outcome = await onSnapshotEvents(ports, clock, config, items);

    const primary = world.ebs(PRIMARY).calls;
    expect(outcome.failed).toEqual([]);
    expect(outcome.advanced).toEqual([{ site: 'blog', backupId: backup.id, phase: 'Copying' }]);
    // Resolving 8 events, observing their parts and checking their snapshots before the copies:
    // one DescribeSnapshots, no tag query, no per-snapshot describe, no count of copies in flight.
    expect(primary.filter((c) => c === 'describeSnapshots')).toHaveLength(1);
    expect(primary.filter((c) => c === 'findSnapshots' || c === 'describeSnapshot')).toEqual([]);
    expect(world.ebs(DR).calls.filter((c) => c === 'countPendingCopies')).toEqual([]);
    expect(world.ebs(DR).calls.filter((c) => c === 'copySnapshotFrom')).toHaveLength(8);
    // The DB event is trusted for its snapshot: the only RDS read is the check before its copy.
    expect(world.rds(PRIMARY).calls.filter((c) => c === 'findSnapshot')).toHaveLength(1);
    expect(world.rds(DR).calls.filter((c) => c === 'countPendingCopies' || c === 'listSnapshots')).toEqual(
      [],
    );
    // One read of the record for the whole batch (then the compare-and-swap writes).
    expect(reads.gets).toBeLessThanOrEqual(3);
  });

  it('begins no backup once its deadline has passed: the records come again, nothing is written', async () => {
    const { world, clock, config, ports, backup } = await setup(2);
    world.ebs(PRIMARY).complete();
    const items: EventBatchItem[] = backup.status.parts
      .filter((p) => p.kind === 'ebs-volume')
      .map((p, i) => ({ id: `m${i}`, signals: created(p.snapshotId ?? '') }));
    const before = await ports.catalog.getBackup('blog', backup.id);

    const outcome = await onSnapshotEvents(ports, clock, config, items, {}, clock.now());

    expect(outcome.advanced).toEqual([]);
    expect(outcome.failed).toEqual([{ ids: ['m0', 'm1'], error: expect.any(Error) }]);
    expect(String(outcome.failed[0]?.error)).toMatch(/near its timeout/);
    expect(await ports.catalog.getBackup('blog', backup.id)).toEqual(before);
    expect(world.ebs(DR).calls.filter((c) => c === 'copySnapshotFrom')).toEqual([]);
  });

  it('treats duplicates as one, drops what is not lifeboat, and reports only the records whose backup failed', async () => {
    const { world, clock, config, ports, backup } = await setup(2);
    world.ebs(PRIMARY).complete();
    const [first, second] = backup.status.parts.filter((p) => p.kind === 'ebs-volume');
    // A second backup of the site whose catalog record cannot be read: advancing it fails.
    await world.store.putIfAbsent(catalogKeys.backup('blog', '20261121t020000z-scheduled'), '{ not json');
    const items: EventBatchItem[] = [
      { id: 'one', signals: created(first?.snapshotId ?? '') },
      { id: 'one-again', signals: created(first?.snapshotId ?? '') },
      { id: 'two', signals: created(second?.snapshotId ?? '') },
      { id: 'stranger', signals: parseSnapshotEvent(event('aws.ec2/create-snapshot-succeeded.json', {})) },
      {
        id: 'broken',
        signals: parseSnapshotEvent(
          event('aws.rds/manual-snapshot-created.json', { '20261122t020000z': '20261121t020000z' }),
        ),
      },
    ];

    const outcome = await onSnapshotEvents(ports, clock, config, items);
    const stored = await ports.catalog.getBackup('blog', backup.id);

    expect(outcome.failed.map((f) => f.ids)).toEqual([['broken']]);
    expect(outcome.ignored).toEqual([{ snapshotId: 'snap-01234567', reason: 'not a lifeboat snapshot' }]);
    expect(stored?.status.parts.filter((p) => p.kind === 'ebs-volume').map((p) => p.copy.state)).toEqual([
      'pending',
      'pending',
    ]);
    expect(world.ebs(DR).snapshots.size).toBe(2);
  });

  it('writes nothing for events of a part already done', async () => {
    const { world, clock, config, ports, backup } = await setup(1);
    world.ebs(PRIMARY).complete();
    const [part] = backup.status.parts.filter((p) => p.kind === 'ebs-volume');
    const items = [{ id: 'm', signals: created(part?.snapshotId ?? '') }];
    await onSnapshotEvents(ports, clock, config, items);
    const puts: string[] = [];
    const put = world.store.putIfMatch.bind(world.store);
    world.store.putIfMatch = (key: string, body: string, etag: string) => {
      puts.push(key);
      return put(key, body, etag);
    };

    await onSnapshotEvents(ports, clock, config, items);

    expect(puts).toEqual([]);
  });

  it("leaves a recent start to its event in the sweeper's call, and looks it up once the event is overdue", async () => {
    const { world, clock, config, site, ports, backup } = await setup(1);
    world.ebs(PRIMARY).complete();
    world.rds(PRIMARY).complete();
    const grace = { eventGraceMs: 15 * 60_000 };
    const sweeper = { sites: config.sites, fromSweeper: true };

    const early = await advanceBackup(ports, clock, site, backup.id, grace, sweeper);
    const readEarly = [...world.ebs(PRIMARY).calls, ...world.rds(PRIMARY).calls];
    clock.advance(16 * 60_000);
    const late = await advanceBackup(ports, clock, site, backup.id, grace, sweeper);

    expect(readEarly).toEqual([]);
    expect(early.status.parts.map((p) => p.state)).toEqual(['pending', 'pending']);
    expect(late.status.parts.map((p) => p.state)).toEqual(['completed', 'completed']);
  });
});
