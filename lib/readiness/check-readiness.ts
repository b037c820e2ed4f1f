import type { Backup, BackupPart } from '../backup/model';
import type { Clock } from '../clock';
import { type DatabaseMode, DEFAULT_RESTORED_DATABASE_MAX_AGE_HOURS, type Site } from '../config/schema';
import { describeRestoredDatabase, findRestoredDatabases } from '../cost-guard/restored-databases';
import { asError, ThrottledError } from '../errors';
import { rankCandidates } from '../recovery/pick-known-good';
import type { GroupIngress } from '../recovery/ports';
import { exposureOf } from '../recovery/sandbox-exposure';
import { formatDuration } from '../report/format';
import { TAG } from '../tags/vocabulary';
import { checkDrEventsForwarded } from './dr-events';
import {
  CHECK_IDS,
  type CheckId,
  type CheckResult,
  overallVerdict,
  type Readiness,
  type Verdict,
} from './model';
import type { ReadinessPorts, RecordSetInfo, RestorePoint } from './ports';

export interface ReadinessOptions {
  /** Older than this, the newest completed backup warns (the freshness alarm uses 26 h too). */
  backupMaxAgeHours: number;
  /** A passed drill older than this warns (drills are weekly by default). */
  drillMaxAgeDays: number;
  /** A point-in-time window ending longer ago than this warns (RDS keeps it within ~5 minutes). */
  pitrMaxLagMinutes: number;
  /** How many EBS copies the pipeline keeps in flight per DR region (LIFEBOAT_EBS_COPY_LIMIT). */
  ebsCopiesInFlight: number;
  /** The stage checked (LIFEBOAT_STAGE, `--stage`): its restored databases, its DR forwarder's rules. */
  stage: string;
  /** A restored database running longer warns (config costGuard.restoredDatabaseMaxAgeHours). */
  restoredDatabaseMaxAgeHours: number;
}

export const DEFAULT_READINESS_OPTIONS: ReadinessOptions = {
  backupMaxAgeHours: 26,
  drillMaxAgeDays: 8,
  pitrMaxLagMinutes: 15,
  ebsCopiesInFlight: 20,
  stage: 'dev',
  restoredDatabaseMaxAgeHours: DEFAULT_RESTORED_DATABASE_MAX_AGE_HOURS,
};

const TITLES: Record<CheckId, string> = {
  'task-definition': 'Task definition',
  'site-health': 'Health path on the running site',
  network: 'Subnets and security groups',
  'sandbox-exposure': 'Sandbox reachable only from allowedCidr',
  'dns-zone': 'Hosted zone',
  'dns-records': 'Site and sandbox records',
  'known-good-backup': 'Known-good backup restorable in both regions',
  drill: 'Last restore drill',
  database: 'Database restore',
  'restored-databases': 'Restored databases left running',
  triggers: 'Triggers',
  'dr-events': 'DR events forwarded',
  quotas: 'Quotas',
};

type Outcome = { verdict: Verdict; reason: string };
const ok = (reason: string): Outcome => ({ verdict: 'ok', reason });
const warn = (reason: string): Outcome => ({ verdict: 'warn', reason });
const fail = (reason: string): Outcome => ({ verdict: 'fail', reason });

/** What every check reads at most once (several checks need the same groups, records and backups). */
interface Context {
  ports: ReadinessPorts;
  site: Site;
  now: Date;
  options: ReadinessOptions;
  groups: () => Promise<GroupIngress[]>;
  records: (name: string) => Promise<RecordSetInfo[]>;
  zoneName: () => Promise<string | undefined>;
  backups: () => Promise<Backup[]>;
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= load();
    return value;
  };
}

const ageText = (iso: string, now: Date) => formatDuration(now.getTime() - new Date(iso).getTime());
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

