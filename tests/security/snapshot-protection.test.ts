import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { rawSite } from '../support/builders';
import { allStatements, asList, loadTemplate, type Statement } from './support/template';

interface RuleResource {
  Type: string;
  Condition?: string;
  Properties: { ResourceType?: string; Tags?: unknown; RetentionPeriod?: unknown; ResourceTags?: unknown };
}
type Helper = (context?: unknown) => Promise<unknown>;
const helpers = require('../../config/serverless-sites.js') as Record<
  'recycleBinRule' | 'recycleBinDays',
  Helper
>;

const template = loadTemplate() as ReturnType<typeof loadTemplate> & {
  Conditions?: Record<string, unknown>;
  Parameters?: Record<string, { Default?: unknown }>;
};
const STAGE = process.env.LIFEBOAT_STAGE ?? 'dev';

const conditionValue = (s: Statement, key: string) =>
  Object.values(s.Condition?.StringEquals ?? {}).length > 0 ? s.Condition?.StringEquals?.[key] : undefined;

const SERVICE_DIR = join(__dirname, '..', '..');

/** osls's variable context for a config of `sites`; the configFile param must name a file inside the service. */
function withSites(sites: unknown[]) {
  const scratch = join(SERVICE_DIR, '.serverless');
  mkdirSync(scratch, { recursive: true });
  const file = join(mkdtempSync(join(scratch, 'lifeboat-rbin-')), 'sites.yml');
  writeFileSync(file, stringify({ sites }));
  const param = relative(SERVICE_DIR, file);
  return {
    resolveVariable: async (v: string) =>
      v === 'param:configFile' ? param : v === 'sls:stage' ? 'prod' : '',
  };
}

describe('backups that cannot be destroyed, in the packaged template', () => {
  it('allows ec2:LockSnapshot only on snapshots tagged lifeboat:managed=true', () => {
    const locking = allStatements(template).filter(
      ({ statement }) =>
        statement.Effect === 'Allow' && asList(statement.Action).includes('ec2:LockSnapshot'),
    );

    expect(locking.map(({ owner }) => owner).sort()).toEqual(
      expect.arrayContaining(['AdvanceBackupRole', 'ApplyRetentionRole']),
    );
    for (const { statement } of locking)
      expect(conditionValue(statement, 'aws:ResourceTag/lifeboat:managed')).toBe('true');
  });

  it("lets retention delete only this stage's snapshots (lifeboat:stage in every delete condition)", () => {
    const deletes = allStatements(template).filter(
      ({ owner, statement }) =>
        owner === 'ApplyRetentionRole' &&
        asList(statement.Action).some((a) => /^(ec2:DeleteSnapshot|rds:DeleteDB(Cluster)?Snapshot)$/.test(a)),
    );

    expect(deletes).toHaveLength(3);
    for (const { statement } of deletes) {
      const stageKeys = Object.entries(statement.Condition?.StringEquals ?? {}).filter(([k]) =>
        k.endsWith('/lifeboat:stage'),
      );
      expect(stageKeys.map(([, v]) => v)).toEqual([STAGE]);
    }
  });

  it('has the Recycle Bin rule for EBS snapshots, created only when a site asks for it, tagged managed and stage', () => {
    const rule = template.Resources.SnapshotRecycleBinRule as unknown as RuleResource;

    expect(rule).toMatchObject({ Type: 'AWS::Rbin::Rule', Condition: 'RecycleBinWanted' });
    expect(template.Conditions?.RecycleBinWanted).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'RecycleBinRetentionDays' }, '0'] }],
    });
    expect(rule.Properties.RetentionPeriod).toEqual({
      RetentionPeriodValue: { Ref: 'RecycleBinRetentionDays' },
      RetentionPeriodUnit: 'DAYS',
    });
    expect(rule.Properties.ResourceType).toBe('EBS_SNAPSHOT');
    expect(rule.Properties.Tags).toEqual([
      { Key: 'lifeboat:managed', Value: 'true' },
      { Key: 'lifeboat:stage', Value: STAGE },
    ]);
  });

  it("builds a rule cfn-lint accepts, keeping each asking site's snapshots for the longest period asked", async () => {
    const site = (name: string, recycleBin?: { retentionDays: number }) =>
      rawSite({
        name,
        protect: { volumes: { tags: { 'lifeboat:site': name } } },
        dns: { hostedZoneId: 'Z0123456789ABC', recordName: `www.${name}.example.com` },
        sandbox: {
          recordName: `sandbox.${name}.example.com`,
          allowedCidr: '203.0.113.0/24',
          securityGroups: ['sg-0aa'],
        },
        triggers: { cloudwatchAlarms: [] },
        ...(recycleBin === undefined ? {} : { protection: { recycleBin } }),
      });
    const context = withSites([
      site('blog', { retentionDays: 7 }),
      site('shop', { retentionDays: 14 }),
      site('wiki'),
    ]);

    const rule = (await helpers.recycleBinRule(context)) as RuleResource;
    const days = await helpers.recycleBinDays(context);

    expect(days).toBe(14);
    expect(await helpers.recycleBinDays(withSites([site('wiki')]))).toBe(0);
    expect(rule.Properties).toMatchObject({
      ResourceTags: [
        { ResourceTagKey: 'lifeboat:site', ResourceTagValue: 'blog' },
        { ResourceTagKey: 'lifeboat:site', ResourceTagValue: 'shop' },
      ],
      Tags: [
        { Key: 'lifeboat:managed', Value: 'true' },
        { Key: 'lifeboat:stage', Value: 'prod' },
      ],
    });
    const file = join(mkdtempSync(join(tmpdir(), 'lifeboat-rbin-')), 'rule.json');
    writeFileSync(
      file,
      JSON.stringify({
        AWSTemplateFormatVersion: '2010-09-09',
        Parameters: {
          RecycleBinRetentionDays: { Type: 'Number', Default: days, MinValue: 0, MaxValue: 365 },
        },
        Conditions: {
          RecycleBinWanted: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'RecycleBinRetentionDays' }, '0'] }] },
        },
        Resources: { SnapshotRecycleBinRule: rule },
      }),
    );
    const lint = spawnSync('cfn-lint', ['--', file], { encoding: 'utf8' });
    expect(lint.error).toBeUndefined();
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    expect(lint.status).toBe(0);
  });
});
