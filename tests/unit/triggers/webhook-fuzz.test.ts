import 'aws-sdk-client-mock-jest';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import fc from 'fast-check';
import { logger } from '../../../lib/middleware/lambda';
import { MAX_WEBHOOK_BODY_BYTES } from '../../../lib/triggers/webhook';
import { sampleEvent, webhookRequest } from './support';
import { webhookHarness } from './webhook-harness';

const TOKEN = 'fuzz-token-7b1c0e9a4f';
const down = sampleEvent('events/pingdom/down.json');
const RUNS = 300;

/** A fresh catalog, Step Functions and handler per run, so one run cannot hide another's execution. */
const harness = () => webhookHarness(TOKEN);

/** Values Pingdom fields might carry when a sender gets them wrong. */
const oddValue = fc.oneof(
  fc.jsonValue(),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.constantFrom('DOWN', 'UP', 'FAILING', 'SUCCESS', '12345', '', '1451610061', 12345, -1, null),
);

/** Well-formed alerts for known and unknown checks in every state. */
const plausible = fc
  .record({
    check_id: fc.constantFrom(12345, '12345', 99999, '99999'),
    current_state: fc.constantFrom('DOWN', 'UP', 'FAILING', 'SUCCESS', 'down', 'UNCONFIRMED_DOWN'),
    state_changed_timestamp: fc.oneof(fc.integer({ min: 0, max: 4_000_000_000 }), fc.nat().map(String)),
  })
  .map((fields) => JSON.stringify({ ...down, ...fields }));

/** Bodies from pure noise to near-valid Pingdom alerts with some fields changed. */
const body = fc.oneof(
  plausible,
  fc.string({ maxLength: 300 }),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .dictionary(
      fc.constantFrom(
        'check_id',
        'check_name',
        'current_state',
        'previous_state',
        'state_changed_timestamp',
        'state_changed_utc_time',
        'description',
      ),
      oddValue,
    )
    .map((changes) => JSON.stringify({ ...down, ...changes })),
  fc.constant(undefined),
);

const headers = fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 50 }), {
  maxKeys: 5,
});

const wrongToken = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 64 }).filter((t) => t !== TOKEN),
  fc.constantFrom(TOKEN.slice(0, -1), `${TOKEN} `, TOKEN.toUpperCase(), `${TOKEN},${TOKEN}`),
);

describe('Pingdom webhook under fuzzed input', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));

  it('never answers 5xx and never starts an execution without the right token', async () => {
    await fc.assert(
      fc.asyncProperty(wrongToken, body, headers, fc.boolean(), async (token, payload, extra, base64) => {
        const { fx, invoke } = harness();

        const response = await invoke(
          webhookRequest({ token, body: payload, headers: extra, isBase64Encoded: base64 }),
        );

        expect(response.statusCode).toBe(401);
        expect(fx.sfn.mock).not.toHaveReceivedCommand(StartExecutionCommand);
        expect(fx.store.objects.size).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('never answers 5xx with the right token, and starts an execution only for a DOWN/FAILING of a known check', async () => {
    await fc.assert(
      fc.asyncProperty(body, headers, fc.boolean(), async (text, extra, base64) => {
        const { fx, invoke } = harness();
        const payload = base64 && text !== undefined ? Buffer.from(text).toString('base64') : text;

        const response = await invoke(
          webhookRequest({ token: TOKEN, body: payload, headers: extra, isBase64Encoded: base64 }),
        );

        expect(response.statusCode).toBeLessThan(500);
        expect([200, 202, 400, 404]).toContain(response.statusCode);
        const calls = fx.sfn.mock.commandCalls(StartExecutionCommand);
        expect(calls.length).toBe(response.statusCode === 202 ? 1 : 0);
        if (response.statusCode === 202) {
          const sent = JSON.parse(text ?? '{}') as Record<string, unknown>;
          expect(String(sent.current_state).toUpperCase()).toMatch(/^(DOWN|FAILING)$/);
          expect(Number(sent.check_id)).toBe(12345);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('answers 413 to any body over 64 KB, and starts nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: MAX_WEBHOOK_BODY_BYTES + 1, max: 4 * MAX_WEBHOOK_BODY_BYTES }),
        fc.boolean(),
        async (size, base64) => {
          const { fx, invoke } = harness();
          const big = JSON.stringify({ ...down, long_description: 'x'.repeat(size) });
          const payload = base64 ? Buffer.from(big).toString('base64') : big;

          const response = await invoke(
            webhookRequest({ token: TOKEN, body: payload, isBase64Encoded: base64 }),
          );

          expect(response.statusCode).toBe(413);
          expect(fx.sfn.mock).not.toHaveReceivedCommand(StartExecutionCommand);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('never answers 5xx to events of any shape', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (event) => {
        const { fx, invoke } = harness();

        const response = await invoke(event);

        expect([400, 401]).toContain(response.statusCode);
        expect(fx.sfn.mock).not.toHaveReceivedCommand(StartExecutionCommand);
      }),
      { numRuns: RUNS },
    );
  });
});
