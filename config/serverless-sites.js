/**
 * Package-time values derived from the site config, so serverless.yml never repeats what
 * config/sites.yml says. osls calls an exported function with { options, resolveVariable }:
 *
 *   events:   ${file(./config/serverless-sites.js):backupSchedules}     (startBackup)
 *   events:   ${file(./config/serverless-sites.js):alarmEvents}         (onAlarm)
 *   events:   ${file(./config/serverless-sites.js):drillEvents}         (drill state machine)
 *   Resource: ${file(./config/serverless-sites.js):taskDefinitionArns}  (and the other ARN lists)
 *   Resources: SnapshotRecycleBinRule: ${file(./config/serverless-sites.js):recycleBinRule}
 *
 * The config is loaded with lifeboat's own validator (lib/config/load.ts, through tsx), so a bad
 * file fails packaging with the same field-by-field errors as at run time, defaults filled in.
 * ARNs are Fn::Sub strings: account and partition come from CloudFormation at deploy time.
 */
const { isAbsolute, join, relative } = require('node:path');
const { require: requireTs } = require('tsx/cjs/api');

const SERVICE_DIR = join(__dirname, '..');
const DEFAULT_CONFIG = 'config/sites.yml';

// osls resolves this file inside its own process, before `invoke local` builds the CloudFormation
// client that resolves `!Ref CatalogBucket` and before the handler's SDK clients: silence the SDK's
// Node-version warning for both, as bin/lifeboat.cjs and the demo do (Lambda runs Node 22 anyway).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** lib/config/load.ts: required directly where TypeScript is already compiled (jest), else through tsx. */
function loadValidator() {
  try {
    return require('../lib/config/load.ts');
  } catch {
    return requireTs('../lib/config/load.ts', __filename);
  }
}

/** lib/tags/vocabulary.ts (the lifeboat:* tag keys), loaded like the validator. */
function loadVocabulary() {
  try {
    return require('../lib/tags/vocabulary.ts');
  } catch {
    return requireTs('../lib/tags/vocabulary.ts', __filename);
  }
}

/**
 * The config file to read: under osls the `configFile` param, the very file serverless.yml packages
 * and points LIFEBOAT_CONFIG at; called without osls, LIFEBOAT_CONFIG or config/sites.yml.
 */
async function configPath(context) {
  if (context?.resolveVariable === undefined) {
    const path = process.env.LIFEBOAT_CONFIG ?? DEFAULT_CONFIG;
    return isAbsolute(path) ? path : join(SERVICE_DIR, path);
  }
  // Errors propagate: in osls's first resolution phase `param:` is not available yet and the
  // resolver throws MISSING_VARIABLE_DEPENDENCY so that it asks again later; swallowing it
  // would silently read the default file.
  const param = await context.resolveVariable('param:configFile');
  const inside = relative(SERVICE_DIR, join(SERVICE_DIR, param));
  if (isAbsolute(param) || inside.startsWith('..')) {
    const error = new Error(
      `invalid param configFile=${param}: give a path inside the service directory, such as config/sites.yml (it is packaged beside each function and read there at run time)`,
    );
    error.name = 'ConfigError';
    throw error;
  }
  return join(SERVICE_DIR, param);
}

/**
 * Ends packaging with the config's field errors alone. osls would print a rejection once for every
 * variable that uses this file, each wrapped around the error's stack trace.
 */
function failPackaging(error) {
  process.stderr.write(`lifeboat: ${error.message}\n`);
  process.exit(2);
}

/** The validated sites of the config file (see configPath). */
async function sites(context) {
  const { loadConfigFile } = loadValidator();
  try {
    return loadConfigFile(await configPath(context)).sites;
  } catch (error) {
    // osls passes its CLI options; a caller without them (a test, a script) gets the error itself.
    if (error?.name === 'ConfigError' && context?.options !== undefined) failPackaging(error);
    throw error;
  }
}

const unique = (values) => [...new Set(values)].sort();
const sub = (text) => ({ 'Fn::Sub': text });

/**
 * One schedule per site for startBackup. The input carries the event's own `time` (the scheduled
 * time), so a duplicate delivery of the same schedule names the same backup id.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
async function backupSchedules(context) {
  return (await sites(context)).map((s) => ({
    schedule: {
      description: `lifeboat nightly backup of ${s.name}`,
      rate: [s.schedule.backup],
      inputTransformer: {
        inputPathsMap: { time: '$.time' },
        inputTemplate: `{"site":${JSON.stringify(s.name)},"time":<time>}`,
      },
    },
  }));
}

/** The drill state machine's events: each site's weekly restore drill, input { site, kind: 'drill' }. */
async function drillEvents(context) {
  return (await sites(context)).map((s) => ({
    schedule: { rate: s.schedule.drill, enabled: true, input: { site: s.name, kind: 'drill' } },
  }));
}

