import type { Site } from '../config/schema';
import type { CheckResult } from './model';

/** An EventBridge rule as ListRules and ListTargetsByRule show it (lib/aws/eventbridge.ts). */
export interface EventRuleInfo {
  name: string;
  /** `ENABLED`, `DISABLED` or `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`. */
  state: string;
  eventPattern?: string;
  targetArns: string[];
}

/** What the "DR events forwarded" check reads. */
export interface DrEventPorts {
  /** The rules on `region`'s default bus whose names start with `namePrefix`. */
  eventRules(region: string, namePrefix: string): Promise<EventRuleInfo[]>;
}

/** The stack name the forwarder template (config/dr-region-forwarder.yml) is deployed as. */
export function drForwarderStackName(stage: string): string {
  return `lifeboat-${stage}-dr-forwarder`;
}

/** The prefix every rule of the forwarder template is named with. */
export function drForwarderRulePrefix(stage: string): string {
  return `lifeboat-${stage}-dr-forward-`;
}

/** The rules the forwarder template creates, by the stack rule (serverless.yml) each mirrors. */
export function drForwarderRuleNames(stage: string): { ebs: string; rds: string } {
  const prefix = drForwarderRulePrefix(stage);
  return { ebs: `${prefix}ebs-snapshot-events`, rds: `${prefix}rds-snapshot-events` };
}

/** The one command that deploys (or repairs) the forwarder of `stage` in `drRegion`. */
export function drForwarderDeployCommand(stage: string, drRegion: string, primaryRegion: string): string {
  return [
    `aws cloudformation deploy --region ${drRegion} --stack-name ${drForwarderStackName(stage)}`,
    '--template-file config/dr-region-forwarder.yml',
    `--parameter-overrides Stage=${stage} PrimaryRegion=${primaryRegion} --capabilities CAPABILITY_IAM`,
  ].join(' ');
}

/** True when `arn` is the default event bus of `region` (any partition and account). */
function isDefaultBusOf(arn: string, region: string): boolean {
  const [scheme, , service, arnRegion, , resource, ...rest] = arn.split(':');
  return (
    scheme === 'arn' &&
    service === 'events' &&
    arnRegion === region &&
    resource === 'event-bus/default' &&
    rest.length === 0
  );
}

/**
 * Whether the DR region's snapshot events reach the stack: both forwarder rules exist in the
 * site's DR region, are enabled and target the primary region's default bus. Only a warning when
 * not, since the sweeper still finds every DR copy, minutes later.
 */
export async function checkDrEventsForwarded(
  ports: DrEventPorts,
  site: Site,
  stage: string,
): Promise<Pick<CheckResult, 'verdict' | 'reason'>> {
  const { primary, dr } = site.regions;
  if (dr === primary)
    return { verdict: 'ok', reason: `the DR region is the primary (${primary}): nothing to forward` };
  const rules = await ports.eventRules(dr, drForwarderRulePrefix(stage));
  const byName = new Map(rules.map((r) => [r.name, r]));
  const problems: string[] = [];
  for (const name of Object.values(drForwarderRuleNames(stage))) {
    const rule = byName.get(name);
    if (rule === undefined) problems.push(`rule ${name} is missing`);
    else if (!rule.state.startsWith('ENABLED')) problems.push(`rule ${name} is ${rule.state}`);
    else if (!rule.targetArns.some((arn) => isDefaultBusOf(arn, primary))) {
      problems.push(
        `rule ${name} sends to ${rule.targetArns.join(', ') || 'no target'}, not ${primary}'s default bus`,
      );
    }
  }
  if (problems.length === 0) {
    return {
      verdict: 'ok',
      reason: `EBS and RDS snapshot events in ${dr} are forwarded to ${primary}'s default bus`,
    };
  }
  return {
    verdict: 'warn',
    reason: `${problems.join('; ')} in ${dr}: DR copies complete unnoticed until the next sweep, and their copy slots are refilled late. Deploy the forwarder: ${drForwarderDeployCommand(stage, dr, primary)}`,
  };
}
