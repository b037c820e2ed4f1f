import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { defaultClients } from '../lib/aws/clients';
import { S3ObjectStore, s3Client } from '../lib/aws/s3';
import { defaultCatalog } from '../lib/catalog/default';
import { systemClock } from '../lib/clock';
import { defaultConfig, findSite } from '../lib/config/load';
import { costGuardOf } from '../lib/config/schema';
import { RESTORED_DATABASES_OVER_AGE_METRIC } from '../lib/cost-guard/restored-databases';
import { getIntFromEnv, getOptionalStringFromEnv, getStringFromEnv } from '../lib/env';
import { InvalidInputError } from '../lib/errors';
import { lambda, logger } from '../lib/middleware/lambda';
import { awsReadinessPorts } from '../lib/readiness/aws-ports';
import { checkSites } from '../lib/readiness/check-sites';
import { catalogReadinessStore } from '../lib/readiness/store';
import { defaultMetrics } from '../lib/telemetry/metrics';

/** The fleet-wide metric the SitesNotReady alarm in serverless.yml watches. */
export const SITES_NOT_READY_METRIC = 'SitesNotReady';

/** The pipeline's copy pacing, which the quota check compares with the EBS quota. */
const ebsCopiesInFlight = getIntFromEnv('LIFEBOAT_EBS_COPY_LIMIT', 20);
/** Two stages in one account keep separate fleet metrics (the alarm names its stage). */
const stage = getOptionalStringFromEnv('LIFEBOAT_STAGE') ?? 'dev';

/** `{}` (the schedule) checks every site; `{ "site": "blog" }` checks one. */
const input = z.object({ site: z.string().min(1).optional() });

/** The readiness schedule (every 30 minutes): would a recovery of each site succeed now? */
export const handler = lambda(async function checkReadinessHandler(event: unknown) {
  const parsed = input.safeParse(event ?? {});
  if (!parsed.success) {
    throw new InvalidInputError(`invalid check-readiness input: ${z.prettifyError(parsed.error)}`);
  }
  const config = defaultConfig();
  const sites = parsed.data.site === undefined ? config.sites : [findSite(config, parsed.data.site)];
  const store = new S3ObjectStore(s3Client(defaultClients()), getStringFromEnv('CATALOG_BUCKET'));
  const result = await checkSites(
    awsReadinessPorts(defaultClients(), defaultCatalog()),
    systemClock,
    sites,
    catalogReadinessStore(store),
    {
      ebsCopiesInFlight,
      stage,
      restoredDatabaseMaxAgeHours: costGuardOf(config).restoredDatabaseMaxAgeHours,
      fleetRegions: config.sites.flatMap((s) => [s.regions.primary, s.regions.dr]),
    },
  );
  for (const readiness of result.sites) {
    const failing = readiness.checks.filter((c) => c.verdict !== 'ok');
    logger.info('readiness checked', { site: readiness.site, verdict: readiness.verdict, failing });
  }
  // One metric for the whole fleet: the alarm fires when any site is not ready, whichever it is.
  const single = defaultMetrics().singleMetric();
  single.addDimension('stage', stage);
  single.addMetric(SITES_NOT_READY_METRIC, MetricUnit.Count, result.notReady.length);
  // Whichever site's database it is; an unreadable region counts none (logged, and its sites'
  // readiness says why), rather than leaving the alarm without data.
  const overAge = result.restoredDatabasesOverAge;
  if (overAge.length > 0) {
    logger.warn('restored databases running over age', {
      databases: overAge.map((d) => ({ identifier: d.identifier, region: d.region, site: d.site })),
    });
  }
  if (result.restoredDatabasesUnreadable.length > 0) {
    logger.error('restored databases not readable', { regions: result.restoredDatabasesUnreadable });
  }
  const costGuard = defaultMetrics().singleMetric();
  costGuard.addDimension('stage', stage);
  costGuard.addMetric(RESTORED_DATABASES_OVER_AGE_METRIC, MetricUnit.Count, overAge.length);
  return {
    checkedAt: result.checkedAt,
    sites: result.sites.map((r) => ({ site: r.site, verdict: r.verdict })),
    notReady: result.notReady,
    unsaved: result.unsaved,
    restoredDatabasesOverAge: overAge.map((d) => d.identifier),
  };
});
