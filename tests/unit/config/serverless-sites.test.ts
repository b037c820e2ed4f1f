import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { rawSite } from '../../support/builders';

type Helper = (context?: unknown) => Promise<unknown>;

// The package-time helper serverless.yml calls: plain CommonJS, loaded as osls loads it.
const helpers = require('../../../config/serverless-sites.js') as Record<
  | 'backupSchedules'
  | 'drillEvents'
  | 'alarmNames'
  | 'alarmEvents'
  | 'taskDefinitionArns'
  | 'clusterArns'
  | 'infrastructureRoleArns'
  | 'hostedZoneArns'
  | 'recordNames',
  Helper
>;

function withConfig(sites: unknown[] | string): { resolveVariable: (v: string) => Promise<string> } {
  const file = join(mkdtempSync(join(tmpdir(), 'lifeboat-sls-')), 'sites.yml');
  writeFileSync(file, typeof sites === 'string' ? sites : stringify({ sites }));
  return { resolveVariable: async (variable) => (variable === 'param:configFile' ? file : '') };
}

const shop = rawSite({
  name: 'shop',
  dns: { hostedZoneId: 'Z0SHOP', recordName: 'Shop.Example.com.' },
  sandbox: {
    recordName: 'sandbox.shop.example.com',
    allowedCidr: '203.0.113.0/24',
    securityGroups: ['sg-0aa'],
  },
  triggers: { cloudwatchAlarms: ['shop-5xx', 'shop-latency'] },
  schedule: { backup: 'cron(30 3 * * ? *)' },
  run: { ...(rawSite().run as object), taskDefinition: 'shop-app:7' },
});

describe('config/serverless-sites.js', () => {
  const saved = process.env.LIFEBOAT_CONFIG;
  beforeEach(() => {
    delete process.env.LIFEBOAT_CONFIG;
  });
  afterAll(() => {
    if (saved !== undefined) process.env.LIFEBOAT_CONFIG = saved;
  });

  it('builds one rule over every configured alarm, ALARM and OK transitions only', async () => {
    const context = withConfig([rawSite(), shop]);

    expect(await helpers.alarmNames(context)).toEqual(['blog-5xx', 'shop-5xx', 'shop-latency']);
    expect(await helpers.alarmEvents(context)).toEqual([
      {
        eventBridge: {
          pattern: {
            source: ['aws.cloudwatch'],
            'detail-type': ['CloudWatch Alarm State Change'],
            detail: {
              alarmName: ['blog-5xx', 'shop-5xx', 'shop-latency'],
              state: { value: ['ALARM', 'OK'] },
            },
          },
        },
      },
    ]);
  });

  it('declares no alarm rule when no site names an alarm', async () => {
    const context = withConfig([rawSite({ triggers: { cloudwatchAlarms: [] } })]);
    expect(await helpers.alarmEvents(context)).toEqual([]);
  });

  it('schedules each site with its own (or the default) expression and passes the scheduled time', async () => {
    const schedules = (await helpers.backupSchedules(withConfig([rawSite(), shop]))) as {
      schedule: { rate: string[]; inputTransformer: { inputTemplate: string } };
    }[];
    expect(schedules.map((s) => s.schedule.rate)).toEqual([['cron(0 2 * * ? *)'], ['cron(30 3 * * ? *)']]);
    expect(schedules[1]?.schedule.inputTransformer.inputTemplate).toBe('{"site":"shop","time":<time>}');
    expect(await helpers.drillEvents(withConfig([shop]))).toEqual([
      { schedule: { rate: 'cron(0 4 ? * SUN *)', enabled: true, input: { site: 'shop', kind: 'drill' } } },
    ]);
  });

  it('derives the IAM resource lists, record names normalised', async () => {
    const context = withConfig([rawSite(), shop]);
    expect(await helpers.recordNames(context)).toEqual([
      'sandbox.example.com',
      'sandbox.shop.example.com',
      'shop.example.com',
      'www.example.com',
    ]);
    expect(await helpers.taskDefinitionArns(context)).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:ecs:us-east-1:${AWS::AccountId}:task-definition/blog-wordpress:*' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:ecs:us-east-1:${AWS::AccountId}:task-definition/shop-app:7' },
    ]);
    expect(await helpers.hostedZoneArns(context)).toHaveLength(2);
  });

  it('fails packaging with the validator’s field-by-field error', async () => {
    const context = withConfig([rawSite({ triggers: { cloudwatchAlarms: [42] } })]);
    await expect(helpers.alarmNames(context)).rejects.toThrow(
      /sites\[0\]\(blog\)\.triggers\.cloudwatchAlarms\[0\]/,
    );
  });

  it('reads the shipped config/sites.yml by default', async () => {
    expect(await helpers.alarmNames()).toEqual(['blog-5xx']);
  });
});