/** Every CloudWatch alarm named under sites[].triggers.cloudwatchAlarms, once each. */
async function alarmNames(context) {
  return unique((await sites(context)).flatMap((s) => s.triggers.cloudwatchAlarms));
}

/**
 * The on-alarm function's events: one EventBridge rule on "CloudWatch Alarm State Change" of the
 * configured alarms, into ALARM (starts a recovery) or OK (recorded on the open recovery); none
 * when no site names an alarm. Alarm events reach the default bus of the alarm's own region only.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 */
async function alarmEvents(context) {
  const names = await alarmNames(context);
  if (names.length === 0) return [];
  return [
    {
      eventBridge: {
        pattern: {
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change'],
          detail: { alarmName: names, state: { value: ['ALARM', 'OK'] } },
        },
      },
    },
  ];
}

/** The task definitions the recoveries may run: every revision of each configured family. */
async function taskDefinitionArns(context) {
  return unique(
    (await sites(context)).map((s) => {
      const td = s.run.taskDefinition;
      return `${s.regions.primary}|${td.includes(':') ? td : `${td}:*`}`;
    }),
  ).map((key) => {
    const [region, td] = key.split('|');
    return sub(`arn:\${AWS::Partition}:ecs:${region}:\${AWS::AccountId}:task-definition/${td}`);
  });
}

/** The clusters the tasks run in (RunTask's ecs:cluster condition). */
async function clusterArns(context) {
  return unique((await sites(context)).map((s) => `${s.regions.primary}|${s.run.cluster}`)).map((key) => {
    const [region, cluster] = key.split('|');
    return sub(`arn:\${AWS::Partition}:ecs:${region}:\${AWS::AccountId}:cluster/${cluster}`);
  });
}

/** The ECS infrastructure roles that create the tasks' volumes (passed to ECS by RunTask). */
async function infrastructureRoleArns(context) {
  return unique((await sites(context)).map((s) => s.run.infrastructureRoleArn));
}

/**
 * The task and execution roles of the sites' task definitions, which RunTask passes to ECS tasks:
 * the only roles lifeboat may pass to ecs-tasks.amazonaws.com (never role/*, or any role that trusts
 * ECS tasks could be handed to a task lifeboat starts). Empty when no site names one.
 */
async function taskRoleArns(context) {
  return unique(
    (await sites(context)).flatMap((s) => [s.run.taskRoleArn, s.run.executionRoleArn]).filter(Boolean),
  );
}

/**
 * The launch-task role's statement on passing roles to ECS tasks: Allow on exactly taskRoleArns, or,
 * when no site names a role, a Deny (IAM refuses a statement without resources, and passing none is
 * what the config says).
 */
async function passTaskRolesStatement(context) {
  const roles = await taskRoleArns(context);
  const condition = { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } };
  return roles.length > 0
    ? { Effect: 'Allow', Action: 'iam:PassRole', Resource: roles, Condition: condition }
    : { Effect: 'Deny', Action: 'iam:PassRole', Resource: '*', Condition: condition };
}

/**
 * The tag keys lifeboat writes on its DB snapshots and copies: its own vocabulary and the source
 * tags the sites keep (protect.keepTags; `aws:` keys are reserved and never copied). IAM allows
 * rds:AddTagsToResource with these keys only (aws:TagKeys).
 */
async function snapshotTagKeys(context) {
  const { TAG_KEYS } = loadVocabulary();
  const kept = (await sites(context)).flatMap((s) => s.protect.keepTags).filter((k) => !k.startsWith('aws:'));
  return unique([...TAG_KEYS, ...kept]);
}

/** The hosted zones of the sites' records. */
async function hostedZoneArns(context) {
  return unique((await sites(context)).map((s) => s.dns.hostedZoneId)).map((id) =>
    sub(`arn:\${AWS::Partition}:route53:::hostedzone/${id}`),
  );
}

/**
 * The record names recovery may change: each site's and sandbox's, in the normalised form IAM's
 * route53:ChangeResourceRecordSetsNormalizedRecordNames compares with (lowercase, no final dot;
 * the config loader already normalises them).
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/specifying-rrset-conditions.html
 */
