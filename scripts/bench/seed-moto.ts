import type { AllAwsClients } from '../../lib/aws/all-clients';
import type { LifeboatConfig } from '../../lib/config/schema';
import { seedSites as seed } from '../../local/seed';
import { siteConfig } from '../../local/site-config';

/**
 * Creates `sites` sites in moto or the stand-in (local/seed.ts), each with `volumesPerSite` tagged
 * volumes and one RDS instance, 16 requests in flight, and returns their config (with `retention`
 * as the sites' policy when given).
 */
export async function seedSites(
  clients: AllAwsClients,
  sites: number,
  volumesPerSite: number,
  options: { retention?: { daily: number; weekly: number; monthly: number } } = {},
): Promise<LifeboatConfig> {
  const seeds = Array.from({ length: sites }, (_, i) => ({
    name: `site${String(i).padStart(4, '0')}`,
    volumes: volumesPerSite,
    volumeSizeGiB: 20,
  }));
  const overrides = options.retention === undefined ? undefined : { retention: options.retention };
  return siteConfig(await seed(clients, seeds, { parallel: 16 }), { overrides });
}
