import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The package-time helper serverless.yml calls: plain CommonJS, loaded as osls loads it.
const { alarmEvents, alarmNames } = require('../../../config/serverless-triggers.js') as {
  alarmNames: (context?: unknown) => Promise<string[]>;
  alarmEvents: (context?: unknown) => Promise<unknown[]>;
};

function withConfig(yaml: string): { resolveVariable: (v: string) => Promise<string> } {
  const file = join(mkdtempSync(join(tmpdir(), 'lifeboat-triggers-')), 'sites.yml');
  writeFileSync(file, yaml);
  return { resolveVariable: async (variable) => (variable === 'param:configFile' ? file : '') };
}

describe('config/serverless-triggers.js', () => {
  const saved = process.env.LIFEBOAT_CONFIG;
  beforeEach(() => {
    delete process.env.LIFEBOAT_CONFIG;
  });
  afterAll(() => {
    if (saved !== undefined) process.env.LIFEBOAT_CONFIG = saved;
  });

  it('builds one rule over every configured alarm, ALARM and OK transitions only', async () => {
    const context = withConfig(`
sites:
  - name: blog
    triggers: { cloudwatchAlarms: [blog-5xx, blog-latency] }
  - name: shop
    triggers: { cloudwatchAlarms: [shop-5xx, blog-5xx] }
  - name: wiki
`);

    expect(await alarmNames(context)).toEqual(['blog-5xx', 'blog-latency', 'shop-5xx']);
    expect(await alarmEvents(context)).toEqual([
      {
        eventBridge: {
          pattern: {
            source: ['aws.cloudwatch'],
            'detail-type': ['CloudWatch Alarm State Change'],
            detail: {
              alarmName: ['blog-5xx', 'blog-latency', 'shop-5xx'],
              state: { value: ['ALARM', 'OK'] },
            },
          },
        },
      },
    ]);
  });

  it('declares no rule when no site names an alarm', async () => {
    expect(await alarmEvents(withConfig('sites:\n  - name: blog\n'))).toEqual([]);
  });

  it('refuses an alarm entry that is not a name, saying where', async () => {
    const context = withConfig('sites:\n  - name: blog\n    triggers: { cloudwatchAlarms: [42] }\n');

    await expect(alarmNames(context)).rejects.toThrow(/sites\[0\]\.triggers\.cloudwatchAlarms/);
  });

  it('reads the shipped config/sites.yml by default', async () => {
    expect(await alarmNames()).toEqual(['blog-5xx']);
  });
});
