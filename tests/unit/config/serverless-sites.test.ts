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

/** A config file with these sites, and the context of a caller other than osls (it reads LIFEBOAT_CONFIG). */
function withConfig(sites: unknown[] | string): object {
  const file = join(mkdtempSync(join(tmpdir(), 'lifeboat-sls-')), 'sites.yml');
  writeFileSync(file, typeof sites === 'string' ? sites : stringify({ sites }));
  process.env.LIFEBOAT_CONFIG = file;
  return {};
}

/** The context osls passes: CLI options and a resolver for `${param:configFile}`. */
function oslsContext(configFile: string) {
  return {
    options: {},
    resolveVariable: async (variable: string) => {
      if (variable !== 'param:configFile') throw new Error(`unexpected variable ${variable}`);
      return configFile;
    },
  };
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
    if (saved === undefined) delete process.env.LIFEBOAT_CONFIG;
    else process.env.LIFEBOAT_CONFIG = saved;
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

  it('under osls reads the configFile param, the file the template packages, even when LIFEBOAT_CONFIG is set', async () => {
    process.env.LIFEBOAT_CONFIG = 'config/sites.yml';
    const context = oslsContext('tests/fixtures/config/shop.yml');

    expect(await helpers.alarmNames(context)).toEqual(['shop-5xx']);
    expect(await helpers.recordNames(context)).toEqual(['sandbox.shop.example.com', 'shop.example.com']);
  });

  describe('under osls, a bad config or param ends packaging with its errors alone', () => {
    let stderr: jest.SpyInstance;
    let exit: jest.SpyInstance;
    beforeEach(() => {
      stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      exit = jest.spyOn(process, 'exit').mockImplementation((code) => {
        throw new Error(`exit ${code}`);
      });
    });
    afterEach(() => {
      stderr.mockRestore();
      exit.mockRestore();
    });

    it('prints each bad field once, without a stack trace, and exits 2', async () => {
      await expect(
        helpers.backupSchedules(oslsContext('tests/fixtures/config/bad-region-no-port.yml')),
      ).rejects.toThrow('exit 2');

      expect(exit).toHaveBeenCalledWith(2);
      const printed = stderr.mock.calls.map(([text]) => String(text)).join('');
      expect(printed).toMatch(/^lifeboat: invalid site config .*bad-region-no-port\.yml:\n/);
      expect(printed.split('\n').slice(1)).toEqual([
        '  - sites[0](blog).regions.primary: an AWS region such as us-east-1 ("us-east-9" is not one)',
        '  - sites[0](blog).run.containerPort: required (expected number)',
        '',
      ]);
    });

    it.each([
      ['an absolute path', '/etc/lifeboat/sites.yml'],
      ['a path outside the service', '../sites.yml'],
    ])('rejects %s: it would not be packaged beside the functions', async (_case, configFile) => {
      await expect(helpers.alarmNames(oslsContext(configFile))).rejects.toThrow('exit 2');
      expect(String(stderr.mock.calls[0]?.[0])).toContain(
        `lifeboat: invalid param configFile=${configFile}: give a path inside the service directory`,
      );
    });

    it('names a config file that does not exist', async () => {
      await expect(helpers.alarmNames(oslsContext('config/missing.yml'))).rejects.toThrow('exit 2');
      expect(String(stderr.mock.calls[0]?.[0])).toMatch(
        /^lifeboat: cannot read site config .*config\/missing\.yml/,
      );
    });
  });

  it('lets osls ask again when the param is not resolvable yet', async () => {
    const later = Object.assign(new Error('not yet'), { code: 'MISSING_VARIABLE_DEPENDENCY' });
    const context = { options: {}, resolveVariable: () => Promise.reject(later) };
    await expect(helpers.alarmNames(context)).rejects.toBe(later);
  });
});
