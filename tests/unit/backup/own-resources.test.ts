import { advanceBackup } from '../../../lib/backup/advance-backup';
import { discoverParts } from '../../../lib/backup/discover-parts';
import type { Backup } from '../../../lib/backup/model';
import { startBackup } from '../../../lib/backup/start-backup';
import { TAG } from '../../../lib/tags/vocabulary';
import { buildConfig, rawSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { FAKE_STAGE, FakeWorld } from './fake-ports';

const at = new Date('2026-11-22T02:00:00Z');
const PRIMARY = 'us-east-1';
const DR = 'us-west-2';

function setup() {
  const world = new FakeWorld();
  const clock = new FakeClock(at);
  const [site] = buildConfig(rawSite()).sites;
  if (site === undefined) throw new Error('no site');
  return { world, clock, site, ports: world.ports() };
}

/** A task volume as ECS makes it for a recovery (taskTags): the site's tag, and lifeboat's role. */
const taskVolume = (role: string, stage = FAKE_STAGE) => ({
  [TAG.managed]: 'true',
  [TAG.site]: 'blog',
  [TAG.role]: role,
  [TAG.recoveryId]: '20261122t093900z-1a2b3c4d',
  [TAG.stage]: stage,
});

describe('a backup protects only the resources lifeboat did not make', () => {
  it('leaves out every task volume lifeboat made, whatever its role or stage', async () => {
    const { world, clock, site, ports } = setup();
    const ebs = world.ebs(PRIMARY);
    ebs.addVolume('vol-00000002', { [TAG.site]: 'blog', Name: 'wp-content' });
    ebs.addVolume('vol-00000001', taskVolume('sandbox'));
    ebs.addVolume('vol-00000003', taskVolume('replacement'));
    ebs.addVolume('vol-00000004', taskVolume('final', 'staging'));
    world.rds(PRIMARY).addDatabase('blog-db');

    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });

    expect(backup.status.parts.map((p) => p.sourceId)).toEqual(['vol-00000002', 'blog-db']);
  });

  it('marks the part of the task definition volume by its Name tag, not by the order of the ids', async () => {
    const { world, site, ports } = setup();
    const ebs = world.ebs(PRIMARY);
    ebs.addVolume('vol-00000001', { [TAG.site]: 'blog', Name: 'uploads-cache' });
    ebs.addVolume('vol-00000002', { [TAG.site]: 'blog', Name: site.run.volumeName });
    const backup = {
      spec: { primaryRegion: PRIMARY, drRegion: DR, copyToDr: true },
      status: {},
    } as unknown as Backup;

    const parts = await discoverParts(
      ports,
      { ...site, protect: { ...site.protect, database: undefined } },
      backup,
    );

    expect(parts.map((p) => [p.sourceId, p.taskVolume])).toEqual([
      ['vol-00000001', undefined],
      ['vol-00000002', site.run.volumeName],
    ]);
  });

  it('marks none of several volumes when none is named as the task volume', async () => {
    const { world, site, ports } = setup();
    world.ebs(PRIMARY).addVolume('vol-00000001', { [TAG.site]: 'blog', Name: 'a' });
    world.ebs(PRIMARY).addVolume('vol-00000002', { [TAG.site]: 'blog', Name: 'b' });
    const backup = {
      spec: { primaryRegion: PRIMARY, drRegion: DR, copyToDr: true },
      status: {},
    } as unknown as Backup;

    const parts = await discoverParts(
      ports,
      { ...site, protect: { ...site.protect, database: undefined } },
      backup,
    );

    expect(parts.every((p) => p.taskVolume === undefined)).toBe(true);
  });

  it('refuses a database lifeboat restored for a recovery as the protected one', async () => {
    const { world, clock, site, ports } = setup();
    world.ebs(PRIMARY).addVolume('vol-00000001', { [TAG.site]: 'blog' });
    world.rds(PRIMARY).addDatabase('blog-db', 'rds-instance', false, { [TAG.role]: 'replacement' });

    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });

    expect(backup.status.parts.find((p) => p.sourceId === 'blog-db')).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/blog-db is one lifeboat made/),
    });
  });
});

describe('a backup adopts and copies only its own stage snapshots', () => {
  it("does not adopt another stage's snapshot of the same backup: it takes its own", async () => {
    const { world, clock, site, ports } = setup();
    world.ebs(PRIMARY).addVolume('vol-00000001', { [TAG.site]: 'blog' });
    const other = await world.ebs(PRIMARY).createSnapshot('vol-00000001', '', {
      [TAG.site]: 'blog',
      [TAG.backupId]: '20261122t020000z-scheduled',
      [TAG.stage]: 'staging',
    });

    const backup = await startBackup(ports, clock, {
      site: { ...site, protect: { ...site.protect, database: undefined } },
      kind: 'scheduled',
      at,
    });

    const [part] = backup.status.parts;
    expect(part?.snapshotId).toBeDefined();
    expect(part?.snapshotId).not.toBe(other.snapshotId);
  });

  it("refuses another stage's DB snapshot of the same name, and counts the refusal", async () => {
    const { world, clock, site, ports } = setup();
    world.ebs(PRIMARY).addVolume('vol-00000001', { [TAG.site]: 'blog' });
    world.rds(PRIMARY).addDatabase('blog-db');
    await world
      .rds(PRIMARY)
      .createSnapshot('rds-instance', 'blog-db', 'lifeboat-blog-20261122t020000z-scheduled', {
        [TAG.site]: 'blog',
        [TAG.backupId]: '20261122t020000z-scheduled',
        [TAG.stage]: 'staging',
      });

    const backup = await startBackup(ports, clock, { site, kind: 'scheduled', at });

    expect(backup.status.parts.find((p) => p.sourceId === 'blog-db')).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/lifeboat:stage is "staging", expected "test"/),
    });
    expect(world.refused).toContainEqual({ site: 'blog', action: 'adopt' });
  });

  it('refuses to copy a snapshot AWS says another account owns, and counts it', async () => {
    const { world, clock, site, ports } = setup();
    world.ebs(PRIMARY).addVolume('vol-00000001', { [TAG.site]: 'blog' });
    const noDb = { ...site, protect: { ...site.protect, database: undefined } };
    const started = await startBackup(ports, clock, { site: noDb, kind: 'scheduled', at });
    const snapshotId = started.status.parts[0]?.snapshotId ?? '';
    world.ebs(PRIMARY).complete();
    const snapshot = world.ebs(PRIMARY).snapshots.get(snapshotId);
    if (snapshot !== undefined) snapshot.ownerId = '999999999999';

    const advanced = await advanceBackup(ports, clock, noDb, started.id);

    expect(advanced.status.parts[0]?.copy).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(
        new RegExp(`snapshot ${snapshotId} in us-east-1: owner account is "999999999999"`),
      ),
    });
    expect(world.ebs(DR).snapshots.size).toBe(0);
    expect(world.refused).toContainEqual({ site: 'blog', action: 'copy' });
  });
});
