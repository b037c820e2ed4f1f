import type { CopyKind } from './copy-queue';

/** A quota's value and where it came from, or why it could not be read (lib/aws/quotas.ts QuotaReader). */
export type QuotaValue = { value: number; source: 'applied' | 'default' } | { unknown: string };

/** Service Quotas in one region, read by the quota's published name. */
export interface QuotaPort {
  byName(serviceCode: string, quotaName: string): Promise<QuotaValue>;
}

/** The copy-concurrency quotas lifeboat plans with, per destination region, and where each came from. */
export interface CopyLimits {
  slots: Record<CopyKind, number>;
  source: Record<CopyKind, string>;
}

/** AWS's published defaults: 20 concurrent EBS copies per destination Region, 5 cross-Region RDS copies. */
export const PUBLISHED_COPY_LIMITS: Record<CopyKind, number> = { ebs: 20, rds: 5 };

const QUOTAS: Record<CopyKind, { service: string; name: string }> = {
  ebs: { service: 'ebs', name: 'Concurrent snapshot copies per destination Region' },
  rds: { service: 'rds', name: 'Cross-Region snapshot copy requests' },
};

/**
 * The copy limits of a destination region as Service Quotas states them (an increase granted to
 * the account is used at once), each falling back to `fallback` (the published default or the
 * operator's setting) when the quota cannot be read: not listed, no permission, or throttled.
 */
export async function readCopyLimits(
  quotas: QuotaPort,
  fallback: Record<CopyKind, number> = PUBLISHED_COPY_LIMITS,
): Promise<CopyLimits> {
  const read = async (kind: CopyKind): Promise<[number, string]> => {
    try {
      const q = await quotas.byName(QUOTAS[kind].service, QUOTAS[kind].name);
      if ('value' in q && q.value > 0) return [Math.floor(q.value), `service quotas (${q.source})`];
      return [fallback[kind], `fallback (${'unknown' in q ? q.unknown : 'no value'})`];
    } catch (error) {
      return [fallback[kind], `fallback (${error instanceof Error ? error.message : String(error)})`];
    }
  };
  const [ebs, rds] = await Promise.all([read('ebs'), read('rds')]);
  return { slots: { ebs: ebs[0], rds: rds[0] }, source: { ebs: ebs[1], rds: rds[1] } };
}

/** Reads each region's copy limits once per process (quotas change by request, not by the minute). */
export function cachedCopyLimits(
  quotasOf: (region: string) => QuotaPort,
  fallback: Record<CopyKind, number> = PUBLISHED_COPY_LIMITS,
): (region: string) => Promise<CopyLimits> {
  const cache = new Map<string, Promise<CopyLimits>>();
  return (region) => {
    let found = cache.get(region);
    if (found === undefined) {
      found = readCopyLimits(quotasOf(region), fallback);
      cache.set(region, found);
    }
    return found;
  };
}
