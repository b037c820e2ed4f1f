import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSnapshotEvent, snsMessages } from '../../../lib/backup/events';
import { InvalidInputError } from '../../../lib/errors';
import { REFERENCE_EVENTS_DIR } from '../../support/reference-events';

const root = join(__dirname, '../../..');
const referenceDir = REFERENCE_EVENTS_DIR;
const load = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
const sample = (name: string) => load(join(root, 'events', name));

describe('parseSnapshotEvent', () => {
  it('accepts the published EBS createSnapshot sample', () => {
    const signals = parseSnapshotEvent(load(join(referenceDir, 'ebs-snapshot-notification-create.json')));

    expect(signals).toEqual([
      {
        service: 'ebs',
        region: 'us-east-1',
        snapshotId: 'snap-01234567',
        volumeId: 'vol-01234567',
        sourceSnapshotId: undefined,
        sourceRegion: undefined,
        failure: undefined,
        event: 'createSnapshot',
      },
    ]);
  });

  it('accepts the published RDS DB snapshot sample', () => {
    const signals = parseSnapshotEvent(load(join(referenceDir, 'rds-db-snapshot-event.json')));

    expect(signals).toEqual([
      expect.objectContaining({
        service: 'rds',
        region: 'us-east-1',
        snapshotId: 'rds:my-db-snapshot',
        failure: undefined,
      }),
    ]);
  });

  it.each([
    'aws.ec2/create-snapshot-succeeded.json',
    'aws.ec2/create-snapshot-failed.json',
    'aws.ec2/copy-snapshot-succeeded.json',
    'aws.ec2/copy-snapshot-failed.json',
    'aws.ec2/multi-volume-snapshots-completed.json',
    'aws.rds/manual-snapshot-created.json',
    'aws.rds/cross-region-copy-finished.json',
  ])('accepts the sample %s', (name) => {
    expect(parseSnapshotEvent(sample(name)).length).toBeGreaterThan(0);
  });

  it('reads a copy event as the copy in the DR region with its source in the primary', () => {
    const [signal] = parseSnapshotEvent(sample('aws.ec2/copy-snapshot-failed.json'));

    expect(signal).toMatchObject({
      region: 'us-west-2',
      snapshotId: 'snap-76543210',
      sourceSnapshotId: 'snap-01234567',
      sourceRegion: 'us-east-1',
      failure: 'Snapshot snap-01234567 does not exist.',
    });
  });

  it('lists every snapshot of a multi-volume completion event', () => {
    const signals = parseSnapshotEvent(sample('aws.ec2/multi-volume-snapshots-completed.json'));

    expect(signals.map((s) => [s.snapshotId, s.volumeId])).toEqual([
      ['snap-01234567', 'vol-01234567'],
      ['snap-012345678', 'vol-012345678'],
    ]);
  });

  it('takes an RDS failure category as the failure, with the message as cause', () => {
    const event = sample('aws.rds/manual-snapshot-created.json') as { detail: Record<string, unknown> };
    event.detail.EventCategories = ['failure'];
    event.detail.Message = 'Snapshot failed: storage full';

    expect(parseSnapshotEvent(event)[0]?.failure).toBe('Snapshot failed: storage full');
  });

  it.each([
    ['aws.ec2/malformed-missing-snapshot-id.json', /detail\.snapshot_id/],
    ['aws.rds/malformed-missing-source-identifier.json', /detail\.SourceIdentifier/],
  ])('rejects %s naming the missing field', (name, field) => {
    expect(() => parseSnapshotEvent(sample(name))).toThrow(InvalidInputError);
    expect(() => parseSnapshotEvent(sample(name))).toThrow(field);
  });

  it('rejects an event without the envelope fields EventBridge always sends, naming them', () => {
    const {
      id: _id,
      time: _time,
      ...bare
    } = sample('aws.ec2/create-snapshot-succeeded.json') as Record<string, unknown>;

    expect(() => parseSnapshotEvent(bare)).toThrow(/at id\b[\s\S]*at time\b/);
  });

  it.each(
    readdirSync(referenceDir).filter((f) => f.endsWith('.json') && !/ebs-snapshot|rds-db-snapshot/.test(f)),
  )('rejects the unrelated reference event %s', (file) => {
    expect(() => parseSnapshotEvent(load(join(referenceDir, file)))).toThrow(InvalidInputError);
  });

  it.each([
    ['not an object', 'hello'],
    [
      'a result AWS does not send',
      {
        ...(sample('aws.ec2/create-snapshot-succeeded.json') as object),
        detail: { event: 'createSnapshot', result: 'maybe', snapshot_id: 'snap-1' },
      },
    ],
  ])('rejects %s', (_name, event) => {
    expect(() => parseSnapshotEvent(event)).toThrow(InvalidInputError);
  });
});

describe('snsMessages', () => {
  it('reads the message of the sample work-topic delivery', () => {
    expect(snsMessages(sample('backup/sns-advance-blog.json'))).toEqual([
      '{"site":"blog","backupId":"20261122t020000z-scheduled"}',
    ]);
  });

  it.each([
    ['a direct invocation', sample('backup/advance-blog.json')],
    ['an EventBridge event', sample('aws.rds/manual-snapshot-created.json')],
    ['an empty Records list', { Records: [] }],
  ])('is undefined for %s', (_name, event) => {
    expect(snsMessages(event)).toBeUndefined();
  });
});
