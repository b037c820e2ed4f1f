import { Logger } from '@aws-lambda-powertools/logger';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { asError, LifeboatError } from '../errors';

/** One structured logger per process; the service name tags every line. */
export const logger = new Logger({ serviceName: 'lifeboat' });

/**
 * Logs a failure once with its name and context (never secrets: handlers put none in context)
 * and rethrows, so Step Functions and EventBridge see the error's name.
 */
function logErrors(): MiddlewareObj<unknown, unknown, Error, Context> {
  return {
    onError: async function logLifeboatError(request) {
      const error = asError(request.error);
      logger.error(error.message, {
        error: { name: error.name, context: error instanceof LifeboatError ? error.context : undefined },
      });
    },
  };
}

/** Wraps a handler with lifeboat's standard middleware: request context in logs, errors logged once. */
export function lambda<TEvent, TResult>(handler: (event: TEvent, context: Context) => Promise<TResult>) {
  return middy<TEvent, TResult, Error, Context>(handler)
    .use({
      before: async function addLambdaContext(request) {
        logger.addContext(request.context);
      },
    })
    .use(logErrors() as MiddlewareObj<TEvent, TResult, Error, Context>);
}

/**
 * When an invocation begins no more work: `reserveMs` before its timeout, so what it began can
 * finish and Lambda never stops it mid-way. Undefined without Lambda's context (invoke local, tests).
 */
export function stopTime(
  context: { getRemainingTimeInMillis?: () => number } | undefined,
  reserveMs: number,
): Date | undefined {
  const remaining = context?.getRemainingTimeInMillis?.();
  return remaining === undefined ? undefined : new Date(Date.now() + remaining - reserveMs);
}
