import type { DrillVerdict } from '../backup/model';
import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { entry, journal } from './journal';
import type { Attempt } from './model';
import type { RecoveryPorts } from './ports';

/** Records on the backup whether a task restored from it passed the health gate. */
export async function recordDrillVerdict(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  recoveryId: string,
  attempt: Attempt,
): Promise<DrillVerdict> {
  const started = clock.now();
  const passed = attempt.gate.verdict === 'healthy';
  const verdict: DrillVerdict = {
    verdict: passed ? 'passed' : 'failed',
    at: started.toISOString(),
    detail: passed
      ? `restored into task ${attempt.taskArn}, healthy after ${attempt.gate.checks} checks (drill ${recoveryId})`
      : `restored into task ${attempt.taskArn}, ${attempt.gate.reason ?? 'unhealthy'} (drill ${recoveryId})`,
  };
  await ports.catalog.updateBackup(site.name, attempt.backupId, (backup) => {
    backup.status.drill = verdict;
    return backup;
  });
  await journal(ports.catalog, site.name, recoveryId, [
    entry('record-drill-verdict', started, clock.now(), passed ? 'ok' : 'failed', false, {
      backupId: attempt.backupId,
      verdict: verdict.verdict,
    }),
  ]);
  return verdict;
}
