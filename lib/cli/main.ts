import { type Clock, systemClock } from '../clock';
import { asError } from '../errors';
import { commandUsage, type Invocation, parseInvocation, usage, version } from './args';
import { backupCommand } from './commands/backup';
import { checkCommand } from './commands/check';
import { drillCommand } from './commands/drill';
import { infoCommand } from './commands/info';
import { listCommand } from './commands/list';
import { promoteCommand } from './commands/promote';
import { recoverCommand } from './commands/recover';
import { reportCommand } from './commands/report';
import { statusCommand } from './commands/status';
import { type CliContext, createContext, endpointOf } from './context';
import type { LocalRunner } from './executions';
import { describeFailure, EXIT, type ExitCode } from './exit-codes';
import { streamOutput } from './output';

type Command = (ctx: CliContext, invocation: Invocation) => Promise<ExitCode>;

const HANDLERS: Record<string, Command> = {
  info: infoCommand,
  backup: backupCommand,
  list: listCommand,
  recover: recoverCommand,
  status: statusCommand,
  promote: promoteCommand,
  drill: drillCommand,
  report: reportCommand,
  check: checkCommand,
};

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  /**
   * Loads the runner that runs started executions in this process; used only with --endpoint
   * (bin/lifeboat.cjs passes local/cli-local.ts). Without it executions are only started.
   */
  localRunner: () => Promise<LocalRunner>;
}

/** Runs `lifeboat <argv…>` and resolves to the exit code (see exit-codes.ts); never throws. */
export async function main(argv: string[], io: Partial<CliIo> = {}): Promise<ExitCode> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const clock = io.clock ?? systemClock;
  const out = streamOutput(stdout, stderr, () => clock.now().getTime());
  let endpoint: string | undefined;
  try {
    const invocation = parseInvocation(argv);
    if (invocation.command === 'version') {
      out.line(`lifeboat ${version()}`);
      return EXIT.ok;
    }
    if (invocation.command === 'help') {
      const topic = invocation.args.command;
      out.line((topic === undefined ? usage() : commandUsage(topic)).trimEnd());
      return EXIT.ok;
    }
    endpoint = endpointOf(invocation, env);
    const ctx = await createContext(invocation, { out, env, clock, localRunner: io.localRunner });
    const handler = HANDLERS[invocation.command];
    if (handler === undefined) throw new Error(`no handler for ${invocation.command}`);
    return await handler(ctx, invocation);
  } catch (error) {
    const { code, line } = describeFailure(error, { endpoint });
    out.error(`lifeboat: ${line}`);
    if (env.LIFEBOAT_DEBUG !== undefined) out.error(asError(error).stack ?? '');
    return code;
  }
}