async function recordNames(context) {
  return unique((await sites(context)).flatMap((s) => [s.dns.recordName, s.sandbox.recordName]));
}

/** The sandboxes' record names (same normalised form): what a promote deletes once it promoted one. */
async function sandboxRecordNames(context) {
  return unique((await sites(context)).map((s) => s.sandbox.recordName));
}
/**
 * What a point-in-time restore reads from and writes to: each site's live database (the source)
 * and the databases lifeboat restores (named lifeboat-*, lib/tags/vocabulary.ts), with the DB
 * subnet groups the restores are placed in.
 */
async function pointInTimeRestoreArns(context) {
  const rds = (path) => sub(`arn:\${AWS::Partition}:rds:*:\${AWS::AccountId}:${path}`);
  const sources = unique(
    (await sites(context))
      .filter((s) => s.recovery.database === 'point-in-time' && s.protect.database !== undefined)
      .map((s) => {
        const db = s.protect.database;
        return `${s.regions.primary}|${'instance' in db ? `db:${db.instance}` : `cluster:${db.cluster}`}`;
      }),
  ).map((key) => {
    const [region, path] = key.split('|');
    return sub(`arn:\${AWS::Partition}:rds:${region}:\${AWS::AccountId}:${path}`);
  });
  return [...sources, rds('db:lifeboat-*'), rds('cluster:lifeboat-*'), rds('subgrp:*')];
}

/** The deploy stage (`${sls:stage}`), for the tags of what the stack makes. */
async function stage(context) {
  const value = await context?.resolveVariable?.('sls:stage').catch(() => undefined);
  return typeof value === 'string' && value !== '' ? value : 'dev';
}

/** The sites that ask for a Recycle Bin rule (protection.recycleBin), by name. */
async function recycleBinSites(context) {
  return (await sites(context)).filter((s) => s.protection?.recycleBin !== undefined);
}

/**
 * The default of the RecycleBinRetentionDays stack parameter: the longest `retentionDays` any site
 * asks for, or 0 (no rule) when none does.
 */
async function recycleBinDays(context) {
  const days = (await recycleBinSites(context)).map((s) => s.protection.recycleBin.retentionDays);
  return days.length === 0 ? 0 : Math.max(...days);
}

/**
 * One tag-level Recycle Bin rule for the EBS snapshots of every site that asks for it: a deleted
 * snapshot carrying any of the rule's tags (here `lifeboat:site=<site>`) stays recoverable for the
 * RecycleBinRetentionDays stack parameter (default: the longest `retentionDays` asked). The resource
 * is always in the template, under the RecycleBinWanted condition (that parameter is not 0),
 * because a variable cannot add or leave out a resource key; with no site asking, CloudFormation
 * creates nothing.
 * https://docs.aws.amazon.com/ebs/latest/userguide/recycle-bin-working-with-rules.html
 */
async function recycleBinRule(context) {
  const asking = await recycleBinSites(context);
  const names = asking.map((s) => s.name).sort();
  const stageName = await stage(context);
  return {
    Type: 'AWS::Rbin::Rule',
    Condition: 'RecycleBinWanted',
    Properties: {
      Description: `lifeboat ${stageName}: deleted EBS snapshots of ${names.join(', ') || 'no site'} stay in the Recycle Bin`,
      ResourceType: 'EBS_SNAPSHOT',
      ResourceTags: (names.length > 0 ? names : ['none']).map((name) => ({
        ResourceTagKey: 'lifeboat:site',
        ResourceTagValue: name,
      })),
      RetentionPeriod: {
        RetentionPeriodValue: { Ref: 'RecycleBinRetentionDays' },
        RetentionPeriodUnit: 'DAYS',
      },
      Tags: [
        { Key: 'lifeboat:managed', Value: 'true' },
        { Key: 'lifeboat:stage', Value: stageName },
      ],
    },
  };
}

module.exports = {
  recycleBinDays,
  recycleBinRule,
  backupSchedules,
  drillEvents,
  alarmNames,
  alarmEvents,
  taskDefinitionArns,
  clusterArns,
  infrastructureRoleArns,
  taskRoleArns,
  passTaskRolesStatement,
  snapshotTagKeys,
  hostedZoneArns,
  recordNames,
  sandboxRecordNames,
  pointInTimeRestoreArns,
};
