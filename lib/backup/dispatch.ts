import type { Clock } from '../clock';
import type { LifeboatConfig } from '../config/schema';
import { advanceBackup, type BackupLimits } from './advance-backup';
import type { BackupRef } from './on-snapshot-event';
import type { BackupPorts } from './ports';
import type { BackupDispatch } from './sweep-backups';

/** Where queued work goes: anything that can send JSON bodies (lib/aws/sqs.ts SqsQueue). */
export interface WorkQueue {
  sendAll(bodies: readonly unknown[]): Promise<void>;
}

/** Dispatches each open backup as one queue message, for the SQS worker to advance. */
export function queueDispatch(queue: WorkQueue): BackupDispatch {
  return async function sendToQueue(refs) {
    await queue.sendAll(refs);
  };
}

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
    const worker = async () => {
      for (let ref = queue.shift(); ref !== undefined; ref = queue.shift()) {
        const site = config.sites.find((s) => s.name === ref?.site);
        if (site === undefined) continue;
        try {
          await advanceBackup(ports, clock, site, ref.backupId, options.limits);
        } catch (error) {
          options.onError?.(ref, error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  };
}
