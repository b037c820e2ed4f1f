import { advanceBackup } from '../../../lib/backup/advance-backup';
import { startBackup } from '../../../lib/backup/start-backup';
import { buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { FakeWorld } from './fake-ports';

const PRIMARY = 'us-east-1';
const DR = 'us-west-2';
const night1 = new Date('2026-11-22T02:00:00Z');
const night2 = new Date('2026-11-23T02:00:00Z');
const noSlots = { ebsCopiesInFlight: 0 };

function siteWithVolumes(world: FakeWorld, name: string, volumes: number) {
  for (let i = 1; i <= volumes; i++)
    world.ebs(PRIMARY).addVolume(`vol-${name}${i}`, { 'lifeboat:site': name });
  return buildSite({ name, protect: { volumes: { tags: { 'lifeboat:site': name } } } });
}

/** Starts a backup of `site` at `at` and completes its snapshots; copies get no slot. */
async function snapshotted(world: FakeWorld, clock: FakeClock, site: ReturnType<typeof buildSite>, at: Date) {
  clock.set(at);
  const backup = await startBackup(world.ports(), clock, { site, kind: 'scheduled', at });
  world.ebs(PRIMARY).complete();
  return advanceBackup(world.ports(), clock, site, backup.id, noSlots);
}

describe('DR copies coalesce', () => {
  it('drops a queued copy when a newer snapshot of its volume completes, and completes that backup', async () => {
    const world = new FakeWorld();
    const clock = new FakeClock(night1);
    const site = siteWithVolumes(world, 'blog', 2);

    const first = await snapshotted(world, clock, site, night1);
    const second = await snapshotted(world, clock, site, night2);
    const firstAfter = await world.catalog.getBackup('blog', first.id);

    expect(first.status.parts.map((p) => p.copy.state)).toEqual(['waiting', 'waiting']);
    expect(firstAfter?.status.phase).toBe('Completed');
    expect(firstAfter?.status.parts.map((p) => [p.copy.state, p.copy.supersededBy])).toEqual([
      ['superseded', second.id],
      ['superseded', second.id],
    ]);
    expect(second.status.parts.map((p) => p.copy.state)).toEqual(['waiting', 'waiting']);
    expect(world.finished.map((b) => [b.id, b.status.phase])).toEqual([[first.id, 'Completed']]);
  });

  it('copies the newer snapshot instead, once a slot is free: one copy per volume, not two', async () => {
    const world = new FakeWorld();
    const clock = new FakeClock(night1);
    const site = siteWithVolumes(world, 'blog', 2);
    await snapshotted(world, clock, site, night1);
    const second = await snapshotted(world, clock, site, night2);

    const copying = await advanceBackup(world.ports(), clock, site, second.id);
    world.ebs(DR).complete();
    const done = await advanceBackup(world.ports(), clock, site, second.id);

    expect(copying.status.parts.map((p) => p.copy.state)).toEqual(['pending', 'pending']);
    expect(done.status.phase).toBe('Completed');
    const copiedFrom = [...world.ebs(DR).snapshots.values()].map((s) => s.tags['lifeboat:backup-id']);
    expect(copiedFrom).toEqual([second.id, second.id]);
  });

  it('lets a copy already in flight finish, and queues the newer one after it', async () => {
    const world = new FakeWorld();
    const clock = new FakeClock(night1);
    const site = siteWithVolumes(world, 'blog', 1);
    const first = await snapshotted(world, clock, site, night1);
    const inFlight = await advanceBackup(world.ports(), clock, site, first.id);
    const second = await snapshotted(world, clock, site, night2);

    const afterNewer = await advanceBackup(world.ports(), clock, site, second.id);
    world.ebs(DR).complete();
    const firstDone = await advanceBackup(world.ports(), clock, site, first.id);
    const secondCopying = await world.catalog.getBackup('blog', second.id);

    expect(inFlight.status.parts[0]?.copy.state).toBe('pending');
    // One copy per volume at a time: the newer waits while the older is in flight.
    expect(afterNewer.status.parts[0]?.copy.state).toBe('waiting');
    expect(firstDone.status.phase).toBe('Completed');
    expect(firstDone.status.parts[0]?.copy.state).toBe('completed');
    // The completion that freed the slot started the newer backup's copy.
    expect(secondCopying?.status.parts[0]?.copy.state).toBe('pending');
  });

  it('does not queue a copy older than the newest one already copied', async () => {
    const world = new FakeWorld();
    const clock = new FakeClock(night1);
    const site = siteWithVolumes(world, 'blog', 1);
    const first = await snapshotted(world, clock, site, night1);
    const second = await snapshotted(world, clock, site, night2);
    await advanceBackup(world.ports(), clock, site, second.id);
    world.ebs(DR).complete();
    await advanceBackup(world.ports(), clock, site, second.id);

    const firstAgain = await advanceBackup(world.ports(), clock, site, first.id);

    expect(firstAgain.status.phase).toBe('Completed');
    expect(firstAgain.status.parts[0]?.copy).toMatchObject({ state: 'superseded', supersededBy: second.id });
    expect(world.ebs(DR).snapshots.size).toBe(1);
  });
});

describe('a freed copy slot', () => {
  it("is refilled by the completion that freed it, with another backup's copy", async () => {
    const world = new FakeWorld();
    const clock = new FakeClock(night1);
    const a = siteWithVolumes(world, 'shop', 1);
    const b = siteWithVolumes(world, 'wiki', 1);
    const oneSlot = { ebsCopiesInFlight: 1 };
    const backupA = await startBackup(world.ports(), clock, { site: a, kind: 'scheduled', at: night1 });
    const backupB = await startBackup(world.ports(), clock, { site: b, kind: 'scheduled', at: night1 });
    world.ebs(PRIMARY).complete();
    const copyingA = await advanceBackup(world.ports(), clock, a, backupA.id, oneSlot);
    const waitingB = await advanceBackup(world.ports(), clock, b, backupB.id, oneSlot);

    world.ebs(DR).complete();
    const doneA = await advanceBackup(world.ports(), clock, a, backupA.id, oneSlot, { sites: [a, b] });
    const startedB = await world.catalog.getBackup('wiki', backupB.id);

    expect(copyingA.status.parts[0]?.copy.state).toBe('pending');
    expect(waitingB.status.parts[0]?.copy.state).toBe('waiting');
    expect(doneA.status.phase).toBe('Completed');
    expect(startedB?.status.parts[0]?.copy.state).toBe('pending');
  });
});