async function taskDefinitionCheck({ ports, site }: Context): Promise<Outcome> {
  const run = site.run;
  const td = await ports.taskDefinition(site.regions.primary, run.taskDefinition);
  if (td === undefined) {
    return fail(
      `task definition ${run.taskDefinition} does not exist in ${site.regions.primary}: RunTask would fail`,
    );
  }
  if (td.status !== 'ACTIVE') return fail(`${td.arn} is ${td.status}: ECS runs no new task from it`);
  if (!td.compatibilities.includes('FARGATE')) {
    return fail(`${td.arn} is not compatible with FARGATE (${td.compatibilities.join(', ') || 'none'})`);
  }
  const volume = td.volumes.find((v) => v.name === run.volumeName);
  if (volume === undefined) {
    return fail(`${td.arn} has no volume named ${run.volumeName} (run.volumeName) to create from a snapshot`);
  }
  if (!volume.configuredAtLaunch) {
    // ECS answers InvalidParameterException; moto accepts the RunTask. lib/aws/REQUIREMENTS.md
    return fail(
      `volume ${run.volumeName} of ${td.arn} is not configuredAtLaunch: ECS refuses the snapshot volume at RunTask`,
    );
  }
  const container = td.containers.find((c) => c.name === run.containerName);
  if (container === undefined) return fail(`${td.arn} has no container named ${run.containerName}`);
  if (!container.containerPorts.includes(run.containerPort)) {
    return warn(
      `container ${run.containerName} maps no port ${run.containerPort} (maps ${container.containerPorts.join(', ') || 'none'}); the health gate probes ${run.containerPort}`,
    );
  }
  return ok(
    `${td.arn}: FARGATE, volume ${run.volumeName} configured at launch, port ${run.containerPort} mapped`,
  );
}

/** The running site's address: the plain A record a recovery would replace. */
function plainAddress(records: RecordSetInfo[]): string | undefined {
  const a = records.find((r) => r.type === 'A' && !r.alias && r.setIdentifier === undefined);
  return a?.values[0];
}

async function siteHealthCheck({ ports, site, records }: Context): Promise<Outcome> {
  const address = plainAddress(await records(site.dns.recordName));
  if (address === undefined) {
    return warn(`${site.dns.recordName} has no plain A record to probe the running task at`);
  }
  const url = `http://${address}:${site.run.containerPort}${site.health.path}`;
  const result = await ports.probe({
    url,
    expectedStatus: site.health.expectedStatus,
    timeoutMs: site.health.timeoutSeconds * 1000,
  });
  if (result.healthy) return ok(`GET ${url} answered ${result.status} in ${result.elapsedMs} ms`);
  // The site answering with another status means the gate's path or status is wrong: every
  // replacement would be judged unhealthy the same way. No answer or a 5xx may just be an outage.
  if (result.status !== undefined && result.status < 500) {
    return fail(
      `GET ${url} answered ${result.status}, not ${site.health.expectedStatus}: the health gate would reject every replacement (health.path, health.expectedStatus)`,
    );
  }
  return warn(
    `GET ${url}: ${result.reason ?? 'no answer'} (if the site is up, run.containerPort or health.path is wrong)`,
  );
}

async function networkCheck({ ports, site, groups }: Context): Promise<Outcome> {
  const subnets = await ports.existingSubnets(site.regions.primary, site.run.subnets);
  const missingSubnets = site.run.subnets.filter((s) => !subnets.includes(s));
  const wanted = [...new Set([...site.run.securityGroups, ...site.sandbox.securityGroups])];
  const found = new Set((await groups()).map((g) => g.groupId));
  const missingGroups = wanted.filter((g) => !found.has(g));
  const problems = [
    ...missingSubnets.map((s) => `subnet ${s} does not exist`),
    ...missingGroups.map((g) => `security group ${g} does not exist`),
  ];
  if (problems.length > 0)
    return fail(`${problems.join('; ')} in ${site.regions.primary}: RunTask would fail`);
  return ok(`${plural(subnets.length, 'subnet')} and ${plural(wanted.length, 'security group')} exist`);
}

async function sandboxExposureCheck({ site, groups }: Context): Promise<Outcome> {
  const wanted = site.sandbox.securityGroups;
  const sandbox = (await groups()).filter((g) => wanted.includes(g.groupId));
  const missing = wanted.filter((id) => !sandbox.some((g) => g.groupId === id));
  if (missing.length > 0) return fail(`sandbox security group ${missing.join(', ')} does not exist`);
  const exposure = exposureOf(sandbox, site.sandbox.allowedCidr);
  if (exposure.length > 0) {
    return fail(
      `${exposure.join('; ')}: the sandbox would be refused (only ${site.sandbox.allowedCidr} may reach it)`,
    );
  }
  if (sandbox.every((g) => g.cidrs.length === 0)) {
    return warn(
      `the sandbox groups admit nobody: the operator cannot reach the sandbox from ${site.sandbox.allowedCidr}`,
    );
  }
  return ok(`${wanted.join(', ')} admit only ${site.sandbox.allowedCidr}`);
}

