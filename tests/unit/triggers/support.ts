import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandInput,
  SFNClient,
  StartExecutionCommand,
  type StartExecutionCommandInput,
} from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { executionArnFor, SfnAdapter } from '../../../lib/aws/sfn';
import { Catalog } from '../../../lib/catalog/catalog';
import type { Recovery } from '../../../lib/recovery/model';
import type { TriggerOutcome, TriggerPorts } from '../../../lib/triggers/outcome';
import { buildRecovery } from '../../support/builders';
import { MemoryObjectStore } from '../../support/memory-object-store';
import { REFERENCE_EVENTS_DIR } from '../../support/reference-events';

export const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:lifeboat-test-recovery';

function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}

/**
 * A client-mocked Step Functions that keeps execution names unique the way the service does:
 * the same name with other input is ExecutionAlreadyExists.
 */
export function fakeStepFunctions() {
  const client = new SFNClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const mock = mockClient(client);
  const executions = new Map<string, { input: string }>();
  const failures: Error[] = [];
  mock.on(StartExecutionCommand).callsFake((input: StartExecutionCommandInput) => {
    const failure = failures.shift();
    if (failure !== undefined) throw failure;
    const name = input.name ?? 'unnamed';
    const arn = executionArnFor(STATE_MACHINE_ARN, name);
    const existing = executions.get(name);
    if (existing !== undefined && existing.input !== input.input) {
      throw awsError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    executions.set(name, { input: input.input ?? '{}' });
    return { executionArn: arn, startDate: new Date('2026-11-22T09:40:00Z') };
  });
  mock.on(DescribeExecutionCommand).callsFake((input: DescribeExecutionCommandInput) => {
    const name = (input.executionArn ?? '').split(':').pop() ?? '';
    if (!executions.has(name)) throw awsError('ExecutionDoesNotExist', 'Execution Does Not Exist');
    return { executionArn: input.executionArn, status: 'RUNNING', startDate: new Date() };
  });
  return {
    client,
    mock,
    executions,
    adapter: new SfnAdapter(client, STATE_MACHINE_ARN),
    /** Makes the next StartExecution fail with this AWS error name. */
    failNextStart: (name: string) => failures.push(awsError(name, `${name} (injected)`)),
  };
}

/** A catalog in memory and a fake Step Functions, wired as the triggers' ports. */
export function triggerFixture() {
  const store = new MemoryObjectStore();
  const catalog = new Catalog(store, { retryDelayMs: 0, maxUpdateAttempts: 100 });
  const sfn = fakeStepFunctions();
  const ports: TriggerPorts = { catalog, executions: sfn.adapter };
  return { store, catalog, sfn, ports };
}

/** The parsed input of every StartExecution the mock accepted or refused. */
export function startedInputs(sfn: ReturnType<typeof fakeStepFunctions>): unknown[] {
  return sfn.mock.commandCalls(StartExecutionCommand).map((c) => JSON.parse(c.args[0].input.input ?? '{}'));
}

/** A sample event from events/ (reference samples are under events/reference/). */
export function sampleEvent(path: string): Record<string, unknown> {
  const full = path.startsWith('/') ? path : join(__dirname, '..', '..', '..', path);
  return JSON.parse(readFileSync(full, 'utf8')) as Record<string, unknown>;
}

export const REFERENCE_EVENTS = REFERENCE_EVENTS_DIR;

/** A running recovery record, as the state machine's first task writes it. */
export function runningRecovery(site: string, id: string): Recovery {
  return buildRecovery({
    id,
    site,
    incidentKey: 'pingdom-12345-1451610061',
    outageStartedAt: '2016-01-01T01:01:01.000Z',
    startedAt: '2016-01-01T01:01:02.000Z',
  });
}

/** A Lambda context good enough for middy and the logger. */
export const lambdaContext = {
  functionName: 'lifeboat-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:lifeboat-test',
  memoryLimitInMB: '256',
  awsRequestId: 'test-request',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

/** An API Gateway HTTP API (payload 2.0) request to POST /pingdom, as the sample in events/pingdom. */
export function webhookRequest(
  options: {
    token?: string;
    body?: string;
    isBase64Encoded?: boolean;
    headers?: Record<string, string>;
  } = {},
): Record<string, unknown> {
  const base = sampleEvent('events/pingdom/http-down.json');
  const query = options.token === undefined ? undefined : { token: options.token };
  return {
    ...base,
    rawQueryString: options.token === undefined ? '' : `token=${encodeURIComponent(options.token)}`,
    queryStringParameters: query,
    headers: { ...(base.headers as Record<string, string>), ...options.headers },
    body: options.body,
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}

/** The recovery id of an outcome that started a recovery; fails the test otherwise. */
export function startedRecoveryId(outcome: TriggerOutcome): string {
  if (outcome.outcome !== 'started')
    throw new Error(`expected a started recovery, got ${JSON.stringify(outcome)}`);
  return outcome.recoveryId;
}
