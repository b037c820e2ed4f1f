import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { AllAwsClients } from '../../../lib/aws/all-clients';
import { Ec2Adapter } from '../../../lib/aws/ec2';
import { inlineDispatch } from '../../../lib/backup/dispatch';
import { parseSnapshotEvent } from '../../../lib/backup/events';
import type { Backup } from '../../../lib/backup/model';
import { onSnapshotEvent } from '../../../lib/backup/on-snapshot-event';
import { startBackup } from '../../../lib/backup/start-backup';
import { sweepBackups } from '../../../lib/backup/sweep-backups';
import type { LifeboatConfig } from '../../../lib/config/schema';
import { fromTagList } from '../../../lib/tags/vocabulary';
import { FakeClock } from '../../support/fake-clock';
import { motoEndpoint } from '../../support/moto';
import { AwsBehaviour, type MotoSite, makeMotoSite } from './support';

const PRIMARY = 'us-east-1';
const DR = 'us-west-2';
const at = new Date('2026-11-22T02:00:00Z');

/** A sample event from events/, in AWS's shape, with the sample ids replaced by real ones. */
function awsEvent(name: string, replace: Record<string, string>): unknown {
  let text = readFileSync(join(__dirname, '../../../events', name), 'utf8');
  for (const [from, to] of Object.entries(replace)) text = text.split(from).join(to);
  return JSON.parse(text);
}

