import type { Clock } from '../clock';
import type { LifeboatConfig } from '../config/schema';
import { InvalidInputError, PayloadTooLargeError, UnauthorizedError } from '../errors';
import type { TriggerOutcome, TriggerPorts } from './outcome';
import { handlePingdomAlert, parsePingdomAlert } from './pingdom';
import { tokenMatches } from './token';

/** Pingdom's bodies are a few hundred bytes; anything near this is not Pingdom. */
export const MAX_WEBHOOK_BODY_BYTES = 64 * 1024;

export type WebhookPorts = TriggerPorts & {
  /** The webhook's shared secret (from SSM Parameter Store, cached). */
  expectedToken(): Promise<string>;
};

/** The parts of the HTTP request the webhook reads. */
export interface WebhookRequest {
  config: LifeboatConfig;
  /** The `token` query parameter, as presented. */
  token?: string;
  body?: string;
  isBase64Encoded?: boolean;
}

function tooLarge(bytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`body is ${bytes} bytes, more than ${MAX_WEBHOOK_BODY_BYTES}`, {
    bytes,
    limit: MAX_WEBHOOK_BODY_BYTES,
  });
}

function decodeBody(request: WebhookRequest): string {
  const raw = request.body ?? '';
  if (!request.isBase64Encoded) {
    const bytes = Buffer.byteLength(raw, 'utf8');
    if (bytes > MAX_WEBHOOK_BODY_BYTES) throw tooLarge(bytes);
    return raw;
  }
  // Base64 carries 3 bytes in 4 characters: refuse what cannot fit before decoding it.
  if (raw.length > Math.ceil(MAX_WEBHOOK_BODY_BYTES / 3) * 4)
    throw tooLarge(Math.floor((raw.length * 3) / 4));
  const decoded = Buffer.from(raw, 'base64');
  if (decoded.byteLength > MAX_WEBHOOK_BODY_BYTES) throw tooLarge(decoded.byteLength);
  return decoded.toString('utf8');
}

function parseJson(text: string): unknown {
  if (text.trim() === '') {
    throw new InvalidInputError('body is empty: expected a Pingdom webhook JSON object', {
      issues: ['(body): required'],
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(
      `body is not JSON: ${reason}`,
      { issues: [`(body): not JSON (${reason})`] },
      { cause: error },
    );
  }
}

/**
 * Handles one Pingdom webhook call: checks the token first (nothing else is looked at without it),
 * then the size and shape of the body, then acts on the state change.
 */
export async function receivePingdomWebhook(
  ports: WebhookPorts,
  clock: Clock,
  request: WebhookRequest,
): Promise<TriggerOutcome> {
  if (request.token === undefined || request.token === '') {
    throw new UnauthorizedError('the token query parameter is missing');
  }
  if (!tokenMatches(request.token, await ports.expectedToken())) {
    throw new UnauthorizedError('the token query parameter is wrong');
  }
  const alert = parsePingdomAlert(parseJson(decodeBody(request)));
  return handlePingdomAlert(ports, clock, { config: request.config, alert });
}
