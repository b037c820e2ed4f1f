import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { createPingdomWebhookHandler } from '../../../functions/pingdom-webhook';
import type { HttpResult } from '../../../lib/triggers/http';
import { buildConfig } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { lambdaContext, triggerFixture } from './support';

/**
 * The Pingdom webhook handler expecting `token`, over a fresh catalog and Step Functions (so one
 * invocation cannot hide another's execution), with the count of executions it started.
 */
export function webhookHarness(token: string) {
  const fx = triggerFixture();
  const handler = createPingdomWebhookHandler(() => ({
    ports: { ...fx.ports, expectedToken: async () => token },
    clock: new FakeClock('2016-01-01T01:01:05Z'),
    config: buildConfig(),
  }));
  const invoke = async (event: unknown) => (await handler(event, lambdaContext)) as HttpResult;
  return { fx, invoke, executions: () => fx.sfn.mock.commandCalls(StartExecutionCommand).length };
}
