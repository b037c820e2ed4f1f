import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { TAG_KEYS } from '../../../lib/tags/vocabulary';
import { rawSite } from '../../support/builders';

type Helper = (context?: unknown) => Promise<unknown>;
const helpers = require('../../../config/serverless-sites.js') as Record<
  'taskRoleArns' | 'passTaskRolesStatement' | 'snapshotTagKeys',
  Helper
>;

/** Points the helpers at a config of `sites` the way a script or test does: LIFEBOAT_CONFIG, no osls context. */
function withConfig(sites: unknown[]): undefined {
  const file = join(mkdtempSync(join(tmpdir(), 'lifeboat-sls-iam-')), 'sites.yml');
  writeFileSync(file, stringify({ sites }));
  process.env.LIFEBOAT_CONFIG = file;
  return undefined;
}

const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
const withRoles = (roles: Record<string, string>) => ({ run: { ...(rawSite().run as object), ...roles } });
/** A second site that claims nothing of blog's (records, checks, alarms). */
const shop = (overrides: Record<string, unknown>) =>
  rawSite({
    name: 'shop',
    dns: { hostedZoneId: 'Z0SHOP', recordName: 'shop.example.com' },
    sandbox: {
      recordName: 'sandbox.shop.example.com',
      allowedCidr: '203.0.113.0/24',
      securityGroups: ['sg-0aa'],
    },
    triggers: { cloudwatchAlarms: ['shop-5xx'] },
    ...overrides,
  });
const toTasks = { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } };

describe('config/serverless-sites.js IAM lists', () => {
  const saved = process.env.LIFEBOAT_CONFIG;
  beforeEach(() => {
    delete process.env.LIFEBOAT_CONFIG;
  });
  afterAll(() => {
    if (saved !== undefined) process.env.LIFEBOAT_CONFIG = saved;
  });

  it('lets the launch step pass exactly the task and execution roles the sites name', async () => {
    const context = withConfig([
      rawSite(withRoles({ taskRoleArn: role('blog-task'), executionRoleArn: role('exec') })),
      shop(withRoles({ executionRoleArn: role('exec') })),
    ]);

    expect(await helpers.taskRoleArns(context)).toEqual([role('blog-task'), role('exec')]);
    expect(await helpers.passTaskRolesStatement(context)).toEqual({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: [role('blog-task'), role('exec')],
      Condition: toTasks,
    });
  });

  it('denies passing any role to ECS tasks when no site names one', async () => {
    const context = withConfig([rawSite()]);

    expect(await helpers.passTaskRolesStatement(context)).toEqual({
      Effect: 'Deny',
      Action: 'iam:PassRole',
      Resource: '*',
      Condition: toTasks,
    });
  });

  it("allows tagging DB snapshots with lifeboat's keys and the kept source tags, never aws: ones", async () => {
    const context = withConfig([
      rawSite({
        protect: { ...(rawSite().protect as object), keepTags: ['Name', 'aws:cloudformation:stack-name'] },
      }),
      shop({ protect: { ...(rawSite().protect as object), keepTags: ['CostCenter'] } }),
    ]);

    expect(await helpers.snapshotTagKeys(context)).toEqual([...TAG_KEYS, 'CostCenter', 'Name'].sort());
  });
});
