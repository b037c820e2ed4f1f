import type { Catalog } from '../catalog/catalog';
import type { ReadinessStore } from '../readiness/store';
import type { FleetPorts } from './fleet-view';

/** The fleet view's ports on the catalog: backups, recoveries and the latest readiness records. */
export function catalogFleetPorts(catalog: Catalog, readiness: ReadinessStore): FleetPorts {
  return {
    backups: (site) => catalog.allBackups(site),
    recoveries: (site) => catalog.allRecoveries(site),
    readiness: (site) => readiness.latest(site),
    // No record names a restored database yet (database restore is still to come).
    restoredDatabases: async () => [],
  };
}