describe('backup pipeline end to end (moto, events in the real shapes)', () => {
  let aws: AwsBehaviour;
  let clients: AllAwsClients;
  let moto: MotoSite;
  let config: LifeboatConfig;
  let clock: FakeClock;

  beforeEach(async () => {
    aws = new AwsBehaviour();
    clients = new AllAwsClients({
      endpoint: motoEndpoint(),
      defaultRegion: PRIMARY,
      maxAttempts: 1,
      retryMode: 'standard',
      decorate: aws.decorate,
    });
    moto = await makeMotoSite(clients);
    config = { sites: [moto.site] };
    clock = new FakeClock(at);
  });

  const rdsId = (backup: Backup) => `lifeboat-${moto.site.name}-${backup.id}`;
  const ebsPart = (b: Backup | undefined) => b?.status.parts.find((p) => p.kind === 'ebs-volume');
  const current = async (id: string) => moto.catalog.getBackup(moto.site.name, id);
  const feed = (event: unknown) => onSnapshotEvent(moto.ports, clock, config, parseSnapshotEvent(event));
  const sweep = () =>
    sweepBackups(moto.ports, clock, config.sites, inlineDispatch(moto.ports, clock, config));

  it('snapshots, copies to the DR region on completion events, and completes', async () => {
    const backup = await startBackup(moto.ports, clock, { site: moto.site, kind: 'scheduled', at });
    const snapshotId = ebsPart(backup)?.snapshotId ?? '';
    expect(backup.status.phase).toBe('Pending');

    aws.release(PRIMARY, snapshotId);
    await feed(
      awsEvent('aws.ec2/create-snapshot-succeeded.json', {
        'snap-01234567': snapshotId,
        'vol-01234567': moto.volumeId,
      }),
    );
    aws.release(PRIMARY, rdsId(backup));
    await feed(
      awsEvent('aws.rds/manual-snapshot-created.json', {
        'lifeboat-blog-20261122t020000z-scheduled': rdsId(backup),
      }),
    );
    const copying = await current(backup.id);
    const copyId = ebsPart(copying)?.copy.snapshotId ?? '';
    expect(copying?.status.phase).toBe('Copying');
    expect(copying?.status.parts.map((p) => p.copy.state)).toEqual(['pending', 'pending']);

    aws.release(DR, copyId);
    await feed(
      awsEvent('aws.ec2/copy-snapshot-succeeded.json', {
        'snap-01234567': snapshotId,
        'snap-76543210': copyId,
      }),
    );
    aws.release(DR, rdsId(backup));
    const outcome = await feed(
      awsEvent('aws.rds/cross-region-copy-finished.json', {
        'lifeboat-blog-20261122t020000z-scheduled': rdsId(backup),
      }),
    );
    const sweepAfter = await sweep();

    expect(outcome.advanced).toEqual([{ site: moto.site.name, backupId: backup.id, phase: 'Completed' }]);
    expect(sweepAfter.dispatched).toEqual([]);
    const done = await current(backup.id);
    expect(done?.status.parts).toEqual([
      expect.objectContaining({ sourceId: moto.volumeId, snapshotId, state: 'completed' }),
      expect.objectContaining({ sourceId: moto.dbId, snapshotId: rdsId(backup), state: 'completed' }),
    ]);
    expect(done?.status.parts.map((p) => p.copy)).toEqual([
      expect.objectContaining({ region: DR, state: 'completed', snapshotId: copyId }),
      expect.objectContaining({ region: DR, state: 'completed', snapshotId: rdsId(backup) }),
    ]);

    const tags = {
      'lifeboat:site': moto.site.name,
      'lifeboat:backup-id': backup.id,
      'lifeboat:managed': 'true',
    };
    const primary = await new Ec2Adapter(clients.ec2(PRIMARY), PRIMARY).findSnapshots({ tags });
    const copies = await new Ec2Adapter(clients.ec2(DR), DR).findSnapshots({ tags });
    expect(primary.map((s) => s.snapshotId)).toEqual([snapshotId]);
    expect(copies.map((s) => [s.snapshotId, s.tags['lifeboat:source-snapshot']])).toEqual([
      [copyId, snapshotId],
    ]);
    for (const region of [PRIMARY, DR]) {
      const out = await clients
        .rds(region)
        .send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: rdsId(backup) }));
      expect(out.DBSnapshots?.map((s) => fromTagList(s.TagList))).toEqual([expect.objectContaining(tags)]);
    }
  });

  it('heals lost events: the sweeper alone takes the backup to Completed', async () => {
    const backup = await startBackup(moto.ports, clock, { site: moto.site, kind: 'scheduled', at });
    aws.release(PRIMARY, ebsPart(backup)?.snapshotId ?? '');
    aws.release(PRIMARY, rdsId(backup));

    await sweep();
    const copying = await current(backup.id);
    aws.release(DR, ebsPart(copying)?.copy.snapshotId ?? '');
    aws.release(DR, rdsId(backup));
    await sweep();

    expect((await current(backup.id))?.status.phase).toBe('Completed');
    expect(await moto.catalog.openBackupIds(moto.site.name)).toEqual([]);
  });

  it('takes duplicate and out-of-order events without a second copy or a step back', async () => {
    const backup = await startBackup(moto.ports, clock, { site: moto.site, kind: 'scheduled', at });
    const snapshotId = ebsPart(backup)?.snapshotId ?? '';
    const created = awsEvent('aws.ec2/create-snapshot-succeeded.json', { 'snap-01234567': snapshotId });
    const rdsCopied = awsEvent('aws.rds/cross-region-copy-finished.json', {
      'lifeboat-blog-20261122t020000z-scheduled': rdsId(backup),
    });
    const rdsCreated = awsEvent('aws.rds/manual-snapshot-created.json', {
      'lifeboat-blog-20261122t020000z-scheduled': rdsId(backup),
    });

    // The copy-finished event arrives first, before there is any copy: nothing moves.
    await feed(rdsCopied);
    expect((await current(backup.id))?.status.phase).toBe('Pending');
    aws.release(PRIMARY, snapshotId);
    aws.release(PRIMARY, rdsId(backup));
    await Promise.all([feed(created), feed(created), feed(created)]);
    await feed(created);
    // An event is trusted for the part it names only: the database's own arrives too.
    await feed(rdsCreated);

    const copies = await new Ec2Adapter(clients.ec2(DR), DR).findSnapshots({
      tags: { 'lifeboat:backup-id': backup.id, 'lifeboat:site': moto.site.name },
    });
    expect(copies).toHaveLength(1);
    expect(aws.calls.filter((c) => c === `${DR}:CopyDBSnapshotCommand`)).toHaveLength(1);
    expect((await current(backup.id))?.status.phase).toBe('Copying');
  });

  it('records a failed snapshot with AWS cause and ends PartiallyFailed', async () => {
    const backup = await startBackup(moto.ports, clock, { site: moto.site, kind: 'scheduled', at });
    const snapshotId = ebsPart(backup)?.snapshotId ?? '';
    aws.fail(PRIMARY, snapshotId, 'Incorrect state: the volume is not attached or is being deleted');
    aws.release(PRIMARY, rdsId(backup));

    await feed(awsEvent('aws.ec2/create-snapshot-failed.json', { 'snap-01234567': snapshotId }));
    aws.release(DR, rdsId(backup));
    await sweep();

    const done = await current(backup.id);
    expect(done?.status.phase).toBe('PartiallyFailed');
    expect(ebsPart(done)).toMatchObject({
      state: 'failed',
      error: 'Incorrect state: the volume is not attached or is being deleted',
    });
    expect(done?.status.failureReason).toContain(`${moto.volumeId}: snapshot failed`);
  });

  it('rides out throttling in the middle: the throttled steps wait and the backup completes', async () => {
    aws.throttle('CreateDBSnapshotCommand');
    const backup = await startBackup(moto.ports, clock, { site: moto.site, kind: 'scheduled', at });
    const database = backup.status.parts.find((p) => p.kind === 'rds-instance');
    expect(database?.state).toBe('pending');
    expect(database?.snapshotId).toBeUndefined();

    aws.release(PRIMARY, ebsPart(backup)?.snapshotId ?? '');
    aws.release(PRIMARY, rdsId(backup));
    aws.throttle('CopySnapshotCommand');
    aws.throttle('DescribeSnapshotsCommand');
    const throttledSweep = await sweep();
    const afterThrottle = await current(backup.id);
    // AWS finishes whatever was started; the sweeper keeps going until the backup is done.
    for (let round = 0; round < 4; round++) {
      const b = await current(backup.id);
      for (const p of b?.status.parts ?? [])
        if (p.copy.snapshotId !== undefined) aws.release(DR, p.copy.snapshotId);
      await sweep();
    }

    expect(aws.throttlesLeft()).toBe(0);
    expect(afterThrottle?.status.phase).toBe('Pending');
    expect(throttledSweep.dispatched).toHaveLength(1);
    const done = await current(backup.id);
    expect(done?.status.phase).toBe('Completed');
    expect(done?.status.parts.every((p) => p.error === undefined && p.copy.error === undefined)).toBe(true);
  });
});
