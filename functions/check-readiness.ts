import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { defaultClients } from '../lib/aws/clients';
import { S3ObjectStore, s3Client } from '../lib/aws/s3';
import { defaultCatalog } from '../lib/catalog/default';
import { systemClock } from '../lib/clock';
import { defaultConfig, findSite } from '../lib/config/load';
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
    { ebsCopiesInFlight, stage },
  );
  for (const readiness of result.sites) {
    const failing = readiness.checks.filter((c) => c.verdict !== 'ok');
    logger.info('readiness checked', { site: readiness.site, verdict: readiness.verdict, failing });
  }
  // One metric for the whole fleet: the alarm fires when any site is not ready, whichever it is.
  const single = defaultMetrics().singleMetric();
  single.addDimension('stage', stage);
  single.addMetric(SITES_NOT_READY_METRIC, MetricUnit.Count, result.notReady.length);
  return {
    checkedAt: result.checkedAt,
    sites: result.sites.map((r) => ({ site: r.site, verdict: r.verdict })),
    notReady: result.notReady,
    unsaved: result.unsaved,
  };
});
