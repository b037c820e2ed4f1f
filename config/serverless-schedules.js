/**
 * Package-time schedules read from the site config, so serverless.yml never repeats it:
 *
 *   events: ${file(./config/serverless-schedules.js):backupSchedules}   (startBackup)
 *   events: ${file(./config/serverless-schedules.js):drillSchedules}    (drill state machine, via serverless-recovery.js)
 *
 * osls calls an exported function with { options, resolveVariable }.
 */
const { readFileSync } = require('node:fs');
const { isAbsolute, join } = require('node:path');
const { parse } = require('yaml');

const SERVICE_DIR = join(__dirname, '..');
const DEFAULT_CONFIG = 'config/sites.yml';
const DEFAULT_BACKUP = 'cron(0 2 * * ? *)';
const DEFAULT_DRILL = 'cron(0 4 ? * SUN *)';

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
    if (typeof site?.name !== 'string') throw new Error(`${file}: sites[${i}].name is required`);
  });
  return list;
}

/**
 * One schedule per site for startBackup. The input carries the event's own `time` (the scheduled
 * time), so a duplicate delivery of the same schedule names the same backup id.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
async function backupSchedules(context) {
  return (await sites(context)).map((s) => ({
    schedule: {
      description: `lifeboat nightly backup of ${s.name}`,
      rate: [s.schedule?.backup ?? DEFAULT_BACKUP],
      inputTransformer: {
        inputPathsMap: { time: '$.time' },
        inputTemplate: `{"site":${JSON.stringify(s.name)},"time":<time>}`,
      },
    },
  }));
}

/** One weekly restore-drill schedule per site, input { site, kind: 'drill' }. */
async function drillSchedules(context) {
  return (await sites(context)).map((s) => ({
    schedule: { rate: [s.schedule?.drill ?? DEFAULT_DRILL], input: { site: s.name, kind: 'drill' } },
  }));
}

module.exports = { backupSchedules, drillSchedules };
