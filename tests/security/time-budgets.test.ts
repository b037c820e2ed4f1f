import { DEFAULT_BACKUP_LIMITS } from '../../lib/backup/advance-backup';
import { SNAPSHOT_EVENT_QUEUE } from '../../lib/backup/snapshot-event-queue';
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

describe("the bench's model of the functions", () => {
  it.each(Object.entries(FUNCTION_TIMEOUT_MS))('times %s out as the template does', (name, timeoutMs) => {
    const logicalId = `${name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())}LambdaFunction`;
    expect(fn(logicalId).timeoutMs).toBe(timeoutMs);
  });
});
