import { parseSnapshotEvent } from '../../../lib/backup/events';
import { snapshotEventsFor } from '../../../local/snapshot-events';
import { buildBackup } from '../../support/builders';

describe('snapshotEventsFor (events the local run sends in place of AWS)', () => {
  const backup = buildBackup({
    phase: 'Copying',
    parts: [
      {
        kind: 'ebs-volume',
        sourceId: 'vol-0a1b',
        snapshotId: 'snap-0c2d',
        state: 'completed',
        copy: { region: 'us-west-2', state: 'pending', snapshotId: 'snap-0e3f' },
      },
      {
        kind: 'rds-instance',
        sourceId: 'blog-db',
        snapshotId: 'lifeboat-blog-20261122t020000z-scheduled',
        state: 'completed',
        copy: { region: 'us-west-2', state: 'waiting' },
      },
    ],
  });

  it('announces each started snapshot and each copy under way, in shapes the real parser accepts', () => {
    const events = snapshotEventsFor(backup, new Set());

    expect(events.map((e) => e.key)).toEqual([
      'create:snap-0c2d',
      'copy:snap-0e3f',
      'create:lifeboat-blog-20261122t020000z-scheduled',
    ]);
    expect(events.map((e) => parseSnapshotEvent(e.event))).toEqual([
      [
        expect.objectContaining({
          service: 'ebs',
          region: 'us-east-1',
          snapshotId: 'snap-0c2d',
          failure: undefined,
        }),
      ],
      [
        expect.objectContaining({
          service: 'ebs',
          region: 'us-west-2',
          snapshotId: 'snap-0e3f',
          failure: undefined,
        }),
      ],
      [
        expect.objectContaining({
          service: 'rds',
          region: 'us-east-1',
          snapshotId: 'lifeboat-blog-20261122t020000z-scheduled',
          failure: undefined,
        }),
      ],
    ]);
  });

  it('sends nothing twice', () => {
    const sent = new Set(snapshotEventsFor(backup, new Set()).map((e) => e.key));

    expect(snapshotEventsFor(backup, sent)).toEqual([]);
  });

  it('announces a finished RDS copy in the DR region', () => {
    const copying = structuredClone(backup);
    const db = copying.status.parts[1];
    if (db !== undefined)
      db.copy = { region: 'us-west-2', state: 'pending', snapshotId: 'lifeboat-blog-copy' };

    const events = snapshotEventsFor(copying, new Set(['create:snap-0c2d', 'copy:snap-0e3f']));

    expect(events.map((e) => e.describe)).toEqual([
      'RDS DB Snapshot Event: RDS-EVENT-0042 lifeboat-blog-20261122t020000z-scheduled created (us-east-1)',
      'RDS DB Snapshot Event: RDS-EVENT-0060 copy of lifeboat-blog-20261122t020000z-scheduled finished (us-west-2)',
    ]);
    expect(parseSnapshotEvent(events[1]?.event)).toEqual([
      expect.objectContaining({ service: 'rds', region: 'us-west-2', snapshotId: 'lifeboat-blog-copy' }),
    ]);
  });
});
