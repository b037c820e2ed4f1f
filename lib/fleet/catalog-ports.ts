import type { Catalog } from '../catalog/catalog';
import type { ReadinessStore } from '../readiness/store';
import type { FleetPorts } from './fleet-view';

/** The fleet view's ports on the catalog: backups, recoveries and the latest readiness records. */
export function catalogFleetPorts(catalog: Catalog, readiness: ReadinessStore): FleetPorts {
  return {
    backups: (site) => catalog.allBackups(site),
    recoveries: (site) => catalog.allRecoveries(site),
    readiness: (site) => readiness.latest(site),
    // A recovery records every database it restored, and when it retired one.
    async restoredDatabases(site) {
      const running: string[] = [];
      for await (const recovery of catalog.allRecoveries(site)) {
        for (const d of recovery.status.databases ?? []) {
          if (d.retiredAt === undefined && !running.includes(d.identifier)) running.push(d.identifier);
        }
      }
      return running;
    },
  };
}
