import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { asError } from '../errors';
import { checkReadiness, type ReadinessOptions } from './check-readiness';
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
}

/**
 * Checks each site in turn, records its latest readiness in the catalog, and names the sites a
 * recovery would not bring back now. One site's failure to save never hides another's verdict.
 */
export async function checkSites(
  ports: ReadinessPorts,
  clock: Clock,
  sites: readonly Site[],
  store: ReadinessStore,
  options: Partial<ReadinessOptions> = {},
): Promise<SitesReadiness> {
  const results: Readiness[] = [];
  const unsaved: SitesReadiness['unsaved'] = [];
  for (const site of sites) {
    const readiness = await checkReadiness(ports, clock, site, options);
    results.push(readiness);
    try {
      await store.save(readiness);
    } catch (error) {
      unsaved.push({ site: site.name, error: asError(error).message });
    }
  }
  return {
    checkedAt: clock.now().toISOString(),
    sites: results,
    notReady: results.filter((r) => !isReady(r)).map((r) => r.site),
    unsaved,
  };
}
