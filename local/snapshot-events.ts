import { randomUUID } from 'node:crypto';
import type { Backup, BackupPart } from '../lib/backup/model';

/** moto's fixed account. */
const ACCOUNT = '123456789012';

/** An EventBridge event AWS would send about a backup's snapshot, and a one-line description. */
export interface SynthesisedEvent {
  /** Identifies what the event announces, so it is sent once. */
  key: string;
  describe: string;
  event: Record<string, unknown>;
}

function envelope(detailType: string, source: string, region: string, resources: string[], detail: unknown) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source,
    account: ACCOUNT,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources,
    detail,
  };
}

function ebsEvent(
  kind: 'createSnapshot' | 'copySnapshot',
  region: string,
  snapshotId: string,
  source: string,
) {
  const arn = `arn:aws:ec2::${region}:snapshot/${snapshotId}`;
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return envelope('EBS Snapshot Notification', 'aws.ec2', region, [arn], {
    event: kind,
    result: 'succeeded',
    cause: '',
    'request-id': '',
    snapshot_id: arn,
    source,
    startTime: now,
    endTime: now,
  });
}

function rdsEvent(region: string, identifier: string, message: string, eventId: string, category: string) {
  const arn = `arn:aws:rds:${region}:${ACCOUNT}:snapshot:${identifier}`;
  return envelope('RDS DB Snapshot Event', 'aws.rds', region, [arn], {
    EventCategories: [category],
    SourceType: 'SNAPSHOT',
    SourceArn: arn,
    Date: new Date().toISOString(),
    Message: message,
    SourceIdentifier: identifier,
    EventID: eventId,
  });
}

function partEvents(backup: Backup, part: BackupPart): SynthesisedEvent[] {
  const primary = backup.spec.primaryRegion;
  const out: SynthesisedEvent[] = [];
  const snapshot = part.snapshotId;
  if (snapshot !== undefined && part.state !== 'failed') {
    out.push(
      part.kind === 'ebs-volume'
        ? {
            key: `create:${snapshot}`,
            describe: `EBS Snapshot Notification: createSnapshot ${snapshot} succeeded (${primary})`,
            event: ebsEvent(
              'createSnapshot',
              primary,
              snapshot,
              `arn:aws:ec2::${primary}:volume/${part.sourceId}`,
            ),
          }
        : {
            key: `create:${snapshot}`,
            describe: `RDS DB Snapshot Event: RDS-EVENT-0042 ${snapshot} created (${primary})`,
            event: rdsEvent(primary, snapshot, 'Manual snapshot created', 'RDS-EVENT-0042', 'creation'),
          },
    );
  }
  const copy = part.copy;
  if (snapshot !== undefined && copy.snapshotId !== undefined && copy.state === 'pending') {
    out.push(
      part.kind === 'ebs-volume'
        ? {
            key: `copy:${copy.snapshotId}`,
            describe: `EBS Snapshot Notification: copySnapshot ${copy.snapshotId} succeeded (${copy.region})`,
            event: ebsEvent(
              'copySnapshot',
              copy.region,
              copy.snapshotId,
              `arn:aws:ec2::${primary}:snapshot/${snapshot}`,
            ),
          }
        : {
            key: `copy:${copy.region}:${copy.snapshotId}`,
            describe: `RDS DB Snapshot Event: RDS-EVENT-0060 copy of ${snapshot} finished (${copy.region})`,
            event: rdsEvent(
              copy.region,
              copy.snapshotId,
              `Finished copy of snapshot arn:aws:rds:${primary}:${ACCOUNT}:snapshot:${snapshot}`,
              'RDS-EVENT-0060',
              'notification',
            ),
          },
    );
  }
  return out;
}

/**
 * The snapshot events AWS would have sent by now for a backup (moto sends none): a creation event
 * per started snapshot, a copy-finished event per DR copy under way. Events in `sent` are left out.
 */
export function snapshotEventsFor(backup: Backup, sent: ReadonlySet<string>): SynthesisedEvent[] {
  return backup.status.parts.flatMap((part) => partEvents(backup, part)).filter((e) => !sent.has(e.key));
}