const inZone = (name: string, zone: string) => name === zone || name.endsWith(`.${zone}`);

async function dnsZoneCheck({ site, zoneName }: Context): Promise<Outcome> {
  const zone = await zoneName();
  if (zone === undefined)
    return fail(`hosted zone ${site.dns.hostedZoneId} does not exist: the DNS switch would fail`);
  const outside = [site.dns.recordName, site.sandbox.recordName].filter((n) => !inZone(n, zone));
  if (outside.length > 0) {
    // Route 53 refuses "RRSet with DNS name … is not permitted in zone …"; moto only checks syntax.
    return fail(`${outside.join(' and ')} not inside zone ${zone}: Route 53 would refuse the change`);
  }
  return ok(`${site.dns.hostedZoneId} is ${zone}; both record names are inside it`);
}

/** Why an A-record UPSERT at `name` would conflict with what is there, or undefined. */
function conflictAt(name: string, records: RecordSetInfo[]): string | undefined {
  const cname = records.find((r) => r.type === 'CNAME');
  if (cname !== undefined)
    return `${name} is a CNAME (${cname.values.join(', ')}): Route 53 refuses an A record beside it`;
  const routed = records.find((r) => r.setIdentifier !== undefined);
  if (routed !== undefined) {
    return `${name} has routing-policy records (SetIdentifier ${routed.setIdentifier}): a plain A UPSERT conflicts with them`;
  }
  return undefined;
}

async function dnsRecordsCheck({ site, records, zoneName }: Context): Promise<Outcome> {
  if ((await zoneName()) === undefined) return fail(`hosted zone ${site.dns.hostedZoneId} does not exist`);
  const siteRecords = await records(site.dns.recordName);
  const sandboxRecords = await records(site.sandbox.recordName);
  const conflicts = [
    conflictAt(site.dns.recordName, siteRecords),
    conflictAt(site.sandbox.recordName, sandboxRecords),
  ].filter((c): c is string => c !== undefined);
  if (conflicts.length > 0) return fail(`${conflicts.join('; ')} (moto accepts it, AWS does not)`);
  const siteA = siteRecords.find((r) => r.type === 'A');
  if (siteA === undefined)
    return fail(`${site.dns.recordName} has no A record: the site is not served from this zone`);
  const notes: string[] = [];
  notes.push(
    siteA.alias
      ? `${site.dns.recordName} is an alias A record (the switch replaces it)`
      : `${site.dns.recordName} A ${siteA.values.join(', ')}`,
  );
  notes.push(
    sandboxRecords.length === 0
      ? `${site.sandbox.recordName} not there yet (the first recovery creates it)`
      : `${site.sandbox.recordName} ${sandboxRecords.map((r) => r.type).join(', ')}`,
  );
  return siteA.alias ? warn(notes.join('; ')) : ok(notes.join('; '));
}

/** What is wrong with a restore point for backup `backup`: missing, unusable or not lifeboat's. */
function restorePointProblem(
  label: string,
  id: string | undefined,
  point: RestorePoint | undefined,
  backup: Backup,
): string | undefined {
  if (id === undefined) return `${label} has no id in the catalog`;
  if (point === undefined) return `${label} ${id} does not exist`;
  if (!point.usable) return `${label} ${id} is ${point.state}`;
  if (point.tags[TAG.site] !== backup.site || point.tags[TAG.backupId] !== backup.id) {
    return `${label} ${id} is not tagged as backup ${backup.id} of ${backup.site}`;
  }
  return undefined;
}

