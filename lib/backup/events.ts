import { SnsEnvelope } from '@aws-lambda-powertools/parser/envelopes/sns';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { SqsSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import { z } from 'zod';
import { InvalidInputError } from '../errors';

/**
 * The AWS events that move a backup forward, in the shapes AWS documents, each Powertools'
 * EventBridge envelope with lifeboat's `detail`:
 * https://docs.aws.amazon.com/ebs/latest/userguide/ebs-cloud-watch-events.html
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-cloud-watch-events.sample.html
 * Unknown fields are allowed (AWS adds fields); missing or mistyped required ones are rejected.
 * Powertools' envelope allows an empty region; a signal must name the region its snapshot is in.
 */
const region = z.string().min(1);

const result = z.enum(['succeeded', 'failed']);

const ebsSnapshotNotification = EventBridgeSchema.extend({
  region,
  'detail-type': z.literal('EBS Snapshot Notification'),
  source: z.literal('aws.ec2'),
  detail: z.object({
    event: z.string().min(1),
    result,
    cause: z.string().optional(),
    snapshot_id: z.string().min(1),
    source: z.string().optional(),
    startTime: z.string().optional(),
    endTime: z.string().optional(),
  }),
});

const ebsMultiVolume = EventBridgeSchema.extend({
  region,
  'detail-type': z.literal('EBS Multi-Volume Snapshots Completion Status'),
  source: z.literal('aws.ec2'),
  detail: z.object({
    event: z.string().min(1),
    result,
    cause: z.string().optional(),
    snapshots: z
      .array(
        z.object({
          snapshot_id: z.string().min(1),
          source: z.string().optional(),
          status: z.string().optional(),
        }),
      )
      .default([]),
  }),
});

const rdsSnapshotEvent = EventBridgeSchema.extend({
  region,
  'detail-type': z.enum(['RDS DB Snapshot Event', 'RDS DB Cluster Snapshot Event']),
  source: z.literal('aws.rds'),
  detail: z.object({
    EventCategories: z.array(z.string()).default([]),
    SourceType: z.string().optional(),
    SourceArn: z.string().optional(),
    Date: z.string().optional(),
    Message: z.string().optional(),
    SourceIdentifier: z.string().min(1),
    EventID: z.string().optional(),
  }),
});

const snapshotEvent = z.discriminatedUnion('detail-type', [
  ebsSnapshotNotification,
  ebsMultiVolume,
  rdsSnapshotEvent,
]);

/** One snapshot an event is about, in the region the event came from. */
export interface SnapshotSignal {
  service: 'ebs' | 'rds';
  region: string;
  /** snap-... for EBS; the DB (cluster) snapshot identifier for RDS. */
  snapshotId: string;
  /** For EBS copies: the snapshot it was copied from (snap-...), in `sourceRegion`. */
  sourceSnapshotId?: string;
  sourceRegion?: string;
  /** For EBS createSnapshot: the volume (vol-...). */
  volumeId?: string;
  /** AWS's cause when the event reports a failure. */
  failure?: string;
  /** What happened, for logs: createSnapshot, copySnapshot, RDS-EVENT-0042, ... */
  event: string;
}

/** `arn:aws:ec2::us-east-1:snapshot/snap-0123` → { region, kind: 'snapshot', id }; bare ids pass through. */
function parseEc2Arn(value: string): { region?: string; kind?: string; id: string } {
  const match = /^arn:aws[a-z-]*:ec2:([a-z0-9-]*):([a-z0-9-]*):(snapshot|volume)\/(.+)$/.exec(value);
  if (match === null) return { id: value };
  const [, first, second, kind, id] = match;
  // The EBS docs show the region in the account position (arn:aws:ec2::us-east-1:...).
  const region = /^[a-z]{2}-/.test(first ?? '') ? first : second;
  return { region: region === '' ? undefined : region, kind, id: id ?? value };
}

/**
 * Whether one snapshot of a multi-volume completion event failed, and why. Its own `status` wins:
 * the event's `result` is `failed` as soon as any snapshot of the set failed, so it says nothing
 * about the others, and a part recorded failed is never corrected (updates are forward-only).
 * Only a snapshot without a status falls back on the event's result. The event's `cause` is kept
 * when it names this snapshot (AWS writes one cause for the set).
 * https://docs.aws.amazon.com/ebs/latest/userguide/ebs-cloud-watch-events.html
 */
function multiVolumeFailure(
  detail: { event: string; result: 'succeeded' | 'failed'; cause?: string | undefined },
  status: string | undefined,
  snapshotId: string,
): string | undefined {
  const failed = status === undefined ? detail.result === 'failed' : status !== 'completed';
  if (!failed) return undefined;
  const cause = detail.cause ?? '';
  if (cause !== '' && (status === undefined || cause.includes(snapshotId))) return cause;
  return status === undefined ? `${detail.event} failed` : `snapshot ${status}`;
}

/**
 * Validates an EventBridge event and lists the snapshots it is about. InvalidInputError names the
 * bad field if the event is not one of the documented shapes.
 */
export function parseSnapshotEvent(event: unknown): SnapshotSignal[] {
  const parsed = snapshotEvent.safeParse(event);
  if (!parsed.success) {
    throw new InvalidInputError(`not an EBS or RDS snapshot event: ${z.prettifyError(parsed.error)}`, {
      detailType: (event as { 'detail-type'?: unknown } | null)?.['detail-type'],
    });
  }
  const e = parsed.data;
  if (e.source === 'aws.rds') {
    const failed = e.detail.EventCategories.includes('failure');
    return [
      {
        service: 'rds',
        region: e.region,
        snapshotId: e.detail.SourceIdentifier,
        failure: failed ? (e.detail.Message ?? 'RDS reported a failure') : undefined,
        event: e.detail.EventID ?? e.detail.Message ?? 'rds-event',
      },
    ];
  }
  if (e['detail-type'] === 'EBS Multi-Volume Snapshots Completion Status') {
    return e.detail.snapshots.map((s) => {
      const snap = parseEc2Arn(s.snapshot_id);
      const source = s.source === undefined ? undefined : parseEc2Arn(s.source);
      return {
        service: 'ebs' as const,
        region: snap.region ?? e.region,
        snapshotId: snap.id,
        volumeId: source?.kind === 'volume' ? source.id : undefined,
        failure: multiVolumeFailure(e.detail, s.status, snap.id),
        event: e.detail.event,
      };
    });
  }
  const snap = parseEc2Arn(e.detail.snapshot_id);
  const source = e.detail.source === undefined ? undefined : parseEc2Arn(e.detail.source);
  return [
    {
      service: 'ebs',
      region: snap.region ?? e.region,
      snapshotId: snap.id,
      volumeId: source?.kind === 'volume' ? source.id : undefined,
      sourceSnapshotId: source?.kind === 'snapshot' ? source.id : undefined,
      sourceRegion: source?.kind === 'snapshot' ? source.region : undefined,
      failure: e.detail.result === 'failed' ? e.detail.cause || `${e.detail.event} failed` : undefined,
      event: e.detail.event,
    },
  ];
}

/**
 * The messages of an SNS delivery (the sweeper's work topic), as Powertools' SNS envelope reads
 * it; undefined when the event is not one, so the caller can take it as a direct invocation.
 */
export function snsMessages(event: unknown): string[] | undefined {
  const parsed = SnsEnvelope.safeParse(event, z.string());
  return parsed.success ? parsed.data : undefined;
}

/** One SQS record as the snapshot-event handler needs it: its id (for a partial failure) and body. */
export interface QueuedEvent {
  messageId: string;
  body: string;
}

/**
 * The records of an SQS delivery (EventBridge → the snapshot-event queue), as Powertools' SQS
 * schema reads it; undefined when the event is not one (a direct EventBridge invocation).
 */
export function sqsRecords(event: unknown): QueuedEvent[] | undefined {
  const parsed = SqsSchema.safeParse(event);
  return parsed.success
    ? parsed.data.Records.map((r) => ({ messageId: r.messageId, body: r.body }))
    : undefined;
}

/**
 * The snapshots one queued EventBridge event names (its body is the event as EventBridge
 * delivers it); InvalidInputError if the body is not JSON or not one of the documented events.
 */
export function parseQueuedSnapshotEvent(record: QueuedEvent): SnapshotSignal[] {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch (error) {
    throw new InvalidInputError(
      `SQS message ${record.messageId} is not JSON`,
      { messageId: record.messageId },
      { cause: error },
    );
  }
  return parseSnapshotEvent(body);
}
