import { DEFAULT_BACKUP_LIMITS } from '../../lib/backup/advance-backup';
import { SNAPSHOT_EVENT_QUEUE } from '../../lib/backup/snapshot-event-queue';
import { RETENTION_QUEUE } from '../../lib/retention/retention-queue';
import { FUNCTION_TIMEOUT_MS } from '../../local/sdk-middleware/backup-pipeline';
import { loadTemplate, resourcesOfType } from './support/template';

/**
 * Each backup function waits for EC2's request budget at most its pacing wait in all (shared by
 * the backups of an invocation): the packaged timeouts must leave room for the work after it, or
 * Lambda would kill the invocation mid-way and deliver the same work again.
 */
const template = loadTemplate();
const functions = Object.fromEntries(resourcesOfType(template, 'AWS::Lambda::Function'));

function fn(logicalId: string): { timeoutMs: number; pacingWaitMs: number } {
  const props = functions[logicalId]?.Properties as
    | { Timeout: number; Environment?: { Variables?: Record<string, unknown> } }
    | undefined;
  if (props === undefined) throw new Error(`no ${logicalId} in the template`);
  const set = props.Environment?.Variables?.LIFEBOAT_PACING_WAIT_MS;
  return {
    timeoutMs: props.Timeout * 1000,
    pacingWaitMs: set === undefined ? DEFAULT_BACKUP_LIMITS.pacingWaitMs : Number(set),
  };
}

describe('pacing waits inside the timeouts', () => {
  it.each(['StartBackupLambdaFunction', 'AdvanceBackupLambdaFunction', 'OnSnapshotEventLambdaFunction'])(
    '%s waits at most half its timeout for the EC2 budget',
    (logicalId) => {
      const { timeoutMs, pacingWaitMs } = fn(logicalId);
      expect(pacingWaitMs).toBeGreaterThanOrEqual(0);
      expect(pacingWaitMs).toBeLessThanOrEqual(timeoutMs / 2);
    },
  );

  it('gives the event batch the wait of snapshot-event-queue.json, which the bench models', () => {
    expect(fn('OnSnapshotEventLambdaFunction').pacingWaitMs).toBe(SNAPSHOT_EVENT_QUEUE.pacingWaitMs);
  });
});

describe('the snapshot-event queue and its consumer', () => {
  it('hides a record in flight at least six times the function timeout, as AWS advises for SQS sources', () => {
    const queue = Object.fromEntries(resourcesOfType(template, 'AWS::SQS::Queue')).SnapshotEventQueue
      ?.Properties as { VisibilityTimeout: number } | undefined;
    expect(queue?.VisibilityTimeout).toBe(SNAPSHOT_EVENT_QUEUE.visibilityTimeoutSeconds);
    expect((queue?.VisibilityTimeout ?? 0) * 1000).toBeGreaterThanOrEqual(
      6 * fn('OnSnapshotEventLambdaFunction').timeoutMs,
    );
  });
});

describe('the retention run queue and apply-retention', () => {
  const queues = Object.fromEntries(resourcesOfType(template, 'AWS::SQS::Queue'));
  const queue = queues.RetentionRunQueue?.Properties as
    | { VisibilityTimeout: number; SqsManagedSseEnabled: boolean; RedrivePolicy: unknown }
    | undefined;

  it('times apply-retention out as retention-queue.json says, which the bench models', () => {
    expect(fn('ApplyRetentionLambdaFunction').timeoutMs).toBe(RETENTION_QUEUE.functionTimeoutSeconds * 1000);
  });

  it('hides a continuation in flight at least six times the function timeout, as AWS advises for SQS sources', () => {
    expect(queue?.VisibilityTimeout).toBe(RETENTION_QUEUE.visibilityTimeoutSeconds);
    expect((queue?.VisibilityTimeout ?? 0) * 1000).toBeGreaterThanOrEqual(
      6 * fn('ApplyRetentionLambdaFunction').timeoutMs,
    );
  });

  it('stops beginning deletions with room left for what follows them, well inside the timeout', () => {
    const { timeoutMs } = fn('ApplyRetentionLambdaFunction');
    expect(RETENTION_QUEUE.finishReserveMs).toBeGreaterThanOrEqual(60_000);
    expect(RETENTION_QUEUE.finishReserveMs).toBeLessThanOrEqual(timeoutMs / 4);
  });

  it('is encrypted and hands a continuation that keeps failing to its encrypted dead-letter queue', () => {
    expect(queue?.SqsManagedSseEnabled).toBe(true);
    expect(queues.RetentionRunDeadLetterQueue?.Properties?.SqsManagedSseEnabled).toBe(true);
    expect(queue?.RedrivePolicy).toMatchObject({
      deadLetterTargetArn: { 'Fn::GetAtt': ['RetentionRunDeadLetterQueue', 'Arn'] },
    });
  });

  it("ends a run in fewer invocations than Lambda's recursive loop detection allows (16)", () => {
    expect(RETENTION_QUEUE.maxPasses).toBeGreaterThan(1);
    expect(RETENTION_QUEUE.maxPasses).toBeLessThan(16);
  });
});

describe("the bench's model of the functions", () => {
  it.each(Object.entries(FUNCTION_TIMEOUT_MS))('times %s out as the template does', (name, timeoutMs) => {
    const logicalId = `${name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())}LambdaFunction`;
    expect(fn(logicalId).timeoutMs).toBe(timeoutMs);
  });
});
