import type { Backup } from '../../../lib/backup/model';
import type { DatabaseInAws } from '../../../lib/cost-guard/ports';
import type { ProbeRequest, ProbeResult } from '../../../lib/health/http-probe';
import { drForwarderRuleNames, type EventRuleInfo } from '../../../lib/readiness/dr-events';
import type {
  DatabaseRestoreInfo,
  QuotaReading,
  ReadinessPorts,
  RecordSetInfo,
  RestorePoint,
  TaskDefinitionInfo,
} from '../../../lib/readiness/ports';
import type { GroupIngress } from '../../../lib/recovery/ports';
import { buildBackup } from '../../support/builders';

/** The account as a fake: a site that is ready in every respect, for a test to break one thing. */
export interface FakeAccount {
  taskDefinition?: TaskDefinitionInfo;
  subnets: string[];
  groups: GroupIngress[];
  zoneName?: string;
  records: Record<string, RecordSetInfo[]>;
  /** EBS snapshots and DB snapshots per region, by id. */
  points: Record<string, Record<string, RestorePoint>>;
  database?: DatabaseRestoreInfo;
  alarms: string[];
  quota: QuotaReading;
  /** EventBridge rules per region (the DR forwarder's, in us-west-2). */
  eventRules: Record<string, EventRuleInfo[]>;
  backups: Backup[];
  /** lifeboat-managed DB instances and clusters, in every region. */
  managedDatabases: DatabaseInAws[];
  probe: (request: ProbeRequest) => ProbeResult;
  /** Calls made, by port method. */
  calls: string[];
}

/** A completed, drilled backup whose volume and database snapshots are copied to us-west-2. */
export function readyBackup(at: string, drill?: Backup['status']['drill']): Backup {
  const backup = buildBackup({ at, phase: 'Completed' });
  const tag = backup.id.slice(0, 8);
  backup.status.parts = [
    {
      kind: 'ebs-volume',
      sourceId: 'vol-0a1b2c3d4e5f60718',
      snapshotId: `snap-${tag}a`,
      state: 'completed',
      copy: { region: 'us-west-2', state: 'completed', snapshotId: `snap-${tag}b` },
    },
    {
      kind: 'rds-instance',
      sourceId: 'blog-db',
      snapshotId: `lifeboat-blog-${backup.id}`,
      state: 'completed',
      copy: { region: 'us-west-2', state: 'completed', snapshotId: `lifeboat-blog-${backup.id}` },
    },
  ];
  if (drill !== undefined) backup.status.drill = drill;
  return backup;
}

/** The snapshots and copies of `backups`, as AWS would show them: completed and tagged. */
export function pointsOf(backups: Backup[]): FakeAccount['points'] {
  const points: FakeAccount['points'] = { 'us-east-1': {}, 'us-west-2': {} };
  for (const b of backups) {
    const tags = { 'lifeboat:site': b.site, 'lifeboat:backup-id': b.id, 'lifeboat:managed': 'true' };
    for (const p of b.status.parts) {
      const primary = points['us-east-1'] as Record<string, RestorePoint>;
      const dr = points['us-west-2'] as Record<string, RestorePoint>;
      const usable = p.kind === 'ebs-volume' ? 'completed' : 'available';
      if (p.snapshotId) primary[p.snapshotId] = { id: p.snapshotId, usable: true, state: usable, tags };
      if (p.copy.snapshotId)
        dr[p.copy.snapshotId] = { id: p.copy.snapshotId, usable: true, state: usable, tags };
    }
  }
  return points;
}

