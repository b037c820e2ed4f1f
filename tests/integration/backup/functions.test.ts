import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { motoClients, uniqueName } from '../../support/moto';
import { REFERENCE_EVENTS_DIR } from '../../support/reference-events';
import { makeMotoSite } from './support';

const root = join(__dirname, '../../..');
const referenceDir = REFERENCE_EVENTS_DIR;
const sample = (name: string): unknown => JSON.parse(readFileSync(join(root, 'events', name), 'utf8'));
const context = {
  functionName: 'test',
  awsRequestId: 'req-1',
  invokedFunctionArn: 'arn:test',
} as unknown as Context;

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * The Lambda handlers as `osls invoke local` runs them: configuration from the environment
 * (LIFEBOAT_AWS_ENDPOINT, CATALOG_BUCKET, LIFEBOAT_CONFIG), sample events from events/.
 */
describe('backup functions, invoked like Lambda (moto)', () => {
  let fns: Record<'start' | 'onEvent' | 'sweep' | 'advance' | 'retention', Handler>;

  beforeAll(async () => {
    const moto = await makeMotoSite(motoClients());
    // The sample events name site "blog" and database "blog-db": rename the moto site's to those.
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
      sweep: (await import('../../../functions/sweep-backups')).handler as Handler,
      advance: (await import('../../../functions/advance-backup')).handler as Handler,
      retention: (await import('../../../functions/apply-retention')).handler as Handler,
    };
  });

  it('runs the nightly backup from the schedule input, once per scheduled time', async () => {
    const first = await fns.start(sample('schedule/backup-blog.json'), context);
    const again = await fns.start(sample('schedule/backup-blog.json'), context);

    expect(first).toMatchObject({ site: 'blog', backupId: '20261122t020000z-scheduled', phase: 'Copying' });
    expect(again).toMatchObject({ backupId: '20261122t020000z-scheduled' });
  });

  it('advances on the sample RDS event, and the sweeper and the worker finish the backup', async () => {
    await fns.start(sample('schedule/backup-blog.json'), context);

    const event = await fns.onEvent(sample('aws.rds/manual-snapshot-created.json'), context);
    const sweep = await fns.sweep(sample('schedule/sweep.json'), context);
    const worker = await fns.advance(sample('backup/sns-advance-blog.json'), context);
    const byHand = await fns.advance(sample('backup/advance-blog.json'), context);

    expect(event).toMatchObject({ advanced: [{ site: 'blog', backupId: '20261122t020000z-scheduled' }] });
    expect(sweep).toMatchObject({ via: 'inline', dispatched: 1 });
    expect(worker).toEqual({
      advanced: [{ site: 'blog', backupId: '20261122t020000z-scheduled', phase: 'Completed' }],
    });
    expect(byHand).toMatchObject({ phase: 'Completed' });
  });

  it('lists what retention would delete in a dry run', async () => {
    const out = (await fns.retention(sample('backup/retention-dry-run-blog.json'), context)) as {
      reports: { items: { action: string; reasons: string[] }[] }[];
    };

    expect(out.reports[0]?.items[0]).toMatchObject({ action: 'keep', reasons: ['newest completed backup'] });
  });

  it.each(readdirSync(referenceDir).filter((f) => f.endsWith('.json')))(
    'the snapshot event handler accepts the published %s if it is a snapshot event, and rejects it clearly if not',
    async (file) => {
      const event = JSON.parse(readFileSync(join(referenceDir, file), 'utf8'));
      const run = fns.onEvent(event, context);

      if (/ebs-snapshot|rds-db-snapshot/.test(file)) {
        // One ignored signal per snapshot of the sample (the multi-volume one has two).
        await expect(run).resolves.toMatchObject({
          advanced: [],
          ignored: expect.arrayContaining([expect.objectContaining({ reason: expect.any(String) })]),
        });
      } else {
        await expect(run).rejects.toMatchObject({
          name: 'InvalidInputError',
          message: /not an EBS or RDS snapshot event/,
        });
      }
    },
  );

  it.each([
    ['onEvent', 'aws.ec2/malformed-missing-snapshot-id.json', /detail\.snapshot_id/],
    ['onEvent', 'aws.rds/malformed-missing-source-identifier.json', /detail\.SourceIdentifier/],
  ] as const)('%s rejects %s naming the field', async (fn, file, field) => {
    await expect(fns[fn](sample(file), context)).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: field,
    });
  });

  it.each([
    ['start', {}, /site/],
    ['start', { site: 'blog', time: 'yesterday' }, /time/],
    ['start', { site: 'nope' }, /unknown site "nope"/],
    ['advance', { site: 'blog' }, /backupId/],
    ['retention', { dryRun: 'yes' }, /dryRun/],
    ['sweep', { inline: 'please' }, /inline/],
  ] as const)('%s rejects %j with a clear error', async (fn, event, message) => {
    await expect(fns[fn](event, context)).rejects.toThrow(message);
  });
});
