import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { catalogKeys } from '../../../lib/catalog/keys';
import { motoClients, uniqueName } from '../../support/moto';
import { makeMotoSite } from './support';

const root = join(__dirname, '../../..');
const sampleText = (name: string): string => readFileSync(join(root, 'events', name), 'utf8');
const context = { functionName: 'test', awsRequestId: 'req-1' } as unknown as Context;
type Handler = (event: unknown, context: Context) => Promise<unknown>;

const BACKUP_ID = '20261122t020000z-scheduled';

/** An SQS delivery as Lambda's event source mapping hands it over: each body an EventBridge event. */
function sqsDelivery(records: { id: string; body: string }[]): unknown {
  return {
    Records: records.map(({ id, body }) => ({
      messageId: id,
      receiptHandle: `handle-${id}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '1764381600000',
        SenderId: 'AIDAEXAMPLE',
        ApproximateFirstReceiveTimestamp: '1764381600000',
      },
      messageAttributes: {},
      md5OfBody: '0'.repeat(32),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:lifeboat-dev-snapshot-events',
      awsRegion: 'us-east-1',
    })),
  };
}

/**
 * on-snapshot-event as Lambda runs it behind the snapshot-event queue (batchSize records, partial
 * batch responses), against moto: the reference events inside SQS records, mixed with records that
 * can never succeed and one whose backup cannot be advanced.
 */
describe('on-snapshot-event behind the snapshot-event queue (moto, the real handler)', () => {
  let fns: Record<'start' | 'onEvent', Handler>;
  let moto: Awaited<ReturnType<typeof makeMotoSite>>;

  beforeAll(async () => {
    moto = await makeMotoSite(motoClients());
    const configText = readFileSync(join(root, 'config/sites.yml'), 'utf8');
    const dir = mkdtempSync(join(tmpdir(), uniqueName('lifeboat')));
    writeFileSync(
      join(dir, 'sites.yml'),
      configText
        .replace('lifeboat:site: blog', `lifeboat:site: ${moto.site.name}`)
        .replace('instance: blog-db', `instance: ${moto.dbId}`),
    );
    process.env.CATALOG_BUCKET = moto.bucket;
    process.env.LIFEBOAT_CONFIG = join(dir, 'sites.yml');
    process.env.LIFEBOAT_STAGE = 'dev';
    process.env.LIFEBOAT_ACCOUNT_ID = '123456789012';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    fns = {
      start: (await import('../../../functions/start-backup')).handler as Handler,
      onEvent: (await import('../../../functions/on-snapshot-event')).handler as Handler,
    };
  });

  it('advances the backup of the good records once, drops the malformed ones and reports only the failed one', async () => {
    await fns.start(JSON.parse(sampleText('schedule/backup-blog.json')), context);
    const started = await moto.catalog.getBackup('blog', BACKUP_ID);
    const volume = started?.status.parts.find((p) => p.kind === 'ebs-volume');
    if (volume?.snapshotId === undefined) throw new Error('start-backup should have snapshotted the volume');
    const created = sampleText('aws.ec2/create-snapshot-succeeded.json')
      .split('snap-01234567')
      .join(volume.snapshotId);
    // A backup of the site whose catalog record cannot be read: its record is reported for redelivery.
    await motoClients()
      .s3()
      .send(
        new PutObjectCommand({
          Bucket: moto.bucket,
          Key: catalogKeys.backup('blog', '20261121t020000z-scheduled'),
          Body: '{ not json',
        }),
      );
    const unreadable = sampleText('aws.rds/manual-snapshot-created.json')
      .split('20261122t020000z')
      .join('20261121t020000z');

    const first = await fns.onEvent(
      sqsDelivery([
        { id: 'created', body: created },
        { id: 'created-again', body: created },
        { id: 'db-created', body: sampleText('aws.rds/manual-snapshot-created.json') },
        { id: 'not-json', body: '{"detail-type": "EBS Snapshot Notification"' },
        { id: 'malformed', body: sampleText('aws.rds/malformed-missing-source-identifier.json') },
        { id: 'stranger', body: sampleText('aws.ec2/create-snapshot-succeeded.json') },
        { id: 'unreadable', body: unreadable },
      ]),
      context,
    );
    const copying = await moto.catalog.getBackup('blog', BACKUP_ID);
    const copy = copying?.status.parts.find((p) => p.kind === 'ebs-volume')?.copy;
    if (copy?.snapshotId === undefined)
      throw new Error(`the volume's copy should have started: ${JSON.stringify(copy)}`);
    const copied = sampleText('aws.ec2/copy-snapshot-succeeded.json')
      .split('snap-01234567')
      .join(volume.snapshotId)
      .split('snap-76543210')
      .join(copy.snapshotId);
    const second = await fns.onEvent(
      sqsDelivery([
        { id: 'copied', body: copied },
        { id: 'copied-again', body: copied },
        { id: 'db-copied', body: sampleText('aws.rds/cross-region-copy-finished.json') },
      ]),
      context,
    );
    const done = await moto.catalog.getBackup('blog', BACKUP_ID);

    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: 'unreadable' }] });
    // Both copies started by the first batch (moto answers the DB copy completed at once).
    expect(copying?.status.parts.map((p) => p.copy.state)).not.toContain('waiting');
    expect(second).toEqual({ batchItemFailures: [] });
    expect(done?.status.phase).toBe('Completed');
  });

  it('still takes a direct EventBridge event (invoke local)', async () => {
    const answer = await fns.onEvent(JSON.parse(sampleText('aws.rds/manual-snapshot-created.json')), context);

    expect(answer).toMatchObject({ advanced: [{ site: 'blog', backupId: BACKUP_ID }] });
  });
});
