import type { Clock } from '../clock';
import { asError } from '../errors';
import type { DatabaseKind } from '../recovery/model';
import { formatDuration } from '../report/format';
import { isManaged, ROLES, type Role, TAG } from '../tags/vocabulary';
import type { DatabaseInAws, ManagedDatabasesPort } from './ports';
import { type CostEstimate, costClassOf } from './pricing';

/** The fleet-wide count of restored databases over age (serverless.yml's RestoredDatabasesOverAgeAlarm). */
export const RESTORED_DATABASES_OVER_AGE_METRIC = 'RestoredDatabasesOverAge';

/**
 * Statuses in which RDS bills no instance hours (storage and backups only, or nothing), from the
 * "Billed" column of https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.DBInstance.Status.html.
 * Aurora cluster statuses use the same words. A stopped database is listed but not counted: it
 * stops billing compute (and RDS starts it again by itself after seven days, when it counts again).
 */
const NO_INSTANCE_HOURS = new Set([
  'creating',
  'deleting',
  'delete-precheck',
  'failed',
  'inaccessible-encryption-credentials',
  'incompatible-network',
  'incompatible-restore',
  'insufficient-capacity',
  'starting',
  'stopped',
  'stopping',
]);

/** A database a recovery, promote or drill of this stage restored, as AWS shows it now. */
export interface RestoredDatabase {
  region: string;
  kind: DatabaseKind;
  identifier: string;
  site: string;
  role: Role;
  recoveryId?: string;
  backupId?: string;
  status: string;
  engine?: string;
  instanceClasses: string[];
  createdAt?: string;
  /** Milliseconds since it was created; undefined while RDS has no creation time for it. */
  ageMs?: number;
  /** Whether RDS bills its instance hours in this status (stopped: no). */
  billing: boolean;
  cost: CostEstimate;
  /** Billing and older than the cost guard's maximum age: what the alarm counts. */
  overAge: boolean;
}

/** The restored databases in some regions, and the regions that could not be read. */
export interface RestoredDatabases {
  databases: RestoredDatabase[];
  unreadable: { region: string; error: Error }[];
}

export interface RestoredDatabasesQuery {
  regions: readonly string[];
  /** Only this stage's databases: two stages in one account never count each other's. */
  stage: string;
  maxAgeHours: number;
  /** Only this site's (default: every site's, including sites no longer in the config). */
  site?: string;
}

const isRole = (value: string | undefined): value is Role =>
  (ROLES as readonly string[]).includes(value ?? '');

/**
 * The database as a restored one of `stage` at `now` (its age, bill and whether it is over
 * `maxAgeHours`), or undefined unless lifeboat restored it in that stage: managed, tagged with
 * the stage, a role and a site.
 */
export function restoredDatabaseOf(
  db: DatabaseInAws,
  stage: string,
  now: Date,
  maxAgeHours: number,
): RestoredDatabase | undefined {
  const role = db.tags[TAG.role];
  const site = db.tags[TAG.site] ?? '';
  if (!isManaged(db.tags) || db.tags[TAG.stage] !== stage || !isRole(role) || site === '') return undefined;
  const ageMs = db.createdAt === undefined ? undefined : now.getTime() - new Date(db.createdAt).getTime();
  const billing = !NO_INSTANCE_HOURS.has(db.status) && db.instanceClasses.length > 0;
  const recoveryId = db.tags[TAG.recoveryId];
  const backupId = db.tags[TAG.backupId];
  return {
    region: db.region,
    kind: db.kind,
    identifier: db.identifier,
    site,
    role,
    ...(recoveryId === undefined ? {} : { recoveryId }),
    ...(backupId === undefined ? {} : { backupId }),
    status: db.status,
    ...(db.engine === undefined ? {} : { engine: db.engine }),
    instanceClasses: db.instanceClasses,
    ...(db.createdAt === undefined ? {} : { createdAt: db.createdAt }),
    ...(ageMs === undefined ? {} : { ageMs }),
    billing,
    cost: costClassOf(db.instanceClasses),
    overAge: billing && ageMs !== undefined && ageMs > maxAgeHours * 3_600_000,
  };
}

/**
 * Every database this stage's recoveries, promotes and drills restored in `regions`, read from
 * RDS (not the catalog, which may have lost a retire), oldest first. A region that cannot be read
 * is reported, and the others still are.
 */
export async function findRestoredDatabases(
  port: ManagedDatabasesPort,
  clock: Clock,
  query: RestoredDatabasesQuery,
): Promise<RestoredDatabases> {
  const now = clock.now();
  const regions = [...new Set(query.regions)];
  const reads = await Promise.allSettled(regions.map((region) => port.managedDatabases(region)));
  const databases: RestoredDatabase[] = [];
  const unreadable: RestoredDatabases['unreadable'] = [];
  reads.forEach((read, i) => {
    const region = regions[i] ?? '';
    if (read.status === 'rejected') {
      unreadable.push({ region, error: asError(read.reason) });
      return;
    }
    for (const db of read.value) {
      const restored = restoredDatabaseOf(db, query.stage, now, query.maxAgeHours);
      if (restored !== undefined && (query.site === undefined || restored.site === query.site)) {
        databases.push(restored);
      }
    }
  });
  databases.sort(
    (a, b) =>
      (b.ageMs ?? -1) - (a.ageMs ?? -1) ||
      a.region.localeCompare(b.region) ||
      a.identifier.localeCompare(b.identifier),
  );
  return { databases, unreadable };
}

/** `db.t3.micro (< $0.05/h)`, `cluster of db.r6g.large ($0.05–0.50/h)`, `db.serverless (price unknown)`. */
export function computeText(db: RestoredDatabase): string {
  const classes = db.instanceClasses.join(' + ');
  if (db.kind === 'rds-instance') return `${classes === '' ? 'no class' : classes} (${db.cost.label})`;
  return classes === '' ? `cluster (${db.cost.label})` : `cluster of ${classes} (${db.cost.label})`;
}

/** `3 h 12 min`, `<1 min`, or `age unknown` while RDS has no creation time. */
export function ageText(db: RestoredDatabase): string {
  if (db.ageMs === undefined) return 'age unknown';
  return db.ageMs < 60_000 ? '<1 min' : formatDuration(db.ageMs);
}

/**
 * One line an operator can act on: `lifeboat-blog-replacement-1a2b3c (us-east-1) available for
 * 26 h 10 min, db.t3.micro (< $0.05/h), recovery 2026…`.
 */
export function describeRestoredDatabase(db: RestoredDatabase): string {
  const recovery = db.recoveryId === undefined ? '' : `, ${db.role} of ${db.recoveryId}`;
  const billing = db.billing ? '' : ' (no instance hours billed)';
  return `${db.identifier} (${db.region}) ${db.status}${billing} for ${ageText(db)}, ${computeText(db)}${recovery}`;
}