/** The reference site (tests/support/builders rawSite) ready for recovery at `now`. */
export function readyAccount(now = '2026-11-22T12:00:00Z'): FakeAccount {
  const hoursAgo = (h: number) => new Date(new Date(now).getTime() - h * 3_600_000).toISOString();
  const backups = [
    readyBackup(hoursAgo(10)),
    readyBackup(hoursAgo(34), {
      verdict: 'passed',
      at: hoursAgo(30),
      detail: 'healthy after 2 checks',
      files: { verdict: 'passed', detail: 'the task answered' },
      database: {
        verdict: 'passed',
        detail: 'available; the site answered with it',
        identifier: 'lifeboat-blog-drill-0a1b2c',
      },
    }),
  ];
  return {
    taskDefinition: {
      arn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/blog-wordpress:3',
      status: 'ACTIVE',
      compatibilities: ['EC2', 'FARGATE'],
      volumes: [{ name: 'wp-content', configuredAtLaunch: true }],
      containers: [{ name: 'wordpress', containerPorts: [80] }],
    },
    subnets: ['subnet-0123456789abcdef0'],
    groups: [
      { groupId: 'sg-0123456789abcdef0', cidrs: ['0.0.0.0/0'], ipv6Cidrs: [], prefixLists: [] },
      { groupId: 'sg-0fedcba9876543210', cidrs: ['203.0.113.0/24'], ipv6Cidrs: [], prefixLists: [] },
    ],
    zoneName: 'example.com',
    records: {
      'www.example.com': [{ name: 'www.example.com', type: 'A', alias: false, values: ['198.51.100.10'] }],
    },
    points: pointsOf(backups),
    database: { status: 'available', backupRetentionDays: 7, latestRestorableTime: hoursAgo(0.05) },
    alarms: ['blog-5xx'],
    quota: { value: 20, source: 'default' },
    eventRules: {
      'us-west-2': Object.values(drForwarderRuleNames('dev')).map((name) => ({
        name,
        state: 'ENABLED',
        targetArns: ['arn:aws:events:us-east-1:123456789012:event-bus/default'],
      })),
    },
    backups,
    managedDatabases: [],
    probe: (request) => ({ healthy: true, url: request.url, status: 200, elapsedMs: 12 }),
    calls: [],
  };
}

/** Ports reading the fake account. */
export function fakePorts(account: FakeAccount): ReadinessPorts {
  const logged =
    <A extends unknown[], R>(name: string, read: (...args: A) => R) =>
    async (...args: A): Promise<Awaited<R>> => {
      account.calls.push(name);
      return await read(...args);
    };
  return {
    taskDefinition: logged('taskDefinition', () => account.taskDefinition),
    existingSubnets: logged('existingSubnets', (_region: string, ids: string[]) =>
      ids.filter((i) => account.subnets.includes(i)),
    ),
    securityGroups: logged('securityGroups', (_region: string, ids: string[]) =>
      account.groups.filter((g) => ids.includes(g.groupId)),
    ),
    hostedZoneName: logged('hostedZoneName', () => account.zoneName),
    recordSets: logged('recordSets', (_zone: string, name: string) => account.records[name] ?? []),
    ebsSnapshots: logged('ebsSnapshots', (region: string, ids: string[]) =>
      ids.map((id) => account.points[region]?.[id]).filter((p): p is RestorePoint => p !== undefined),
    ),
    dbSnapshot: logged(
      'dbSnapshot',
      (region: string, _kind: string, id: string) => account.points[region]?.[id],
    ),
    database: logged('database', () => account.database),
    existingAlarms: logged('existingAlarms', (_region: string, names: string[]) =>
      names.filter((n) => account.alarms.includes(n)),
    ),
    ebsCopyQuota: logged('ebsCopyQuota', () => account.quota),
    eventRules: logged('eventRules', (region: string, prefix: string) =>
      (account.eventRules[region] ?? []).filter((r) => r.name.startsWith(prefix)),
    ),
    managedDatabases: logged('managedDatabases', (region: string) =>
      account.managedDatabases.filter((d) => d.region === region),
    ),
    backups: async function* backups() {
      account.calls.push('backups');
      yield* [...account.backups].sort((a, b) => b.id.localeCompare(a.id));
    },
    probe: logged('probe', (request: ProbeRequest) => account.probe(request)),
  };
}

/** A database `stage`'s recovery of `site` restored `ageHours` before `now`, as RDS lists it. */
export function restoredInAws(
  now: string,
  ageHours: number,
  overrides: Partial<DatabaseInAws> & { site?: string; stage?: string; role?: string } = {},
): DatabaseInAws {
  const { site = 'blog', stage = 'dev', role = 'replacement', tags, ...rest } = overrides;
  return {
    region: 'us-east-1',
    kind: 'rds-instance',
    identifier: `lifeboat-${site}-${role}-1a2b3c`,
    status: 'available',
    engine: 'mysql',
    instanceClasses: ['db.t3.micro'],
    createdAt: new Date(new Date(now).getTime() - ageHours * 3_600_000).toISOString(),
    tags: {
      'lifeboat:managed': 'true',
      'lifeboat:stage': stage,
      'lifeboat:site': site,
      'lifeboat:role': role,
      'lifeboat:recovery-id': '20261122t093900z-5f2c81a0',
      ...tags,
    },
    ...rest,
  };
}
