import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { entry, journal } from './journal';
import type { TaskRef } from './model';
import type { RecoveryPorts } from './ports';

/**
 * Stops tasks that are done with (a drill's task, the replacement and sandbox a promote replaced).
 * Stopping a stopped task is harmless, so a retried step stops nothing twice that matters.
 */
export async function retireTasks(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  recoveryId: string,
  step: string,
  tasks: TaskRef[],
): Promise<{ stopped: string[] }> {
  const started = clock.now();
  for (const task of tasks) {
    await ports.tasks(task.region).stopTask(task.cluster, task.taskArn, `lifeboat ${recoveryId}: ${step}`);
  }
  const stopped = tasks.map((t) => t.taskArn);
  await journal(
    ports.catalog,
    site.name,
    recoveryId,
    [entry(step, started, clock.now(), 'ok', false, { stopped })],
    (r) => {
      for (const t of r.status.tasks ?? [])
        if (stopped.includes(t.taskArn)) t.stoppedAt ??= clock.now().toISOString();
    },
  );
  return { stopped };
}