async function partProblems(ports: ReadinessPorts, backup: Backup, part: BackupPart): Promise<string[]> {
  const { primaryRegion, drRegion } = backup.spec;
  const problems: (string | undefined)[] = [];
  const copied = backup.spec.copyToDr && part.copy.state !== 'skipped';
  if (part.kind === 'ebs-volume') {
    const [primary] =
      part.snapshotId === undefined ? [] : await ports.ebsSnapshots(primaryRegion, [part.snapshotId]);
    problems.push(restorePointProblem(`snapshot in ${primaryRegion}`, part.snapshotId, primary, backup));
    if (copied) {
      const copyId = part.copy.snapshotId;
      const [copy] = copyId === undefined ? [] : await ports.ebsSnapshots(drRegion, [copyId]);
      problems.push(restorePointProblem(`DR copy in ${drRegion}`, copyId, copy, backup));
    }
  } else {
    const primary =
      part.snapshotId === undefined
        ? undefined
        : await ports.dbSnapshot(primaryRegion, part.kind, part.snapshotId);
    problems.push(restorePointProblem(`DB snapshot in ${primaryRegion}`, part.snapshotId, primary, backup));
    if (copied) {
      const copyId = part.copy.snapshotId;
      const copy = copyId === undefined ? undefined : await ports.dbSnapshot(drRegion, part.kind, copyId);
      problems.push(restorePointProblem(`DB copy in ${drRegion}`, copyId, copy, backup));
    }
  }
  return problems.filter((p): p is string => p !== undefined);
}

async function knownGoodBackupCheck({ ports, site, now, options, backups }: Context): Promise<Outcome> {
  const all = await backups();
  const [candidate] = rankCandidates(
    all,
    { before: now, limit: 1, preferDrilled: true },
    site.run.volumeName,
  );
  const backup = all.find((b) => b.id === candidate?.backupId);
  if (backup === undefined)
    return fail(`${site.name} has no completed backup with a volume snapshot: nothing to recover from`);
  const parts = backup.status.parts.filter((p) => p.state === 'completed');
  const problems = (await Promise.all(parts.map((p) => partProblems(ports, backup, p)))).flat();
  if (problems.length > 0) return fail(`known-good backup ${backup.id}: ${problems.join('; ')}`);
  const where = backup.spec.copyToDr
    ? `${backup.spec.primaryRegion} and ${backup.spec.drRegion}`
    : backup.spec.primaryRegion;
  const verified = `${backup.id} (${ageText(backup.status.createdAt, now)} old): ${plural(parts.length, 'part')} verified in ${where}`;
  const [newest] = rankCandidates(all, { before: now, limit: 1, preferDrilled: false }, site.run.volumeName);
  const newestAt = all.find((b) => b.id === newest?.backupId)?.status.createdAt ?? backup.status.createdAt;
  if (now.getTime() - new Date(newestAt).getTime() > options.backupMaxAgeHours * 3_600_000) {
    return warn(
      `${verified}; the newest completed backup is ${ageText(newestAt, now)} old (over ${options.backupMaxAgeHours} h)`,
    );
  }
  return ok(verified);
}

async function drillCheck({ site, now, options, backups }: Context): Promise<Outcome> {
  const drilled = (await backups())
    .filter((b) => b.status.drill !== undefined)
    .sort((a, b) => (b.status.drill?.at ?? '').localeCompare(a.status.drill?.at ?? ''));
  const last = drilled[0];
  const drill = last?.status.drill;
  if (last === undefined || drill === undefined) {
    return warn(
      'no restore drill yet: a backup never restored is a hope, not a backup (lifeboat drill <site>)',
    );
  }
  const age = ageText(drill.at, now);
  if (drill.verdict === 'failed') {
    // Name the half that failed: a drill whose database did not restore is not a passing drill.
    const failed = [
      ...(drill.files?.verdict === 'failed' ? [`files: ${drill.files.detail}`] : []),
      ...(drill.database?.verdict === 'failed' ? [`database: ${drill.database.detail}`] : []),
    ];
    return fail(
      `the drill of ${last.id} ${age} ago failed: ${failed.length === 0 ? drill.detail : failed.join('; ')}`,
    );
  }
  if (now.getTime() - new Date(drill.at).getTime() > options.drillMaxAgeDays * 86_400_000) {
    return warn(
      `the last drill passed ${age} ago (older than ${options.drillMaxAgeDays} days) on ${last.id}`,
    );
  }
  if (site.protect.database !== undefined && drill.database === undefined) {
    return warn(
      `the drill of ${last.id} passed ${age} ago, but restored only the files: the database was never drilled (lifeboat drill ${site.name})`,
    );
  }
  const restored = drill.database?.identifier === undefined ? '' : ` ${drill.database.identifier}`;
  const what = drill.database === undefined ? '' : ` (files and database${restored})`;
  return ok(`the drill of ${last.id} passed ${age} ago${what}`);
}

