import 'aws-sdk-client-mock-jest';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { createPingdomWebhookHandler } from '../../../functions/pingdom-webhook';
import { logger } from '../../../lib/middleware/lambda';
import type { HttpResult } from '../../../lib/triggers/http';
import { MAX_WEBHOOK_BODY_BYTES, type WebhookPorts } from '../../../lib/triggers/webhook';
import { buildConfig } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { lambdaContext, runningRecovery, sampleEvent, triggerFixture, webhookRequest } from './support';

const TOKEN = 'a-long-random-webhook-token-0123456789';
const down = JSON.stringify(sampleEvent('events/pingdom/down.json'));

describe('Pingdom webhook handler', () => {
  let fx: ReturnType<typeof triggerFixture>;
  let ports: WebhookPorts;
  let invoke: (event: unknown) => Promise<HttpResult>;

  beforeAll(() => logger.setLogLevel('SILENT'));

  beforeEach(() => {
    fx = triggerFixture();
    ports = { ...fx.ports, expectedToken: async () => TOKEN };
    const handler = createPingdomWebhookHandler(() => ({
      ports,
      clock: new FakeClock('2016-01-01T01:01:05Z'),
      config: buildConfig(),
    }));
    invoke = async (event) => (await handler(event, lambdaContext)) as HttpResult;
  });

  function body(response: HttpResult): Record<string, unknown> {
    expect(response.headers?.['content-type']).toMatch(/^application\/json/);
    return JSON.parse(response.body) as Record<string, unknown>;
  }

  it('answers 202 with the execution and recovery ids for a DOWN of a known check', async () => {
    const response = await invoke(webhookRequest({ token: TOKEN, body: down }));

    expect(response.statusCode).toBe(202);
    expect(body(response)).toMatchObject({
      outcome: 'started',
      site: 'blog',
      recoveryId: expect.stringMatching(/^20160101t010101z-[0-9a-f]{8}$/),
      executionArn: expect.stringContaining(':execution:lifeboat-test-recovery:blog-20160101t010101z-'),
    });
    expect(fx.sfn.mock).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it('accepts the sample HTTP API event as it is, apart from the token', async () => {
    const event = {
      ...sampleEvent('events/pingdom/http-down.json'),
      queryStringParameters: { token: TOKEN },
    };

    expect((await invoke(event)).statusCode).toBe(202);
  });

  it('accepts a base64-encoded body', async () => {
    const encoded = Buffer.from(down).toString('base64');

    expect(
      (await invoke(webhookRequest({ token: TOKEN, body: encoded, isBase64Encoded: true }))).statusCode,
    ).toBe(202);
  });

  it('answers 200 duplicate-incident for a retried delivery, with no second execution', async () => {
    const first = await invoke(webhookRequest({ token: TOKEN, body: down }));
    const retry = await invoke(webhookRequest({ token: TOKEN, body: down }));

    expect(retry.statusCode).toBe(200);
    expect(body(retry)).toMatchObject({
      outcome: 'ignored',
      reason: 'duplicate-incident',
      recoveryId: body(first).recoveryId,
    });
    expect(fx.sfn.mock).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it('answers 200 already-recovering, naming the holder, while another recovery holds the site', async () => {
    await fx.catalog.acquireLock(
      'blog',
      '20160101t000000z-0badf00d',
      new Date('2016-01-01T01:00:00Z'),
      3_600_000,
    );

    const response = await invoke(webhookRequest({ token: TOKEN, body: down }));

    expect(response.statusCode).toBe(200);
    expect(body(response)).toMatchObject({
      reason: 'already-recovering',
      holder: '20160101t000000z-0badf00d',
    });
    expect(fx.sfn.mock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('answers 200 recorded for UP after DOWN', async () => {
    const started = body(await invoke(webhookRequest({ token: TOKEN, body: down })));
    const recoveryId = String(started.recoveryId);
    await fx.catalog.createRecovery(runningRecovery('blog', recoveryId));
    await fx.catalog.acquireLock('blog', recoveryId, new Date('2016-01-01T01:01:05Z'), 3_600_000);
    const up = JSON.stringify(sampleEvent('events/pingdom/up.json'));

    const response = await invoke(webhookRequest({ token: TOKEN, body: up }));

    expect(response.statusCode).toBe(200);
    expect(body(response)).toEqual({ outcome: 'recorded', site: 'blog', recoveryId });
  });

  it('answers 200 ignored, with why, for a state that is not DOWN', async () => {
    const unconfirmed = JSON.stringify({
      ...sampleEvent('events/pingdom/down.json'),
      current_state: 'UNCONFIRMED_DOWN',
    });

    const response = await invoke(webhookRequest({ token: TOKEN, body: unconfirmed }));

    expect(response.statusCode).toBe(200);
    expect(body(response)).toMatchObject({
      outcome: 'ignored',
      why: expect.stringContaining('UNCONFIRMED_DOWN'),
    });
  });

  it.each([
    ['no token', undefined],
    ['an empty token', ''],
    ['a wrong token', `${TOKEN}x`],
    ['the token in another case', TOKEN.toUpperCase()],
  ])('answers 401 to %s and starts nothing', async (_name, token) => {
    const response = await invoke(webhookRequest({ token, body: down }));

    expect(response.statusCode).toBe(401);
    expect(body(response)).toMatchObject({ error: 'UnauthorizedError' });
    expect(response.body).not.toContain(TOKEN);
    expect(fx.sfn.mock).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(fx.store.objects.size).toBe(0);
  });

  it('answers 401 before looking at the body', async () => {
    const response = await invoke(
      webhookRequest({ token: 'wrong', body: 'x'.repeat(MAX_WEBHOOK_BODY_BYTES + 1) }),
    );

    expect(response.statusCode).toBe(401);
  });

  it.each([
    ['an empty body', undefined, '(body)'],
    ['a body that is not JSON', '{"check_id": 12345,', 'not JSON'],
    ['a JSON array', '[1,2,3]', 'JSON object'],
    [
      'a body without check_id and current_state',
      '{"check_name":"x","state_changed_timestamp":1}',
      'check_id',
    ],
    ['a check_id that is not a number', down.replace('12345', '"12a45"'), 'check_id'],
  ])('answers 400 to %s, saying what was wrong', async (_name, payload, mentions) => {
    const response = await invoke(webhookRequest({ token: TOKEN, body: payload }));

    expect(response.statusCode).toBe(400);
    const answer = body(response);
    expect(answer.error).toBe('InvalidInputError');
    expect(JSON.stringify(answer)).toContain(mentions);
    expect(fx.sfn.mock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('answers 400 with both field names when two fields are wrong', async () => {
    const payload = JSON.stringify({
      check_id: 'abc',
      current_state: 5,
      state_changed_timestamp: 1451610061,
    });

    const answer = body(await invoke(webhookRequest({ token: TOKEN, body: payload })));

    expect(answer.issues).toEqual([
      expect.stringMatching(/^check_id: /),
      expect.stringMatching(/^current_state: /),
    ]);
  });

  it('answers 400 to an event that is not an HTTP API request', async () => {
    const response = await invoke({ body: 42, queryStringParameters: { token: TOKEN } });

    expect(response.statusCode).toBe(400);
    expect(body(response).issues).toEqual([expect.stringMatching(/^body: /)]);
  });

  it('answers 404 to a check no site claims', async () => {
    const unknown = JSON.stringify(sampleEvent('events/pingdom/unknown-check.json'));

    const response = await invoke(webhookRequest({ token: TOKEN, body: unknown }));

    expect(response.statusCode).toBe(404);
    expect(body(response)).toMatchObject({
      error: 'UnknownCheckError',
      message: expect.stringContaining('99999'),
    });
    expect(fx.sfn.mock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it.each([
    ['plain', false],
    ['base64-encoded', true],
  ])('answers 413 to a %s body over 64 KB', async (_name, isBase64Encoded) => {
    const big = JSON.stringify({ ...JSON.parse(down), long_description: 'x'.repeat(MAX_WEBHOOK_BODY_BYTES) });
    const payload = isBase64Encoded ? Buffer.from(big).toString('base64') : big;

    const response = await invoke(webhookRequest({ token: TOKEN, body: payload, isBase64Encoded }));

    expect(response.statusCode).toBe(413);
    expect(body(response)).toMatchObject({ error: 'PayloadTooLargeError' });
    expect(fx.sfn.mock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('accepts a body of exactly 64 KB', async () => {
    const padded = JSON.parse(down) as Record<string, unknown>;
    padded.long_description = '';
    const room = MAX_WEBHOOK_BODY_BYTES - JSON.stringify(padded).length;
    padded.long_description = 'x'.repeat(room);

    const response = await invoke(webhookRequest({ token: TOKEN, body: JSON.stringify(padded) }));

    expect(Buffer.byteLength(JSON.stringify(padded))).toBe(MAX_WEBHOOK_BODY_BYTES);
    expect(response.statusCode).toBe(202);
  });

  it('fails (5xx at the gateway) rather than answering 4xx when the token cannot be read', async () => {
    ports.expectedToken = async () => {
      throw new Error('SSM unavailable');
    };

    await expect(invoke(webhookRequest({ token: TOKEN, body: down }))).rejects.toThrow('SSM unavailable');
    expect(fx.sfn.mock).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});
