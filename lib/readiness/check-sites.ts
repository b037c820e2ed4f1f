import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { findRestoredDatabases, type RestoredDatabase } from '../cost-guard/restored-databases';
import { asError } from '../errors';
import { checkReadiness, DEFAULT_READINESS_OPTIONS, type ReadinessOptions } from './check-readiness';
import { isReady, type Readiness } from './model';
import type { ReadinessPorts } from './ports';
import type { ReadinessStore } from './store';

/** The readiness of every site checked in one run, and which are not ready. */
export interface SitesReadiness {
  checkedAt: string;
  sites: Readiness[];
  notReady: string[];
  /** Sites whose readiness could not be saved (the next run saves it again). */
  unsaved: { site: string; error: string }[];
  /** The fleet's restored databases running past the cost guard's age (stopped ones are not). */
  restoredDatabasesOverAge: RestoredDatabase[];
  /** Regions whose databases could not be read: the count above leaves them out. */
  restoredDatabasesUnreadable: { region: string; error: string }[];
}

export interface CheckSitesOptions extends Partial<ReadinessOptions> {
  /**
   * Where the fleet's restored databases are counted (default: the regions of `sites`): the
   * regions of every configured site, so that checking one site still counts the whole fleet.
   */
  fleetRegions?: readonly string[];
}

/**
 * Checks each site in turn, records its latest readiness in the catalog, and names the sites a
 * recovery would not bring back now. One site's failure to save never hides another's verdict.
 * It also counts the restored databases of the fleet's regions left running too long.
 */
export async function checkSites(
  ports: ReadinessPorts,
  clock: Clock,
  sites: readonly Site[],
  store: ReadinessStore,
  options: CheckSitesOptions = {},
): Promise<SitesReadiness> {
  const { fleetRegions, ...readinessOptions } = options;
  const results: Readiness[] = [];
  const unsaved: SitesReadiness['unsaved'] = [];
  for (const site of sites) {
    const readiness = await checkReadiness(ports, clock, site, readinessOptions);
    results.push(readiness);
    try {
      await store.save(readiness);
    } catch (error) {
      unsaved.push({ site: site.name, error: asError(error).message });
    }
  }
  const settings = { ...DEFAULT_READINESS_OPTIONS, ...readinessOptions };
  const restored = await findRestoredDatabases(ports, clock, {
    regions: fleetRegions ?? sites.flatMap((s) => [s.regions.primary, s.regions.dr]),
    stage: settings.stage,
    maxAgeHours: settings.restoredDatabaseMaxAgeHours,
  });
  return {
    checkedAt: clock.now().toISOString(),
    sites: results,
    notReady: results.filter((r) => !isReady(r)).map((r) => r.site),
    unsaved,
    restoredDatabasesOverAge: restored.databases.filter((d) => d.overAge),
    restoredDatabasesUnreadable: restored.unreadable.map((u) => ({
      region: u.region,
      error: u.error.message,
    })),
  };
}