/** What a recovery does with the database (site config recovery.database), as the operator reads it. */
const DATABASE_MODE_TEXT: Record<DatabaseMode, string> = {
  keep: 'recovery keeps the live database',
  snapshot: 'recovery restores it from the backup',
  'point-in-time': 'recovery restores it to just before the outage (else from the backup)',
};

async function databaseCheck({ ports, site, now, options }: Context): Promise<Outcome> {
  const db = site.protect.database;
  if (db === undefined) return ok('no database protected');
  const [kind, id] =
    'instance' in db ? (['rds-instance', db.instance] as const) : (['rds-cluster', db.cluster] as const);
  const info = await ports.database(site.regions.primary, kind, id);
  if (info === undefined) {
    return fail(
      `${id} does not exist in ${site.regions.primary}: backups and the broken-state capture would fail`,
    );
  }
  const mode = site.recovery.database;
  const latest = info.backupRetentionDays === 0 ? undefined : info.latestRestorableTime;
  const pitrOff = latest === undefined;
  const window =
    latest === undefined
      ? 'point-in-time restore off (backup retention 0)'
      : `restorable to ${ageText(latest, now)} ago, ${info.backupRetentionDays} days kept`;
  const head = `${id} ${info.status}, ${DATABASE_MODE_TEXT[mode]}; ${window}`;
  if (info.status !== 'available') return warn(`${head}: RDS snapshots only an available database`);
  if (mode === 'point-in-time' && pitrOff) {
    return warn(`${head}: a recovery can only restore the backup's DB snapshot`);
  }
  if (
    info.latestRestorableTime !== undefined &&
    info.backupRetentionDays > 0 &&
    now.getTime() - new Date(info.latestRestorableTime).getTime() > options.pitrMaxLagMinutes * 60_000
  ) {
    return warn(`${head}: the point-in-time window lags over ${options.pitrMaxLagMinutes} min`);
  }
  return ok(head);
}

/**
 * The databases this site's recoveries, promotes and drills restored that still exist, in both
 * regions, as RDS shows them: one running past the cost guard's age warns (it bills by the hour
 * until it is retired); a stopped one is listed and does not.
 */
async function restoredDatabasesCheck({ ports, site, now, options }: Context): Promise<Outcome> {
  const maxAgeHours = options.restoredDatabaseMaxAgeHours;
  const regions = [site.regions.primary, site.regions.dr];
  const found = await findRestoredDatabases(
    ports,
    { now: () => now },
    {
      regions,
      stage: options.stage,
      maxAgeHours,
      site: site.name,
    },
  );
  const [unreadable] = found.unreadable;
  if (unreadable !== undefined) throw unreadable.error;
  const { databases } = found;
  if (databases.length === 0) return ok(`none in ${regions.join(' or ')}`);
  const over = databases.filter((d) => d.overAge);
  const listed = databases.map(describeRestoredDatabase).join('; ');
  if (over.length === 0) {
    return ok(`${listed} (none running over ${maxAgeHours} h, costGuard.restoredDatabaseMaxAgeHours)`);
  }
  return warn(
    `${plural(over.length, 'database')} running over ${maxAgeHours} h and billing until retired: ${listed}`,
  );
}

async function triggersCheck({ ports, site }: Context): Promise<Outcome> {
  const alarms = site.triggers.cloudwatchAlarms;
  const pingdom = [
    ...(site.triggers.pingdom?.checkIds ?? []).map(String),
    ...(site.triggers.pingdom?.checkNames ?? []),
  ];
  if (alarms.length === 0 && pingdom.length === 0) {
    return warn('no Pingdom check and no CloudWatch alarm: nothing starts a recovery but the operator');
  }
  const existing = alarms.length === 0 ? [] : await ports.existingAlarms(site.regions.primary, alarms);
  const missing = alarms.filter((a) => !existing.includes(a));
  if (missing.length > 0) {
    return fail(
      `CloudWatch alarm ${missing.join(', ')} does not exist in ${site.regions.primary}: it never starts a recovery`,
    );
  }
  const parts = [
    pingdom.length > 0 ? `Pingdom check ${pingdom.join(', ')}` : undefined,
    alarms.length > 0 ? `alarm ${alarms.join(', ')} exists` : undefined,
  ].filter((p): p is string => p !== undefined);
  return ok(`listens to ${parts.join('; ')}`);
}

