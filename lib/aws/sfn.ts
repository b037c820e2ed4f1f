import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ExecutionAlreadyExistsError, InvalidInputError } from '../errors';
import type { AwsClients } from './clients';
import { awsErrorCode, translateAwsError } from './errors';

/** The SFNClient for a region, built once per process. */
export function sfnClient(clients: AwsClients, region = clients.settings.defaultRegion): SFNClient {
  return clients.client('sfn', SFNClient, region);
}

/** An execution Step Functions knows about. */
export interface ExecutionInfo {
  executionArn: string;
  status: string;
  startedAt?: string;
}

/**
 * Execution names: 1-80 characters, no whitespace, wildcards, brackets or control characters.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */
const EXECUTION_NAME = /^[A-Za-z0-9_.-]{1,80}$/;

/** Step Functions refuses execution input over 256 KiB of UTF-8; moto takes any size. */
const MAX_INPUT_BYTES = 262_144;

/** The ARN an execution named `name` of `stateMachineArn` has (known before it is started). */
export function executionArnFor(stateMachineArn: string, name: string): string {
  const marker = ':stateMachine:';
  const at = stateMachineArn.indexOf(marker);
  if (at < 0) throw new InvalidInputError(`"${stateMachineArn}" is not a state machine ARN`);
  return `${stateMachineArn.slice(0, at)}:execution:${stateMachineArn.slice(at + marker.length)}:${name}`;
}

/** Executions of one Standard state machine, started by name so a name is started at most once. */
export class SfnAdapter {
  constructor(
    private readonly sfn: SFNClient,
    readonly stateMachineArn: string,
  ) {}

  /**
   * Starts an execution named `name`. Standard workflows refuse a second execution of the same
   * name (with other input, or once the first has ended) for 90 days: ExecutionAlreadyExistsError.
   * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
   */
  async start(name: string, input: unknown): Promise<{ executionArn: string; startedAt?: string }> {
    if (!EXECUTION_NAME.test(name)) {
      throw new InvalidInputError(`"${name}" is not a valid Step Functions execution name`, { name });
    }
    const json = JSON.stringify(input);
    if (Buffer.byteLength(json, 'utf8') > MAX_INPUT_BYTES) {
      throw new InvalidInputError(
        `the input of execution ${name} is over the 256 KiB Step Functions accepts`,
        {
          name,
        },
      );
    }
    try {
      const out = await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: json,
        }),
      );
      return {
        executionArn: out.executionArn ?? executionArnFor(this.stateMachineArn, name),
        startedAt: out.startDate?.toISOString(),
      };
    } catch (error) {
      if (awsErrorCode(error) === 'ExecutionAlreadyExists') {
        throw new ExecutionAlreadyExistsError(
          `an execution named ${name} already exists`,
          { name, executionArn: executionArnFor(this.stateMachineArn, name) },
          { cause: error },
        );
      }
      throw translateAwsError(error, 'SFN StartExecution', { name });
    }
  }

  /** The execution named `name`, or undefined if Step Functions has none. */
  async find(name: string): Promise<ExecutionInfo | undefined> {
    const executionArn = executionArnFor(this.stateMachineArn, name);
    try {
      const out = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
      return {
        executionArn: out.executionArn ?? executionArn,
        status: out.status ?? 'UNKNOWN',
        startedAt: out.startDate?.toISOString(),
      };
    } catch (error) {
      if (awsErrorCode(error) === 'ExecutionDoesNotExist') return undefined;
      throw translateAwsError(error, 'SFN DescribeExecution', { executionArn });
    }
  }
}
