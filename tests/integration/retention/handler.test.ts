import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
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
});
