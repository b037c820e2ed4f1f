import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AllAwsClients } from '../../../lib/aws/all-clients';
import { parseSnapshotEvent } from '../../../lib/backup/events';
import { onSnapshotEvent } from '../../../lib/backup/on-snapshot-event';
import { startBackup } from '../../../lib/backup/start-backup';
import { FakeClock } from '../../support/fake-clock';
import { motoEndpoint } from '../../support/moto';
import { REFERENCE_EVENTS_DIR } from '../../support/reference-events';
import { AwsBehaviour, makeMotoSite } from './support';

const PRIMARY = 'us-east-1';
const at = new Date('2026-11-22T02:00:00Z');

/** The published failed createSnapshots event, its sample ids replaced by the backup's real ones. */
function failedCreateSnapshots(completed: [string, string], failed: [string, string]): unknown {
  let text = readFileSync(join(REFERENCE_EVENTS_DIR, 'ebs-snapshot-multi-volume-failed.json'), 'utf8');
  const ids: Record<string, string> = {
    'snap-012345678': failed[0],
    'vol-012345678': failed[1],
    'snap-01234567': completed[0],
    'vol-01234567': completed[1],
  };
  // Matched with the closing quote: snap-01234567 is a prefix of snap-012345678.
  for (const [from, to] of Object.entries(ids)) text = text.split(`${from}"`).join(`${to}"`);
  text = text.split('Snapshot snap-012345678 ').join(`Snapshot ${failed[0]} `);
  return JSON.parse(text);
}

describe('a multi-volume completion event with mixed snapshot statuses (moto, real event shape)', () => {
  it('fails only the snapshot whose own status is not completed; the completed one goes on to its copy', async () => {
    const aws = new AwsBehaviour();
    const clients = new AllAwsClients({
      endpoint: motoEndpoint(),
      defaultRegion: PRIMARY,
      maxAttempts: 1,
      retryMode: 'standard',
      decorate: aws.decorate,
    });
    const moto = await makeMotoSite(clients, { volumes: 2 });
    const clock = new FakeClock(at);
    const backup = await startBackup(moto.ports, clock, { site: moto.site, kind: 'scheduled', at });
    const [good, bad] = backup.status.parts.filter((p) => p.kind === 'ebs-volume');
    if (good?.snapshotId === undefined || bad?.snapshotId === undefined)
      throw new Error('two EBS parts expected');
    // AWS agrees with the event: one snapshot completed, the other in error.
    aws.release(PRIMARY, good.snapshotId);
    aws.fail(PRIMARY, bad.snapshotId, 'internal error');
    for (const part of backup.status.parts.filter((p) => p.kind !== 'ebs-volume'))
      aws.release(PRIMARY, part.snapshotId ?? '');

    const outcome = await onSnapshotEvent(
      moto.ports,
      clock,
      { sites: [moto.site] },
      parseSnapshotEvent(
        failedCreateSnapshots([good.snapshotId, good.sourceId], [bad.snapshotId, bad.sourceId]),
      ),
    );

    const after = await moto.catalog.getBackup(moto.site.name, backup.id);
    const state = (snapshotId: string) => {
      const part = after?.status.parts.find((p) => p.snapshotId === snapshotId);
      return [part?.state, part?.copy.state, part?.error];
    };
    expect(outcome.advanced).toEqual([expect.objectContaining({ backupId: backup.id })]);
    expect(state(good.snapshotId)).toEqual(['completed', 'pending', undefined]);
    expect(state(bad.snapshotId)).toEqual([
      'failed',
      'skipped',
      `Snapshot ${bad.snapshotId} is in status error`,
    ]);
    expect(after?.status.phase).not.toBe('Failed');
  });
});
