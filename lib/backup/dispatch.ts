import type { Clock } from '../clock';
import type { LifeboatConfig } from '../config/schema';
import { advanceBackup, type BackupLimits, sharedPacing } from './advance-backup';
import type { BackupRef } from './on-snapshot-event';
import type { BackupPorts } from './ports';
import type { BackupDispatch } from './sweep-backups';

/** Where fanned-out work goes: an SNS topic (lib/aws/sns.ts SnsAdapter) whose subscriber advances. */
export interface WorkTopic {
  publish(subject: string, message: string): Promise<string>;
}

/**
 * Dispatches each open backup as one message on the work topic; the advance-backup function
 * subscribes, with reserved concurrency, so AWS queues and retries the work (asynchronous
 * invocations wait up to six hours for a free slot) and no sweep runs long.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
 */
export function topicDispatch(
  topic: WorkTopic,
  perMessage = WORK_PER_MESSAGE,
  parallel = 10,
): BackupDispatch {
  return async function publishWork(refs) {
    const messages: BackupRef[][] = [];
    for (let start = 0; start < refs.length; start += perMessage)
      messages.push(refs.slice(start, start + perMessage));
    for (let start = 0; start < messages.length; start += parallel) {
      await Promise.all(
        messages
          .slice(start, start + parallel)
          .map((batch) =>
            topic.publish(
              'advance-backup',
              JSON.stringify(batch.length === 1 ? batch[0] : { backups: batch }),
            ),
          ),
      );
    }
  };
}

/**
 * Backups per work message: one advance-backup invocation takes several (concurrently, each
 * bounded by its pacing wait), so invocations grow with open backups ÷ this, not with open backups.
 */
export const WORK_PER_MESSAGE = 10;

/**
 * Advances open backups in this process, a few at a time (local runs, small installs). A failure
 * of one backup is reported to `onError` and does not stop the others.
 */
export function inlineDispatch(
  ports: BackupPorts,
  clock: Clock,
  config: LifeboatConfig,
  options: {
    limits?: Partial<BackupLimits>;
    concurrency?: number;
    onError?: (ref: BackupRef, error: unknown) => void;
  } = {},
): BackupDispatch {
  return async function advanceHere(refs) {
    const queue = [...refs];
    const limitsNow = sharedPacing(clock, options.limits);
    const worker = async () => {
      for (let ref = queue.shift(); ref !== undefined; ref = queue.shift()) {
        const site = config.sites.find((s) => s.name === ref?.site);
        if (site === undefined) continue;
        try {
          await advanceBackup(ports, clock, site, ref.backupId, limitsNow(), {
            sites: config.sites,
            fromSweeper: true,
          });
        } catch (error) {
          options.onError?.(ref, error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  };
}
