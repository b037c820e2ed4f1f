import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { RETENTION_QUEUE } from '../../../lib/retention/retention-queue';
import { motoClients, uniqueName } from '../../support/moto';
import { completedBackup, freshSiteName, MOTO_ACCOUNT, makeStage, rawMotoSite, recordIds } from './support';

const context = {
  functionName: 'test',
  awsRequestId: 'req-1',
  invokedFunctionArn: 'arn:test',
} as unknown as Context;
type Handler = (event: unknown, context: Context) => Promise<unknown>;

describe('the retention function, invoked like Lambda (moto)', () => {
  it("case 6: one site's unparseable record neither blocks its own retention nor the next site's", async () => {
    const clients = motoClients();
    const broken = freshSiteName();
    const world = await makeStage(clients);
    for (const day of ['20', '21', '22']) await completedBackup(world, `2026-11-${day}T02:00:00Z`);
    // Site `broken` comes first in the config; its catalog holds a record nobody can read.
    await clients.s3().send(
      new PutObjectCommand({
        Bucket: world.bucket,
        Key: `sites/${broken}/backups/8235000000_20261121t020000z-scheduled.json`,
        Body: 'not json',
      }),
    );
    const dir = mkdtempSync(join(tmpdir(), uniqueName('lifeboat')));
    writeFileSync(
      join(dir, 'sites.yml'),
      JSON.stringify({ sites: [rawMotoSite(broken, false), rawMotoSite(world.site.name, true)] }),
    );
    process.env.CATALOG_BUCKET = world.bucket;
    process.env.LIFEBOAT_CONFIG = join(dir, 'sites.yml');
    process.env.LIFEBOAT_STAGE = world.stage;
    process.env.LIFEBOAT_ACCOUNT_ID = MOTO_ACCOUNT;
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    const handler = (await import('../../../functions/apply-retention')).handler as Handler;

    const out = (await handler({ dryRun: false }, context)) as {
      reports: { site: string; deleted?: number; error?: string; unreadable?: { key: string }[] }[];
    };

    expect(out.reports.map((r) => r.site)).toEqual([broken, world.site.name]);
    // Quarantined, not fatal: listed with its key, never deleted, and the site's run completes.
    expect(out.reports[0]?.error).toBeUndefined();
    expect(out.reports[0]?.unreadable).toEqual([
      expect.objectContaining({ key: `sites/${broken}/backups/8235000000_20261121t020000z-scheduled.json` }),
    ]);
    expect(out.reports[1]).toMatchObject({ deleted: 2 });
    expect(await recordIds(world)).toEqual(['20261122t020000z-scheduled']);
  });

  it('hands a run it has no time for to the next invocation through the queue, which finishes it', async () => {
    const clients = motoClients();
    const world = await makeStage(clients);
    for (const day of ['20', '21', '22']) await completedBackup(world, `2026-11-${day}T02:00:00Z`);
    const dir = mkdtempSync(join(tmpdir(), uniqueName('lifeboat')));
    writeFileSync(join(dir, 'sites.yml'), JSON.stringify({ sites: [rawMotoSite(world.site.name, true)] }));
    const { QueueUrl } = await clients.sqs().send(new CreateQueueCommand({ QueueName: uniqueName('runs') }));
    Object.assign(process.env, {
      CATALOG_BUCKET: world.bucket,
      LIFEBOAT_CONFIG: join(dir, 'sites.yml'),
      LIFEBOAT_STAGE: world.stage,
      LIFEBOAT_ACCOUNT_ID: MOTO_ACCOUNT,
      RETENTION_QUEUE_URL: QueueUrl,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    jest.resetModules();
    const handler = (await import('../../../functions/apply-retention')).handler as Handler;
    const leaving = (ms: number) =>
      ({ ...context, getRemainingTimeInMillis: () => ms }) as unknown as Context;

    // Less than the reserve left: no site begins, the whole run goes to the queue.
    const first = (await handler({}, leaving(RETENTION_QUEUE.finishReserveMs - 1))) as {
      continued?: { sites: number; pass: number };
    };
    expect(first.continued).toEqual({ sites: 1, pass: 2 });
    expect(await recordIds(world)).toHaveLength(3);

    const received = await clients
      .sqs()
      .send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    expect(received.Messages).toHaveLength(1);
    const message = received.Messages?.[0];
    expect(JSON.parse(message?.Body ?? '')).toEqual({
      sites: [world.site.name],
      pass: 2,
      startedAt: expect.any(String),
    });
    const delivery = {
      Records: [
        {
          messageId: message?.MessageId,
          receiptHandle: message?.ReceiptHandle,
          body: message?.Body,
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: String(Date.now()),
            SenderId: 'AROAEXAMPLE',
            ApproximateFirstReceiveTimestamp: String(Date.now()),
          },
          messageAttributes: {},
          md5OfBody: message?.MD5OfBody,
          eventSource: 'aws:sqs',
          eventSourceARN: `arn:aws:sqs:us-east-1:${MOTO_ACCOUNT}:runs`,
          awsRegion: 'us-east-1',
        },
      ],
    };

    const second = (await handler(delivery, leaving(900_000))) as {
      continuations: { reports: { site: string; deleted?: number }[]; continued?: unknown }[];
    };

    expect(second.continuations[0]?.reports).toEqual([
      expect.objectContaining({ site: world.site.name, deleted: 2 }),
    ]);
    expect(second.continuations[0]?.continued).toBeUndefined();
    expect(await recordIds(world)).toEqual(['20261122t020000z-scheduled']);
    const after = await clients.sqs().send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
    expect(after.Messages ?? []).toEqual([]);
  });
});
