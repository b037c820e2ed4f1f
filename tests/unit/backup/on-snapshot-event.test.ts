import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { advanceBackup } from '../../../lib/backup/advance-backup';
import { parseSnapshotEvent } from '../../../lib/backup/events';
import { onSnapshotEvent } from '../../../lib/backup/on-snapshot-event';
import { startBackup } from '../../../lib/backup/start-backup';
import { buildConfig, rawSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { FakeWorld } from './fake-ports';

const at = new Date('2026-11-22T02:00:00Z');

/** A sample event from events/ with its ids replaced by the ones the fakes made. */
function event(name: string, replace: Record<string, string>): unknown {
  let text = readFileSync(join(__dirname, '../../../events', name), 'utf8');
  for (const [from, to] of Object.entries(replace)) text = text.split(from).join(to);
  return JSON.parse(text);
}

async function setup() {
  const world = new FakeWorld();
  const clock = new FakeClock(at);
  const config = buildConfig(rawSite());
  const site = config.sites[0];
  if (site === undefined) throw new Error('no site');
  world.ebs('us-east-1').addVolume('vol-00000001', { 'lifeboat:site': 'blog' });
  world.rds('us-east-1').addDatabase('blog-db');
  const ports = world.ports();
  const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });
  const snapshotId = backup.status.parts[0]?.snapshotId ?? '';
  return { world, clock, config, site, ports, backup, snapshotId };
}

describe('onSnapshotEvent', () => {
  it('advances the backup a createSnapshot event names, starting its copy', async () => {
    const { world, clock, config, ports, snapshotId } = await setup();
    world.ebs('us-east-1').complete();

    const outcome = await onSnapshotEvent(
      ports,
      clock,
      config,
      parseSnapshotEvent(event('aws.ec2/create-snapshot-succeeded.json', { 'snap-01234567': snapshotId })),
    );

    expect(outcome.advanced).toEqual([
      { site: 'blog', backupId: '20261122t020000z-scheduled', phase: 'Pending' },
    ]);
    expect(world.ebs('us-west-2').snapshots.size).toBe(1);
  });

  it('advances the backup an RDS event names, by its identifier alone', async () => {
    const { world, clock, config, ports } = await setup();
    world.rds('us-east-1').complete();

    const outcome = await onSnapshotEvent(
      ports,
      clock,
      config,
      parseSnapshotEvent(event('aws.rds/manual-snapshot-created.json', {})),
    );

    expect(outcome.advanced).toHaveLength(1);
    expect(world.rds('us-west-2').snapshots.size).toBe(1);
  });

  it('records the cause of a failed createSnapshot event on the part', async () => {
    const { clock, config, ports, snapshotId } = await setup();

    await onSnapshotEvent(
      ports,
      clock,
      config,
      parseSnapshotEvent(event('aws.ec2/create-snapshot-failed.json', { 'snap-01234567': snapshotId })),
    );
    const backup = await ports.catalog.getBackup('blog', '20261122t020000z-scheduled');

    expect(backup?.status.parts[0]).toMatchObject({
      state: 'failed',
      error: 'Incorrect state: the volume is not attached or is being deleted',
    });
  });

  it('records a failed copy with AWS cause even though the copy left no snapshot behind', async () => {
    const { world, clock, config, site, ports, backup, snapshotId } = await setup();
    world.ebs('us-east-1').complete();
    const copying = await advanceBackup(ports, clock, site, backup.id);
    const copyId = copying.status.parts[0]?.copy.snapshotId ?? '';
    world.ebs('us-west-2').snapshots.clear();

    await onSnapshotEvent(
      ports,
      clock,
      config,
      parseSnapshotEvent(
        event('aws.ec2/copy-snapshot-failed.json', { 'snap-01234567': snapshotId, 'snap-76543210': copyId }),
      ),
    );
    const stored = await ports.catalog.getBackup('blog', backup.id);

    expect(stored?.status.parts[0]?.copy).toMatchObject({
      state: 'failed',
      error: `Snapshot ${snapshotId} does not exist.`,
    });
  });

  it('ignores snapshots lifeboat did not make, and backups it does not know', async () => {
    const { clock, config, ports } = await setup();

    const notOurs = await onSnapshotEvent(
      ports,
      clock,
      config,
      parseSnapshotEvent(event('aws.ec2/create-snapshot-succeeded.json', {})),
    );
    const unknown = await onSnapshotEvent(
      ports,
      clock,
      config,
      parseSnapshotEvent(
        event('aws.rds/manual-snapshot-created.json', { '20261122t020000z': '20261121t020000z' }),
      ),
    );
    const otherSite = await onSnapshotEvent(
      ports,
      clock,
      config,
      parseSnapshotEvent(
        event('aws.rds/manual-snapshot-created.json', { 'lifeboat-blog-': 'lifeboat-shop-' }),
      ),
    );

    expect(notOurs.ignored).toEqual([{ snapshotId: 'snap-01234567', reason: 'not a lifeboat snapshot' }]);
    expect(unknown.ignored[0]?.reason).toMatch(/has no backup 20261121t020000z-scheduled/);
    expect(otherSite.ignored[0]?.reason).toBe('site shop is not in the config');
  });

  it('changes nothing on a duplicate or a late (out-of-order) event', async () => {
    const { world, clock, config, site, ports, backup, snapshotId } = await setup();
    world.ebs('us-east-1').complete();
    world.rds('us-east-1').complete();
    // Each event is trusted for the part it names only: the volume's and the database's both arrive.
    const created = [
      ...parseSnapshotEvent(event('aws.ec2/create-snapshot-succeeded.json', { 'snap-01234567': snapshotId })),
      ...parseSnapshotEvent(event('aws.rds/manual-snapshot-created.json', {})),
    ];
    await onSnapshotEvent(ports, clock, config, created);
    world.ebs('us-west-2').complete();
    world.rds('us-west-2').complete();
    const done = await advanceBackup(ports, clock, site, backup.id);

    await onSnapshotEvent(ports, clock, config, created);
    await onSnapshotEvent(ports, clock, config, created);

    expect(done.status.phase).toBe('Completed');
    expect(await ports.catalog.getBackup('blog', backup.id)).toEqual(done);
    expect(world.ebs('us-west-2').snapshots.size).toBe(1);
  });
});
