import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { motoClients, uniqueName } from '../../support/moto';
import { makeMotoSite } from '../backup/support';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** One EMF document as Powertools writes it to stdout. */
interface EmfLine {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [field: string]: unknown;
}

const root = join(__dirname, '../../..');
const ENV = [
  'CATALOG_BUCKET',
  'LIFEBOAT_CONFIG',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_DISABLED',
  'POWERTOOLS_LOG_LEVEL',
  'BACKUP_ALARM_TOPIC_ARN',
  'BACKUP_ALARM_PREFIX',
] as const;

/**
 * The fleet alarms watch exactly the metrics the sweeper emits (no site dimension): the deployed
 * handlers, configured from the environment as serverless.yml configures them, with a namespace
 * and service other than the defaults (if the two ever read different settings, every site alarms).
 */
describe('backup metrics and the alarms on them (moto)', () => {
  const clients = motoClients();
  const context = { functionName: 'lifeboat-it', awsRequestId: 'it' } as unknown as Context;
  const prefix = `${uniqueName('lifeboat-it')}-no-backup-`;
  const saved: Record<string, string | undefined> = {};
  const emf: EmfLine[] = [];
  let fns: Record<'start' | 'advance' | 'sweep', Handler>;

  beforeAll(async () => {
    const moto = await makeMotoSite(clients);
    // config/sites.yml names site "blog" and database "blog-db": point them at the moto site's.
    const dir = mkdtempSync(join(tmpdir(), uniqueName('lifeboat')));
    writeFileSync(
      join(dir, 'sites.yml'),
      readFileSync(join(root, 'config/sites.yml'), 'utf8')
        .replace('lifeboat:site: blog', `lifeboat:site: ${moto.site.name}`)
        .replace('instance: blog-db', `instance: ${moto.dbId}`),
    );
    const topic = await clients.sns().send(new CreateTopicCommand({ Name: uniqueName('alarms') }));

    for (const name of ENV) saved[name] = process.env[name];
    Object.assign(process.env, {
      CATALOG_BUCKET: moto.bucket,
      LIFEBOAT_CONFIG: join(dir, 'sites.yml'),
      POWERTOOLS_METRICS_NAMESPACE: 'LifeboatIntegration',
      POWERTOOLS_SERVICE_NAME: 'lifeboat-it',
      POWERTOOLS_METRICS_DISABLED: 'false',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      BACKUP_ALARM_TOPIC_ARN: topic.TopicArn,
      BACKUP_ALARM_PREFIX: prefix,
    });
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      for (const line of String(chunk).split('\n'))
        if (line.startsWith('{"_aws"')) emf.push(JSON.parse(line) as EmfLine);
      return true;
    });
    fns = {
      start: (await import('../../../functions/start-backup')).handler as Handler,
      advance: (await import('../../../functions/advance-backup')).handler as Handler,
      sweep: (await import('../../../functions/sweep-backups')).handler as Handler,
    };
  });

  afterAll(() => {
    jest.restoreAllMocks();
    for (const name of ENV) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('emits fleet DR freshness where the fleet alarms look, and removes the per-site alarms of before', async () => {
    await clients.cloudwatch('us-east-1').send(
      new PutMetricAlarmCommand({
        AlarmName: `${prefix}blog`,
        Namespace: 'LifeboatIntegration',
        MetricName: 'NewestCompletedBackupAge',
        Statistic: 'Maximum',
        Period: 3600,
        EvaluationPeriods: 1,
        Threshold: 93_600,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    const started = (await fns.start({ site: 'blog', time: '2026-11-22T02:00:00Z' }, context)) as {
      backupId: string;
    };
    await fns.advance({ site: 'blog', backupId: started.backupId }, context);
    await fns.advance({ site: 'blog', backupId: started.backupId }, context);

    const sweep = (await fns.sweep({}, context)) as { alarms: { put: string[]; deleted: string[] } };

    expect(sweep.alarms).toEqual({ put: [], deleted: [`${prefix}blog`] });
    const rpo = emf.find((line) => line._aws.CloudWatchMetrics[0]?.Metrics[0]?.Name === 'DrRpoMax');
    const emitted = rpo?._aws.CloudWatchMetrics[0];
    // serverless.yml's DrRpoAlarm watches DrRpoMax with the service dimension alone.
    expect(emitted?.Namespace).toBe('LifeboatIntegration');
    expect(emitted?.Dimensions).toEqual([['service']]);
    expect(rpo?.service).toBe('lifeboat-it');
    const { MetricAlarms } = await clients
      .cloudwatch('us-east-1')
      .send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix }));
    expect(MetricAlarms).toEqual([]);
  });

  it('counts the finished backup under the same namespace', () => {
    const completed = emf.find(
      (line) => line._aws.CloudWatchMetrics[0]?.Metrics[0]?.Name === 'BackupsCompleted',
    );

    expect(completed?._aws.CloudWatchMetrics[0]?.Namespace).toBe('LifeboatIntegration');
    expect(completed).toMatchObject({ site: 'blog', service: 'lifeboat-it' });
    expect(completed?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
  });
});
