import type { Backup, BackupKind, BackupPart, BackupPhase } from '../../lib/backup/model';
import { parseConfig } from '../../lib/config/load';
import type { LifeboatConfig, Site } from '../../lib/config/schema';
import { backupIdFor } from '../../lib/ids';
import type { Recovery } from '../../lib/recovery/model';

/** A valid raw site entry (as written in YAML) that tests tweak. */
export function rawSite(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'blog',
    regions: { primary: 'us-east-1', dr: 'us-west-2' },
    protect: { volumes: { tags: { 'lifeboat:site': 'blog' } }, database: { instance: 'blog-db' } },
    run: {
      cluster: 'blog',
      taskDefinition: 'blog-wordpress',
      containerName: 'wordpress',
      containerPort: 80,
      volumeName: 'wp-content',
      volumeFilesystemType: 'ext4',
      volumeInitializationRateMiBps: 200,
      subnets: ['subnet-0123456789abcdef0'],
      securityGroups: ['sg-0123456789abcdef0'],
      assignPublicIp: true,
      infrastructureRoleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRole',
    },
    dns: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', recordName: 'www.example.com' },
    health: { path: '/' },
    sandbox: {
      recordName: 'sandbox.example.com',
      allowedCidr: '203.0.113.0/24',
      securityGroups: ['sg-0fedcba9876543210'],
      databaseSecurityGroups: ['sg-0a1b2c3d4e5f60718'],
    },
    triggers: { pingdom: { checkIds: [12345] }, cloudwatchAlarms: ['blog-5xx'] },
    ...overrides,
  };
}

/** A validated config with the given raw sites (default: one `blog` site). */
export function buildConfig(...sites: Record<string, unknown>[]): LifeboatConfig {
  return parseConfig({ sites: sites.length > 0 ? sites : [rawSite()] });
}

/** A validated site. */
export function buildSite(overrides: Record<string, unknown> = {}): Site {
  const site = buildConfig(rawSite(overrides)).sites[0];
  if (site === undefined) throw new Error('unreachable');
  return site;
}

/** A backup record with sensible defaults. */
export function buildBackup(
  options: { site?: string; kind?: BackupKind; at?: string; phase?: BackupPhase; parts?: BackupPart[] } = {},
): Backup {
  const at = new Date(options.at ?? '2026-11-22T02:00:00Z');
  const kind = options.kind ?? 'scheduled';
  const phase = options.phase ?? 'Pending';
  return {
    apiVersion: 'lifeboat/v1',
    kind: 'Backup',
    id: backupIdFor(kind, at),
    site: options.site ?? 'blog',
    spec: {
      kind,
      scheduledFor: at.toISOString(),
      primaryRegion: 'us-east-1',
      drRegion: 'us-west-2',
      copyToDr: true,
    },
    status: {
      phase,
      parts: options.parts ?? [],
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      completedAt: phase === 'Completed' ? at.toISOString() : undefined,
    },
  };
}

/** A recovery record as Begin writes it (Running, nothing tried yet), with the given times and overrides. */
export function buildRecovery(
  options: {
    id?: string;
    site?: string;
    incidentKey?: string;
    outageStartedAt?: string;
    receivedAt?: string;
    startedAt?: string;
    summary?: string;
    status?: Partial<Recovery['status']>;
  } = {},
): Recovery {
  const outageStartedAt = options.outageStartedAt ?? '2026-11-22T09:39:00.000Z';
  const startedAt = options.startedAt ?? outageStartedAt;
  return {
    apiVersion: 'lifeboat/v1',
    kind: 'Recovery',
    id: options.id ?? '20261122t093900z-1a2b3c4d',
    site: options.site ?? 'blog',
    spec: {
      kind: 'recovery',
      trigger: {
        source: 'pingdom',
        incidentKey: options.incidentKey ?? 'pingdom:12345:1700000000',
        outageStartedAt,
        receivedAt: options.receivedAt ?? startedAt,
        summary: options.summary ?? 'down',
      },
      options: { dryRun: false, skipSandbox: false, database: 'keep' },
    },
    status: { phase: 'Running', attempts: [], timeline: [], signals: [], startedAt, ...options.status },
  };
}
