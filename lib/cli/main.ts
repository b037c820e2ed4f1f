import { type Clock, systemClock } from '../clock';
import { asError } from '../errors';
import { type Invocation, parseInvocation, usage } from './args';
import { backupCommand } from './commands/backup';
import { checkCommand } from './commands/check';
import { drillCommand } from './commands/drill';
import { listCommand } from './commands/list';
import { promoteCommand } from './commands/promote';
import { recoverCommand } from './commands/recover';
import { reportCommand } from './commands/report';
import { statusCommand } from './commands/status';
import { type CliContext, createContext, endpointOf } from './context';
import { describeFailure, EXIT, type ExitCode } from './exit-codes';
import { streamOutput } from './output';

type Command = (ctx: CliContext, invocation: Invocation) => Promise<ExitCode>;

const HANDLERS: Record<string, Command> = {
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
    if (invocation.command === 'help') {
      out.line(usage());
      return EXIT.ok;
    }
    endpoint = endpointOf(invocation, env);
    const ctx = await createContext(invocation, { out, env, clock });
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
