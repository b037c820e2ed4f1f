import { InvalidInputError } from '../lib/errors';
import { lambda } from '../lib/middleware/lambda';
import { type HttpResult, httpErrorResponses, outcomeResponse, webhookHttpEvent } from '../lib/triggers/http';
import { describeIssues } from '../lib/triggers/issues';
import { receivePingdomWebhook, type WebhookPorts } from '../lib/triggers/webhook';
import { defaultWebhookContext, type TriggerContext } from '../lib/triggers/wiring';

/** What the webhook runs with; built once per container, replaced in tests. */
export type PingdomWebhookDeps = TriggerContext<WebhookPorts>;

/**
 * Builds the Pingdom webhook handler: POST /pingdom?token=<secret> with Pingdom's state change
 * JSON. 202 started, 200 recorded or ignored (with why), 401 token, 400 body, 404 check, 413 size.
 */
export function createPingdomWebhookHandler(deps: () => PingdomWebhookDeps) {
  return lambda(async function pingdomWebhook(event: unknown): Promise<HttpResult> {
    const parsed = webhookHttpEvent.safeParse(event);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error);
      throw new InvalidInputError(`not an HTTP API request: ${issues.join('; ')}`, { issues });
    }
    const { ports, clock, config } = deps();
    const outcome = await receivePingdomWebhook(ports, clock, {
      config,
      token: parsed.data.queryStringParameters?.token,
      body: parsed.data.body,
      isBase64Encoded: parsed.data.isBase64Encoded,
    });
    return outcomeResponse(outcome);
  }).use(httpErrorResponses());
}

export const handler = createPingdomWebhookHandler(defaultWebhookContext());
