import type { Context } from 'aws-lambda';
import { buildConfig, rawSite } from '../../support/builders';

const applyRetention = jest.fn();
jest.mock('../../../lib/retention/apply-retention', () => ({ applyRetention }));
jest.mock('../../../lib/retention/wiring', () => ({ defaultRetentionPorts: () => ({}) }));
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

describe('apply-retention handler', () => {
  beforeAll(() => {
    process.env.LIFEBOAT_ACCOUNT_ID = '123456789012';
    process.env.LIFEBOAT_STAGE = 'prod';
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  });

  it('runs the next site when one fails, and reports the failure by name', async () => {
    applyRetention.mockRejectedValueOnce(new Error('S3 is down')).mockResolvedValueOnce({
      site: 'shop',
      dryRun: false,
      items: [],
      deleted: 1,
      failed: 0,
      refused: 0,
      waiting: 0,
      anomalies: [],
    });
    const { handler } = await import('../../../functions/apply-retention');

    const out = await handler({}, context);

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
  });
});
