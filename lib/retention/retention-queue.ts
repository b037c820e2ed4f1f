import { z } from 'zod';
import settings from './retention-queue.json';

/**
 * How a retention run that outlasts one invocation goes on: the invocation stops beginning
 * deletions `finishReserveMs` before its timeout and sends the sites it has left to
 * RetentionRunQueue, which delivers them to apply-retention again. One file, read by
 * serverless.yml for the queue and by the code and the bench, so the three cannot drift apart.
 *
 * At 10,000 volumes a night's retention deletes about 20,000 snapshots at EC2's 5/s per region:
 * over 2,000 s, beyond Lambda's 15 minutes.
 */
export interface RetentionQueueSettings {
  /** apply-retention's timeout (Lambda's most, 15 minutes); the bench ends its invocations by it too. */
  functionTimeoutSeconds: number;
  /** A continuation in flight is hidden this long (6 × apply-retention's 900 s timeout, as AWS advises). */
  visibilityTimeoutSeconds: number;
  /** Deliveries before a continuation moves to the dead-letter queue. */
  maxReceiveCount: number;
  /** No deletion begins once less than this is left of the invocation (the rest is continued). */
  finishReserveMs: number;
  /**
   * Invocations of one run at most; the sites left then wait for the next day's run. Below the
   * 16 of Lambda's recursive loop detection (Lambda → SQS → the same Lambda), which would stop the
   * run silently.
   * https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html
   */
  maxPasses: number;
}

export const RETENTION_QUEUE: RetentionQueueSettings = settings;

/**
 * Where a retention run stands when one invocation hands it on: the sites still to do, in order
 * (the first may be one it began and deferred), and which invocation of the run comes next.
 * Continuations are never dry runs: a dry run deletes nothing, so it never runs out of time.
 */
export const retentionContinuation = z.object({
  sites: z.array(z.string().min(1)).min(1),
  pass: z.number().int().min(2),
  startedAt: z.iso.datetime(),
});
export type RetentionContinuation = z.infer<typeof retentionContinuation>;

/** Hands the rest of a retention run to the next invocation (RetentionRunQueue). */
export interface RetentionContinuationPort {
  send(next: RetentionContinuation): Promise<void>;
}
