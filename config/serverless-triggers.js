/**
 * Package-time values for the recovery triggers, read from the site config so serverless.yml never
 * repeats what config/sites.yml says:
 *
 *   events: ${file(./config/serverless-triggers.js):alarmEvents}
 *
 * osls calls an exported function with { options, resolveVariable }.
 */
const { readFileSync } = require('node:fs');
const { isAbsolute, join } = require('node:path');
const { parse } = require('yaml');

const SERVICE_DIR = join(__dirname, '..');
const DEFAULT_CONFIG = 'config/sites.yml';

async function configFile(context) {
  let path = process.env.LIFEBOAT_CONFIG;
  if (path === undefined && context?.resolveVariable !== undefined) {
    path = await context.resolveVariable('param:configFile').catch(() => undefined);
  }
  path = path ?? DEFAULT_CONFIG;
  return isAbsolute(path) ? path : join(SERVICE_DIR, path);
}

/** Every CloudWatch alarm named under sites[].triggers.cloudwatchAlarms, once each. */
async function alarmNames(context) {
  const file = await configFile(context);
  const config = parse(readFileSync(file, 'utf8'));
  const sites = Array.isArray(config?.sites) ? config.sites : [];
  const names = new Set();
  sites.forEach((site, i) => {
    const alarms = site?.triggers?.cloudwatchAlarms ?? [];
    if (!Array.isArray(alarms))
      throw new Error(`${file}: sites[${i}].triggers.cloudwatchAlarms must be a list`);
    for (const alarm of alarms) {
      if (typeof alarm !== 'string' || alarm === '') {
        throw new Error(
          `${file}: sites[${i}].triggers.cloudwatchAlarms holds a non-name: ${JSON.stringify(alarm)}`,
        );
      }
      names.add(alarm);
    }
  });
  return [...names].sort();
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

module.exports = { alarmNames, alarmEvents };
