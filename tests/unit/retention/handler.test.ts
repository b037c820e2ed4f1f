import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { RETENTION_QUEUE } from '../../../lib/retention/retention-queue';
import { buildConfig, rawSite } from '../../support/builders';

const applyRetention = jest.fn();
const sent: unknown[] = [];
jest.mock('../../../lib/retention/apply-retention', () => ({ applyRetention }));
jest.mock('../../../lib/retention/wiring', () => ({
  defaultRetentionPorts: () => ({}),
  defaultRetentionContinuations: () => ({ send: async (next: unknown) => void sent.push(next) }),
}));
jest.mock('../../../lib/config/load', () => ({
  ...jest.requireActual('../../../lib/config/load'),
  defaultConfig: () =>
    buildConfig(
      rawSite({ name: 'blog' }),
      rawSite({
        name: 'shop',
        protect: { volumes: { tags: { 'lifeboat:site': 'shop' } } },
        dns: { hostedZoneId: 'Z0SHOP', recordName: 'www.shop.example.com' },
        sandbox: {
          recordName: 'sandbox.shop.example.com',
          allowedCidr: '203.0.113.0/24',
          securityGroups: ['sg-0aa'],
        },
        triggers: { cloudwatchAlarms: [] },
      }),
    ),
}));

const context = { functionName: 'test', awsRequestId: 'req-1' } as unknown as Context;
/** A context with `ms` left before the timeout. */
const leaving = (ms: number) => ({ ...context, getRemainingTimeInMillis: () => ms }) as unknown as Context;
const report = (site: string, fields: Record<string, unknown> = {}) => ({
  site,
  dryRun: false,
  items: [],
  deleted: 1,
  failed: 0,
  refused: 0,
  waiting: 0,
  deferred: 0,
  anomalies: [],
  ...fields,
});
const sqs = (...bodies: string[]) => ({
  Records: bodies.map((body, i) => ({
    messageId: `m-${i}`,
    receiptHandle: 'r',
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1764547200000',
      SenderId: 'AROAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1764547200000',
    },
    messageAttributes: {},
    md5OfBody: 'x',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:lifeboat-dev-retention-runs',
    awsRegion: 'us-east-1',
  })),
});
type RunOut = {
  reports: { site: string; deleted?: number; error?: string }[];
  continued?: { sites: number; pass: number };
  leftForTomorrow?: string[];
};

