import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { logger } from '../../lib/middleware/lambda';
import { sampleEvent, webhookRequest } from '../unit/triggers/support';
import { webhookHarness } from '../unit/triggers/webhook-harness';

const TOKEN = randomBytes(24).toString('base64url');
const down = sampleEvent('events/pingdom/down.json');

const webhook = () => webhookHarness(TOKEN);

/** Everything written to stdout/stderr (where the Powertools logger writes) while `work` runs. */
async function captureOutput(work: () => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const capture = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await work();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return chunks.join('');
}

describe('Pingdom webhook: the token never leaks', () => {
  afterAll(() => logger.setLogLevel('SILENT'));

  it('logs neither the real token nor a presented near-miss, at DEBUG, on success and on refusal', async () => {
    logger.setLogLevel('DEBUG');
    const { invoke } = webhook();
    const nearMiss = `${TOKEN.slice(0, -1)}x`;
    const statuses: number[] = [];

    const output = await captureOutput(async () => {
      statuses.push((await invoke(webhookRequest({ token: TOKEN, body: JSON.stringify(down) }))).statusCode);
      statuses.push(
        (await invoke(webhookRequest({ token: nearMiss, body: JSON.stringify(down) }))).statusCode,
      );
      statuses.push((await invoke(webhookRequest({ token: TOKEN, body: '{not json' }))).statusCode);
    });

    logger.setLogLevel('SILENT');
    expect(statuses).toEqual([202, 401, 400]);
    expect(output).toContain('answered 401');
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain(nearMiss);
  });

  it('does not echo the token in any response body', async () => {
    const { invoke } = webhook();

    const responses = await Promise.all([
      invoke(webhookRequest({ token: TOKEN, body: JSON.stringify(down) })),
      invoke(webhookRequest({ token: TOKEN, body: '[]' })),
      invoke(webhookRequest({ token: `${TOKEN}!`, body: '{}' })),
    ]);

    for (const r of responses) expect(r.body).not.toContain(TOKEN);
  });
});

describe('Pingdom webhook under fuzzing', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));

  const tokenArb = fc.oneof(
    fc.constant(undefined),
    fc.constant(TOKEN),
    fc.constant(''),
    fc.constant(` ${TOKEN}`),
    fc.constant(TOKEN.toUpperCase()),
    fc.constant(TOKEN.slice(1)),
    fc.string({ maxLength: 64 }),
  );
  const pingdomLike = fc.record(
    {
      check_id: fc.oneof(fc.constant(12345), fc.integer(), fc.string(), fc.constant(null)),
      check_name: fc.string(),
      check_type: fc.constantFrom('HTTP', 'TRANSACTION', 'PING', ''),
      previous_state: fc.constantFrom('UP', 'DOWN', 'SUCCESS', 'FAILING', 'x'),
      current_state: fc.oneof(fc.constantFrom('UP', 'DOWN', 'down', 'SUCCESS', 'FAILING'), fc.string()),
      state_changed_timestamp: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(1451610061)),
      state_changed_utc_time: fc.oneof(fc.string(), fc.constant('2016-01-01T01:01:01')),
      description: fc.string(),
    },
    { requiredKeys: [] },
  );
  const bodyArb = fc.oneof(
    fc.constant(JSON.stringify(down)),
    pingdomLike.map((b) => JSON.stringify({ ...down, ...b })),
    pingdomLike.map((b) => JSON.stringify(b)),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 200 }),
    fc.constant('x'.repeat(70 * 1024)),
  );
  const requestArb = fc.record({ token: tokenArb, body: fc.option(bodyArb), base64: fc.boolean() }).map((r) =>
    webhookRequest({
      token: r.token,
      body: r.body === null ? undefined : r.base64 ? Buffer.from(r.body).toString('base64') : r.body,
      isBase64Encoded: r.base64,
    }),
  );
  const eventArb = fc.oneof({ weight: 5, arbitrary: requestArb }, { weight: 1, arbitrary: fc.anything() });

  it('never answers 5xx and starts an execution only with the valid token', async () => {
    await fc.assert(
      fc.asyncProperty(eventArb, async (event) => {
        const { invoke, executions } = webhook();
        const response = await invoke(event);
        const presented = (event as { queryStringParameters?: { token?: unknown } } | null)
          ?.queryStringParameters?.token;

        expect(response.statusCode).toBeGreaterThanOrEqual(200);
        expect(response.statusCode).toBeLessThan(500);
        if (presented !== TOKEN) expect(executions()).toBe(0);
      }),
      { numRuns: 400, seed: 20261122 },
    );
  });
});
