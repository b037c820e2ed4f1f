import type { AllAwsClients } from '../../aws/all-clients';
import { CopyCountCache } from '../../backup/copy-count-cache';
import { backupPorts } from '../../backup/default-ports';
import type { BackupPorts, EbsPort, RdsPort } from '../../backup/ports';
import type { Catalog } from '../../catalog/catalog';
import type { SimulatedClock } from './simulated-clock';

/** The copy count cached as in production, but for `ttlMs` of simulated time. */
function withCopyCount<P extends EbsPort | RdsPort>(port: P, cache: CopyCountCache): P {
  return {
    ...port,
    countPendingCopies: () => cache.count(() => port.countPendingCopies()),
    copySnapshotFrom: async (input: Parameters<P['copySnapshotFrom']>[0]) => {
      const started = await (port.copySnapshotFrom as (i: typeof input) => Promise<unknown>)(input);
      cache.started();
      return started;
    },
  } as P;
}

/**
 * The production backup ports (lib/backup/default-ports.ts) with their copies-in-flight cache on
 * simulated time: production caches the count for 10 s of wall time, which in a simulated run
 * would freeze a stale count for hours of simulated time.
 */
export function simulatedBackupPorts(
  clients: AllAwsClients,
  catalog: Catalog,
  clock: SimulatedClock,
  ttlMs = 10_000,
): BackupPorts {
  const base = backupPorts(clients, catalog, { copyCountTtlMs: 0 });
  const ebs = new Map<string, EbsPort>();
  const rds = new Map<string, RdsPort>();
  const now = () => clock.nowMs();
  return {
    ...base,
    ebs(region) {
      let port = ebs.get(region);
      if (port === undefined) {
        port = withCopyCount(base.ebs(region), new CopyCountCache(ttlMs, now));
        ebs.set(region, port);
      }
      return port;
    },
    rds(region) {
      let port = rds.get(region);
      if (port === undefined) {
        port = withCopyCount(base.rds(region), new CopyCountCache(ttlMs, now));
        rds.set(region, port);
      }
      return port;
    },
  };
}
