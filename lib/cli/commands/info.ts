import { NotFoundError } from '../../errors';
import { formatTime } from '../../report/format';
import { type Invocation, stringOption } from '../args';
import type { CliContext } from '../context';
import { type Found, type LookupName, SERVICE } from '../deployment';
import { EXIT, type ExitCode } from '../exit-codes';

interface Row {
  label: string;
  lookup: LookupName;
  /** The option of this command line that overrides the stack's value. */
  flag?: string;
}

/** What `info` shows, in order, grouped as `osls info` groups its sections. */
const GROUPS: { title?: string; rows: Row[] }[] = [
  { rows: [{ label: 'catalog bucket', lookup: 'catalogBucket', flag: 'bucket' }] },
  {
    title: 'state machines',
    rows: [
      { label: 'recovery', lookup: 'recoveryStateMachine' },
      { label: 'promote', lookup: 'promoteStateMachine' },
      { label: 'drill', lookup: 'drillStateMachine' },
    ],
  },
  {
    title: 'topics',
    rows: [
      { label: 'recovery', lookup: 'recoveryTopic' },
      { label: 'backup work', lookup: 'backupWorkTopic' },
      { label: 'backup alarms', lookup: 'backupAlarmTopic' },
    ],
  },
  { rows: [{ label: 'pingdom webhook', lookup: 'pingdomWebhookUrl' }] },
];

const WIDTH = 18;

const field = (label: string, indent = '') => `${indent}${label}:`.padEnd(WIDTH);

/** `label: value`, and where the value came from when it is not the stack. */
function row(label: string, found: Found | undefined, indent: string): string {
  if (found === undefined) return `${field(label, indent)}— (not in the stack)`;
  const fromStack = found.from.startsWith('output') || found.from.startsWith('resource');
  return `${field(label, indent)}${found.value}${fromStack ? '' : ` (from ${found.from})`}`;
}

/** `lifeboat info`: the stack of --stage in the region, and what the other commands read from it. */
export async function infoCommand(ctx: CliContext, invocation: Invocation): Promise<ExitCode> {
  const { deployment } = ctx;
  const stack = await deployment.stack();
  if (stack === undefined) {
    throw new NotFoundError(
      `no stack ${deployment.stackName} in ${deployment.region}: deploy it (npx osls deploy --stage ${deployment.stage} --region ${deployment.region}) or pick another --stage or --region`,
    );
  }
  const found = new Map<LookupName, Found | undefined>();
  for (const { rows } of GROUPS) {
    for (const { lookup, flag } of rows) {
      found.set(lookup, await deployment.find(lookup, flag && stringOption(invocation, flag)));
    }
  }
  const value = (lookup: LookupName) => found.get(lookup)?.value ?? null;
  const sites = ctx.config.sites.map((s) => ({
    name: s.name,
    recordName: s.dns.recordName,
    primary: s.regions.primary,
    dr: s.regions.dr,
  }));

  if (ctx.json) {
    const info = {
      service: SERVICE,
      stage: deployment.stage,
      region: deployment.region,
      endpoint: ctx.endpoint ?? null,
      stack: { name: stack.name, id: stack.id, status: stack.status, updatedAt: stack.updatedAt ?? null },
      catalogBucket: value('catalogBucket'),
      stateMachines: {
        recovery: value('recoveryStateMachine'),
        promote: value('promoteStateMachine'),
        drill: value('drillStateMachine'),
      },
      topics: {
        recovery: value('recoveryTopic'),
        backupWork: value('backupWorkTopic'),
        backupAlarms: value('backupAlarmTopic'),
      },
      pingdomWebhook: value('pingdomWebhookUrl'),
      config: ctx.configPath,
      sites,
    };
    ctx.out.line(JSON.stringify(info, null, 2));
    return EXIT.ok;
  }

  const out = ctx.out;
  const emulator = ctx.endpoint === undefined ? '' : ` (emulator ${ctx.endpoint})`;
  const updated = stack.updatedAt === undefined ? '' : `, updated ${formatTime(stack.updatedAt)}`;
  out.line(`${field('service')}${SERVICE}`);
  out.line(`${field('stage')}${deployment.stage}`);
  out.line(`${field('region')}${deployment.region}${emulator}`);
  out.line(`${field('stack')}${stack.name} (${stack.status}${updated})`);
  for (const group of GROUPS) {
    if (group.title !== undefined) out.line(`${group.title}:`);
    const indent = group.title === undefined ? '' : '  ';
    for (const { label, lookup } of group.rows) out.line(row(label, found.get(lookup), indent));
  }
  out.line(`sites (${ctx.configPath}):`);
  for (const s of sites) out.line(`${field(s.name, '  ')}${s.recordName}, ${s.primary} (DR ${s.dr})`);
  return EXIT.ok;
}