describe('apply-retention handler', () => {
  beforeAll(() => {
    process.env.LIFEBOAT_ACCOUNT_ID = '123456789012';
    process.env.LIFEBOAT_STAGE = 'prod';
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  });
  beforeEach(() => {
    applyRetention.mockReset();
    sent.length = 0;
  });
  const load = async () => (await import('../../../functions/apply-retention')).handler;

  it('runs the next site when one fails, and reports the failure by name', async () => {
    applyRetention.mockRejectedValueOnce(new Error('S3 is down')).mockResolvedValueOnce(report('shop'));
    const handler = await load();

    const out = (await handler({}, context)) as RunOut;

    expect(out.reports).toEqual([
      { site: 'blog', dryRun: false, error: 'Error: S3 is down' },
      expect.objectContaining({ site: 'shop', deleted: 1 }),
    ]);
    const options = { dryRun: false, trust: { accountId: '123456789012', stage: 'prod' } };
    expect(applyRetention.mock.calls.map((c) => [c[2].name, c[3]])).toEqual([
      ['blog', { ...options, retiredScan: expect.any(Function) }],
      ['shop', { ...options, retiredScan: expect.any(Function) }],
    ]);
    // One listing of retired databases per region serves every site of the run.
    const [first, second] = applyRetention.mock.calls.map((c) => c[3].retiredScan);
    expect(second).toBe(first);
    expect(sent).toEqual([]);
  });

  it('hands the sites it has no time for to the next invocation, the deferred one first', async () => {
    applyRetention.mockResolvedValueOnce(report('blog', { deferred: 3 }));
    const handler = await load();

    const out = (await handler({}, leaving(600_000))) as RunOut;

    // Every deletion must begin before the reserve at the end of the invocation.
    const stopBy = applyRetention.mock.calls[0]?.[3].stopBy as Date;
    expect(stopBy.getTime() - Date.now()).toBeLessThanOrEqual(600_000 - RETENTION_QUEUE.finishReserveMs);
    expect(applyRetention).toHaveBeenCalledTimes(1);
    expect(sent).toEqual([{ sites: ['blog', 'shop'], pass: 2, startedAt: expect.any(String) }]);
    expect(out.continued).toEqual({ sites: 2, pass: 2 });
  });

  it('begins no site once the stop time has passed, and continues with it', async () => {
    applyRetention.mockResolvedValueOnce(report('blog'));
    const handler = await load();

    await handler({}, leaving(RETENTION_QUEUE.finishReserveMs - 1));

    expect(applyRetention).not.toHaveBeenCalled();
    expect(sent).toEqual([{ sites: ['blog', 'shop'], pass: 2, startedAt: expect.any(String) }]);
  });

  it('runs a continuation from the queue: its sites only, and the next pass when time runs out again', async () => {
    applyRetention.mockResolvedValueOnce(report('shop', { deferred: 1 }));
    const handler = await load();
    const startedAt = '2026-12-01T05:30:00.000Z';

    const out = (await handler(
      sqs(JSON.stringify({ sites: ['shop'], pass: 2, startedAt })),
      leaving(600_000),
    )) as {
      continuations: RunOut[];
    };

    expect(applyRetention.mock.calls.map((c) => c[2].name)).toEqual(['shop']);
    expect(sent).toEqual([{ sites: ['shop'], pass: 3, startedAt }]);
    expect(out.continuations[0]?.continued).toEqual({ sites: 1, pass: 3 });
  });

  it('runs the sample continuation of events/ (an SQS delivery, as Lambda hands it over)', async () => {
    applyRetention.mockResolvedValueOnce(report('blog'));
    const handler = await load();
    const event = JSON.parse(
      readFileSync(join(__dirname, '../../../events/backup/retention-continuation-blog.json'), 'utf8'),
    );

    const out = (await handler(event, leaving(600_000))) as { continuations: RunOut[] };

    expect(applyRetention.mock.calls.map((c) => c[2].name)).toEqual(['blog']);
    expect(out.continuations[0]?.reports).toEqual([expect.objectContaining({ site: 'blog', deleted: 1 })]);
    expect(sent).toEqual([]);
  });

  it(`gives up after ${RETENTION_QUEUE.maxPasses} invocations of one run, leaving the rest to the next day`, async () => {
    applyRetention.mockResolvedValueOnce(report('shop', { deferred: 1 }));
    const handler = await load();
    const body = { sites: ['shop'], pass: RETENTION_QUEUE.maxPasses, startedAt: '2026-12-01T05:30:00.000Z' };

    const out = (await handler(sqs(JSON.stringify(body)), leaving(600_000))) as { continuations: RunOut[] };

    expect(sent).toEqual([]);
    expect(out.continuations[0]?.leftForTomorrow).toEqual(['shop']);
  });

  it('drops a continuation that can never run, and reports a site removed from the configuration', async () => {
    applyRetention.mockResolvedValue(report('blog'));
    const handler = await load();
    const good = JSON.stringify({ sites: ['gone', 'blog'], pass: 2, startedAt: '2026-12-01T05:30:00.000Z' });

    const out = (await handler(sqs('not json', JSON.stringify({ sites: [], pass: 2 }), good), context)) as {
      continuations: RunOut[];
    };

    expect(out.continuations).toHaveLength(1);
    expect(out.continuations[0]?.reports).toEqual([
      { site: 'gone', dryRun: false, error: expect.stringContaining('not in the configuration') },
      expect.objectContaining({ site: 'blog', deleted: 1 }),
    ]);
    expect(applyRetention.mock.calls.map((c) => c[2].name)).toEqual(['blog']);
  });

  it('never continues a dry run: it deletes nothing, so it runs to the end', async () => {
    applyRetention.mockResolvedValue(report('blog', { dryRun: true }));
    const handler = await load();

    await handler({ dryRun: true }, leaving(1));

    expect(applyRetention).toHaveBeenCalledTimes(2);
    expect(sent).toEqual([]);
  });
});