async function quotasCheck({ ports, site, options }: Context): Promise<Outcome> {
  const region = site.regions.dr;
  const quota = await ports.ebsCopyQuota(region);
  const pacing = options.ebsCopiesInFlight;
  if ('unknown' in quota) {
    return warn(
      `EBS concurrent snapshot copies into ${region}: not readable (${quota.unknown}); lifeboat paces at ${pacing}`,
    );
  }
  if (quota.value < pacing) {
    return warn(
      `EBS allows ${quota.value} concurrent copies into ${region} but lifeboat paces at ${pacing} (LIFEBOAT_EBS_COPY_LIMIT): copies beyond the quota are refused and wait`,
    );
  }
  return ok(
    `EBS allows ${quota.value} concurrent copies into ${region} (${quota.source}); lifeboat paces at ${pacing}`,
  );
}

const CHECKS: Record<CheckId, (ctx: Context) => Promise<Outcome>> = {
  'task-definition': taskDefinitionCheck,
  'site-health': siteHealthCheck,
  network: networkCheck,
  'sandbox-exposure': sandboxExposureCheck,
  'dns-zone': dnsZoneCheck,
  'dns-records': dnsRecordsCheck,
  'known-good-backup': knownGoodBackupCheck,
  drill: drillCheck,
  database: databaseCheck,
  'restored-databases': restoredDatabasesCheck,
  triggers: triggersCheck,
  'dr-events': ({ ports, site, options }) => checkDrEventsForwarded(ports, site, options.stage),
  quotas: quotasCheck,
};

/** A check that could not ask: throttling may pass (warn); any other failure to read fails. */
async function guarded(ctx: Context, id: CheckId): Promise<CheckResult> {
  try {
    return { id, title: TITLES[id], ...(await CHECKS[id](ctx)) };
  } catch (error) {
    const e = asError(error);
    const verdict: Verdict = e instanceof ThrottledError ? 'warn' : 'fail';
    return { id, title: TITLES[id], verdict, reason: `could not check: ${e.message}` };
  }
}

/**
 * Verifies against the account that a recovery of `site` started now would succeed: every check
 * with ok / warn / fail and its reason, and the worst verdict overall.
 */
export async function checkReadiness(
  ports: ReadinessPorts,
  clock: Clock,
  site: Site,
  options: Partial<ReadinessOptions> = {},
): Promise<Readiness> {
  const now = clock.now();
  const settings = { ...DEFAULT_READINESS_OPTIONS, ...options };
  const recordCache = new Map<string, Promise<RecordSetInfo[]>>();
  const zoneName = once(() => ports.hostedZoneName(site.dns.hostedZoneId));
  const ctx: Context = {
    ports,
    site,
    now,
    options: settings,
    groups: once(() =>
      ports.securityGroups(site.regions.primary, [
        ...new Set([...site.run.securityGroups, ...site.sandbox.securityGroups]),
      ]),
    ),
    records: (name) => {
      let found = recordCache.get(name);
      if (found === undefined) {
        // Without its zone there are no records to list (the zone check says why).
        found = zoneName().then((zone) =>
          zone === undefined ? [] : ports.recordSets(site.dns.hostedZoneId, name),
        );
        recordCache.set(name, found);
      }
      return found;
    },
    zoneName,
    backups: once(async () => {
      const all: Backup[] = [];
      for await (const backup of ports.backups(site.name)) all.push(backup);
      return all;
    }),
  };
  const checks = await Promise.all(CHECK_IDS.map((id) => guarded(ctx, id)));
  return {
    apiVersion: 'lifeboat/v1',
    kind: 'Readiness',
    site: site.name,
    checkedAt: now.toISOString(),
    verdict: overallVerdict(checks),
    checks,
  };
}
