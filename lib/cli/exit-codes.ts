import { ConfigError, InvalidInputError, LifeboatError, NotFoundError, UnknownSiteError } from '../errors';

/**
 * What `lifeboat` exits with, so scripts can branch on it:
 * 0 done; 1 the operation ran and failed (a backup ended Failed, a recovery failed, the site is
 * locked); 2 usage or config error; 3 AWS or the emulator unreachable, or no credentials;
 * 4 the named recovery, backup or bucket does not exist.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3, notFound: 4 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Wrong command line: unknown command or option, missing argument. */
export class UsageError extends LifeboatError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The command ran and the operation it drove failed (already reported on the way). */
export class OperationFailedError extends LifeboatError {
  constructor(message: string) {
    super(message);
    this.name = 'OperationFailedError';
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The error and every `cause` under it (AwsCallError wraps the SDK error, which wraps the socket's). */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 10 && !chain.includes(current)) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

function field(value: unknown, name: string): string | undefined {
  const v = (value as Record<string, unknown> | null)?.[name];
  return typeof v === 'string' ? v : undefined;
}

/** Turns any error a command throws into one line for the operator and the exit code scripts see. */
export function describeFailure(
  error: unknown,
  context: { endpoint?: string },
): { code: ExitCode; line: string } {
  const chain = causeChain(error);
  const names = chain.map((e) => field(e, 'name') ?? '');
  const codes = chain.map((e) => field(e, 'code') ?? field(e, 'Code') ?? '');

  if (error instanceof UsageError)
    return { code: EXIT.usage, line: `${error.message} (see lifeboat --help)` };
  if (error instanceof ConfigError) {
    const detail = error.issues.length > 0 ? `: ${error.issues.join('; ')}` : '';
    return { code: EXIT.usage, line: `${error.message.split('\n')[0]?.replace(/:$/, '')}${detail}` };
  }
  if (error instanceof UnknownSiteError || error instanceof InvalidInputError) {
    return { code: EXIT.usage, line: error.message };
  }
  if (names[0] === 'EndpointUnreachableError') {
    return { code: EXIT.unreachable, line: (error as Error).message };
  }
  if (names.some((n) => n === 'CredentialsProviderError') || codes.includes('CredentialsProviderError')) {
    return {
      code: EXIT.unreachable,
      line: 'no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or use --endpoint for the emulator)',
    };
  }
  if (
    codes.some((c) => NETWORK_CODES.has(c)) ||
    names.some((n) => n === 'TimeoutError' || n === 'ConnectTimeoutError')
  ) {
    const where = context.endpoint === undefined ? 'AWS' : `the AWS emulator at ${context.endpoint}`;
    const hint = context.endpoint === undefined ? 'check the network' : 'is moto_server running?';
    return {
      code: EXIT.unreachable,
      line: `cannot reach ${where} (${codes.find((c) => NETWORK_CODES.has(c)) ?? names.find((n) => n.includes('Timeout'))}): ${hint}`,
    };
  }
  if (codes.includes('NoSuchBucket') || names.includes('NoSuchBucket')) {
    return {
      code: EXIT.notFound,
      line: `the catalog bucket does not exist: check --bucket or CATALOG_BUCKET`,
    };
  }
  if (error instanceof NotFoundError) return { code: EXIT.notFound, line: error.message };
  if (names.some((n) => ['StateMachineDoesNotExist', 'ResourceNotFoundException'].includes(n))) {
    return { code: EXIT.notFound, line: `state machine not found: ${(error as Error).message}` };
  }
  if (error instanceof OperationFailedError) return { code: EXIT.failed, line: error.message };
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
  return { code: EXIT.failed, line: `${name}${message.split('\n')[0]}` };
}
