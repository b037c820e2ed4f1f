import type { StackDescription } from '../aws/cloudformation';
import { ConfigError } from '../errors';

/** The Serverless Framework service name (`service:` in serverless.yml): stacks are `<service>-<stage>`. */
export const SERVICE = 'lifeboat';

/** The stack a stage deploys, as the Serverless Framework names it. */
export function stackNameOf(stage: string): string {
  return `${SERVICE}-${stage}`;
}

/** Where one value the CLI needs can come from, first match wins: flag, environment, stack output, stack resource. */
interface Lookup {
  what: string;
  /** The flag as the operator types it, e.g. `--bucket NAME` (read by the caller, passed to find). */
  flag?: string;
  env?: string;
  output: string;
  /** Logical id of the resource whose physical id is the value (a stand-in stack may have no outputs). */
  resource?: string;
}

export const LOOKUPS = {
  catalogBucket: {
    what: 'catalog bucket',
    flag: '--bucket NAME',
    env: 'CATALOG_BUCKET',
    output: 'CatalogBucketName',
    resource: 'CatalogBucket',
  },
  recoveryStateMachine: {
    what: 'recovery state machine',
    flag: '--state-machine ARN',
    env: 'RECOVERY_STATE_MACHINE_ARN',
    output: 'RecoveryStateMachineArn',
    resource: 'RecoveryStateMachine',
  },
  promoteStateMachine: {
    what: 'promote state machine',
    flag: '--state-machine ARN',
    env: 'PROMOTE_STATE_MACHINE_ARN',
    output: 'PromoteStateMachineArn',
    resource: 'PromoteStateMachine',
  },
  drillStateMachine: {
    what: 'drill state machine',
    flag: '--state-machine ARN',
    env: 'DRILL_STATE_MACHINE_ARN',
    output: 'DrillStateMachineArn',
    resource: 'DrillStateMachine',
  },
  recoveryTopic: {
    what: 'recovery topic',
    env: 'RECOVERY_TOPIC_ARN',
    output: 'RecoveryTopicArn',
    resource: 'RecoveryTopic',
  },
  backupWorkTopic: {
    what: 'backup work topic',
    output: 'BackupWorkTopicArn',
    resource: 'BackupWorkTopic',
  },
  backupAlarmTopic: {
    what: 'backup alarm topic',
    output: 'BackupAlarmTopicArn',
    resource: 'BackupAlarmTopic',
  },
  pingdomWebhookUrl: { what: 'Pingdom webhook URL', output: 'PingdomWebhookUrl' },
} satisfies Record<string, Lookup>;

export type LookupName = keyof typeof LOOKUPS;

/** A value and where it came from (`--bucket`, `env CATALOG_BUCKET`, `output CatalogBucketName`, ...). */
export interface Found {
  value: string;
  from: string;
}

const given = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/**
 * What the CLI knows of one deployed stage: the stack `lifeboat-<stage>` in a region, read once on
 * first use (never when flags and variables give everything a command needs), and the values
 * it holds, each overridable by its flag or environment variable.
 */
export class Deployment {
  private stackRead?: Promise<StackDescription | undefined>;

  constructor(
    readonly stage: string,
    readonly region: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly readStack: (name: string) => Promise<StackDescription | undefined>,
  ) {}

  get stackName(): string {
    return stackNameOf(this.stage);
  }

  /** The stack, or undefined if the region has none of that name. */
  stack(): Promise<StackDescription | undefined> {
    this.stackRead ??= this.readStack(this.stackName);
    return this.stackRead;
  }

  /** The value of `name`: `flagValue` (what the flag was given), else its variable, else the stack's. */
  async find(name: LookupName, flagValue?: string): Promise<Found | undefined> {
    const lookup: Lookup = LOOKUPS[name];
    if (given(flagValue)) return { value: flagValue, from: lookup.flag?.split(' ')[0] ?? 'flag' };
    const variable = lookup.env === undefined ? undefined : this.env[lookup.env];
    if (lookup.env !== undefined && given(variable)) return { value: variable, from: `env ${lookup.env}` };
    return this.fromStack(name);
  }

  /** The value of `name` in the stack alone (output, else resource), ignoring flags and variables. */
  async fromStack(name: LookupName): Promise<Found | undefined> {
    const lookup: Lookup = LOOKUPS[name];
    const stack = await this.stack();
    if (stack === undefined) return undefined;
    const output = stack.outputs[lookup.output];
    if (given(output)) return { value: output, from: `output ${lookup.output}` };
    const physical = lookup.resource === undefined ? undefined : stack.resources[lookup.resource];
    if (given(physical)) return { value: physical, from: `resource ${lookup.resource}` };
    if (name === 'pingdomWebhookUrl' && given(stack.outputs.HttpApiUrl)) {
      return { value: `${stack.outputs.HttpApiUrl.replace(/\/$/, '')}/pingdom`, from: 'output HttpApiUrl' };
    }
    return undefined;
  }

  /** Like find, but a ConfigError (exit 2) naming every place it looked when there is no value. */
  async require(name: LookupName, flagValue?: string): Promise<string> {
    const found = await this.find(name, flagValue);
    if (found !== undefined) return found.value;
    const lookup: Lookup = LOOKUPS[name];
    const stack = await this.stack();
    const why =
      stack === undefined
        ? `no stack ${this.stackName} in ${this.region} (check --stage and --region)`
        : `stack ${this.stackName} has no ${lookup.output} output`;
    const ways = [
      lookup.flag === undefined ? undefined : `pass ${lookup.flag}`,
      lookup.env && `set ${lookup.env}`,
    ]
      .filter((w) => w !== undefined)
      .join(' or ');
    throw new ConfigError(`no ${lookup.what}: ${why}${ways === '' ? '' : `; ${ways}`}`);
  }
}
