import { APIGatewayProxyEventV2Schema } from '@aws-lambda-powertools/parser/schemas/api-gatewayv2';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import {
  InvalidInputError,
  type LifeboatError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnknownCheckError,
} from '../errors';
import { logger } from '../middleware/lambda';
import type { TriggerOutcome } from './outcome';

/**
 * The parts of an API Gateway HTTP API (payload 2.0) event the webhook reads, typed by Powertools'
 * schema. Only these are validated (not the whole envelope) so a request is judged on its token
 * before anything else; an absent isBase64Encoded means a plain body.
 */
export const webhookHttpEvent = APIGatewayProxyEventV2Schema.pick({
  body: true,
  isBase64Encoded: true,
  queryStringParameters: true,
}).partial({ isBase64Encoded: true });

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

/** A JSON response. */
export function jsonResponse(statusCode: number, body: unknown): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

/** 202 for a started recovery, 200 for anything recorded or ignored (with why). */
export function outcomeResponse(outcome: TriggerOutcome): HttpResult {
  return jsonResponse(outcome.outcome === 'started' ? 202 : 200, outcome);
}

const CLIENT_ERRORS: [new (...args: never[]) => LifeboatError, number][] = [
  [InvalidInputError, 400],
  [UnauthorizedError, 401],
  [UnknownCheckError, 404],
  [PayloadTooLargeError, 413],
];

function clientStatus(error: unknown): number | undefined {
  return CLIENT_ERRORS.find(([type]) => error instanceof type)?.[1];
}

function issuesOf(error: LifeboatError): string[] | undefined {
  const issues = error.context.issues;
  return Array.isArray(issues) ? issues.map(String) : undefined;
}

/**
 * The only place an error becomes an HTTP answer: the caller's mistakes (bad input, bad token,
 * unknown check, oversized body) become 4xx with what was wrong; anything else is rethrown, so
 * only lifeboat's own failures are 5xx. Client errors are logged as warnings, never with the token.
 */
export function httpErrorResponses(): MiddlewareObj<unknown, unknown, Error, Context> {
  return {
    onError: async function answerClientError(request) {
      const status = clientStatus(request.error);
      if (status === undefined) return undefined;
      const error = request.error as LifeboatError;
      logger.warn(`answered ${status}: ${error.message}`, { error: { name: error.name } });
      const issues = issuesOf(error);
      request.response = jsonResponse(status, {
        error: error.name,
        message: error.message,
        ...(issues === undefined ? {} : { issues }),
      });
      // Returning the response ends the onError chain: a client error is not a lifeboat failure.
      return request.response;
    },
  };
}
