import { AwsCallError, ThrottledError } from '../errors';

/** The error codes AWS uses for rate limiting across EC2, RDS, ECS, Route 53 and S3. */
const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'SnapshotCreationPerVolumeRateExceeded',
  'PriorRequestNotComplete',
]);

/** The AWS error code of an SDK exception, or undefined for anything else. */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { name?: unknown; Code?: unknown; code?: unknown };
  for (const candidate of [e.Code, e.code, e.name]) {
    if (typeof candidate === 'string' && candidate !== 'Error') return candidate;
  }
  return undefined;
}

/** HTTP status of an SDK exception, when it has one. */
export function awsHttpStatus(error: unknown): number | undefined {
  const meta = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata;
  return meta?.httpStatusCode;
}

/** True for AWS rate-limit errors, which callers retry instead of failing. */
export function isThrottling(error: unknown): boolean {
  const code = awsErrorCode(error);
  return code !== undefined && THROTTLING_CODES.has(code);
}

/**
 * Turns an SDK exception into lifeboat's own error: throttling into ThrottledError, the rest into
 * AwsCallError with the operation and AWS's code; lifeboat errors pass through untouched.
 */
export function translateAwsError(
  error: unknown,
  operation: string,
  context: Record<string, unknown> = {},
): Error {
  if (error instanceof AwsCallError || error instanceof ThrottledError) return error;
  const code = awsErrorCode(error) ?? 'Unknown';
  const message = error instanceof Error ? error.message : String(error);
  if (isThrottling(error)) {
    return new ThrottledError(
      `${operation} throttled by AWS (${code})`,
      { operation, code, ...context },
      { cause: error },
    );
  }
  return new AwsCallError(
    `${operation} failed: ${code}: ${message}`,
    { operation, code, ...context },
    {
      cause: error,
    },
  );
}
