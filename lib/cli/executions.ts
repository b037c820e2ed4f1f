import type { ClientSettings } from '../aws/clients';
import type { SfnAdapter } from '../aws/sfn';
import type { Clock } from '../clock';
import type { LifeboatConfig } from '../config/schema';
import { asError } from '../errors';
import type { RecoveryExecutions } from '../recovery/start-recovery';

export type MachineKind = 'recovery' | 'promote' | 'drill';

/** An execution to run to its end outside Step Functions: what Step Functions would run after StartExecution. */
export interface LocalExecution {
  machine: MachineKind;
  executionName: string;
  executionArn: string;
  input: unknown;
  config: LifeboatConfig;
  /** How the CLI builds its SDK clients (the emulator's endpoint, the region). */
  clientSettings: ClientSettings;
  bucket: string;
  /** SNS topic for the run's notifications; without one they are handed to `notice`. */
  topicArn?: string;
  clock: Clock;
  notice(line: string): void;
}

/** How a local run ended. */
export interface LocalExecutionEnd {
  status: 'SUCCEEDED' | 'FAILED';
  error?: string;
  cause?: string;
}

/**
 * Runs an execution in this process. lib/ cannot import the runner (it lives in local/, with
 * devDependencies), so bin/lifeboat.cjs passes one in for the emulator; in AWS there is none and
 * Step Functions runs what StartExecution started.
 */
export type LocalRunner = (execution: LocalExecution) => Promise<LocalExecutionEnd>;

/**
 * The executions of one state machine as the CLI starts them: StartExecution always (so the
 * execution exists by name, as the duplicate check expects), then, given a local runner, the run
 * itself in this process.
 */
export class CliExecutions implements RecoveryExecutions {
  private run?: Promise<LocalExecutionEnd>;

  constructor(
    private readonly sfn: SfnAdapter,
    private readonly runLocally?: (
      executionName: string,
      executionArn: string,
      input: unknown,
    ) => Promise<LocalExecutionEnd>,
  ) {}

  get stateMachineArn(): string {
    return this.sfn.stateMachineArn;
  }

  async start(name: string, input: unknown): Promise<{ executionArn: string }> {
    const started = await this.sfn.start(name, input);
    if (this.runLocally !== undefined) {
      this.run = this.runLocally(name, started.executionArn, input).catch((error: unknown) => {
        const e = asError(error);
        return { status: 'FAILED' as const, error: e.name, cause: e.message };
      });
    }
    return started;
  }

  find(name: string): Promise<{ executionArn: string; status: string } | undefined> {
    return this.sfn.find(name);
  }

  /** How the local run ends; undefined when Step Functions runs the execution (or none was started). */
  localRun(): Promise<LocalExecutionEnd> | undefined {
    return this.run;
  }
}
