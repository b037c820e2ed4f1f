/**
 * Package-time values for the recovery, promote and drill state machines and their functions'
 * IAM, read from the site config so serverless.yml never repeats what config/sites.yml says:
 *
 *   Resource: ${file(./config/serverless-recovery.js):taskDefinitionArns}
 *   events: ${file(./config/serverless-recovery.js):drillEvents}
 *
 * osls calls an exported function with { options, resolveVariable }. ARNs are Fn::Sub strings so
 * the account and partition come from CloudFormation at deploy time, not from AWS at package time.
 */
const { readFileSync } = require('node:fs');
const { isAbsolute, join } = require('node:path');
const { parse } = require('yaml');

const SERVICE_DIR = join(__dirname, '..');
const DEFAULT_CONFIG = 'config/sites.yml';

async function sites(context) {
  let path = process.env.LIFEBOAT_CONFIG;
  if (path === undefined && context?.resolveVariable !== undefined) {
    path = await context.resolveVariable('param:configFile').catch(() => undefined);
  }
  path = path ?? DEFAULT_CONFIG;
  const file = isAbsolute(path) ? path : join(SERVICE_DIR, path);
  const config = parse(readFileSync(file, 'utf8'));
  const list = Array.isArray(config?.sites) ? config.sites : [];
  list.forEach((site, i) => {
    for (const field of ['name', 'regions', 'run', 'dns', 'sandbox']) {
      if (site?.[field] === undefined) throw new Error(`${file}: sites[${i}].${field} is required`);
    }
  });
  return list;
}

const unique = (values) => [...new Set(values)].sort();
const sub = (text) => ({ 'Fn::Sub': text });

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

/** The hosted zones of the sites' records. */
async function hostedZoneArns(context) {
  return unique((await sites(context)).map((s) => s.dns.hostedZoneId)).map((id) =>
    sub(`arn:\${AWS::Partition}:route53:::hostedzone/${id}`),
  );
}

/**
 * The record names recovery may change: each site's and sandbox's, in the normalised form IAM's
 * route53:ChangeResourceRecordSetsNormalizedRecordNames compares with (lowercase, no final dot).
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/specifying-rrset-conditions.html
 */
async function recordNames(context) {
  return unique(
    (await sites(context))
      .flatMap((s) => [s.dns.recordName, s.sandbox.recordName])
      .map((n) => String(n).toLowerCase().replace(/\.$/, '')),
  );
}

/** drillSchedules of config/serverless-schedules.js, or the same read here until that file exists. */
async function drillSchedulesOf(context) {
  let drillSchedules;
  try {
    ({ drillSchedules } = require('./serverless-schedules.js'));
  } catch (error) {
    if (error?.code !== 'MODULE_NOT_FOUND') throw error;
    return (await sites(context)).map((s) => ({
      schedule: {
        rate: [s.schedule?.drill ?? 'cron(0 4 ? * SUN *)'],
        input: { site: s.name, kind: 'drill' },
      },
    }));
  }
  return typeof drillSchedules === 'function' ? drillSchedules(context) : drillSchedules;
}

/**
 * The drill state machine's events: the weekly drill schedule of every site (drillSchedules of
 * config/serverless-schedules.js, written for Lambda events), as serverless-step-functions wants
 * them: one expression per schedule event.
 */
async function drillEvents(context) {
  const schedules = await drillSchedulesOf(context);
  return (schedules ?? []).flatMap(({ schedule }) =>
    (Array.isArray(schedule.rate) ? schedule.rate : [schedule.rate]).map((rate) => ({
      schedule: { rate, enabled: schedule.enabled ?? true, input: { kind: 'drill', ...schedule.input } },
    })),
  );
}

module.exports = {
  taskDefinitionArns,
  clusterArns,
  infrastructureRoleArns,
  hostedZoneArns,
  recordNames,
  drillEvents,
};
