import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSnapshotCommand,
  CreateTagsCommand,
} from '@aws-sdk/client-ec2';
import { DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import {
  CreateDBSnapshotCommand,
  type DBInstance,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
} from '@aws-sdk/client-rds';
import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { S3ObjectStore } from '../../../lib/aws/s3';
import type { Backup } from '../../../lib/backup/model';
import { Catalog } from '../../../lib/catalog/catalog';
import type { Clock } from '../../../lib/clock';
import type { DatabaseMode, LifeboatConfig, Site } from '../../../lib/config/schema';
import type { TaskInfo } from '../../../lib/recovery/ports';
import type { RecoveryContext } from '../../../lib/recovery/steps';
import { ALL_RECOVERY_ADAPTERS, recoveryPorts } from '../../../lib/recovery/wiring';
import { rdsSnapshotIdentifier, snapshotTags, toTagList } from '../../../lib/tags/vocabulary';
import { trustIdentityFromEnv } from '../../../lib/trust/snapshot-trust';
import { type LocalRunResult, type MachineName, runStateMachineLocally } from '../../../local/local-runner';
import { holdEcsTasksRunning } from '../../../local/moto-server';
import { seedSite, seedVolume } from '../../../local/seed';
import { siteConfig } from '../../../local/site-config';
import { buildBackup } from '../../support/builders';
import {
  motoClients,
  motoEndpoint,
  receivedNotifications,
  uniqueName,
  uniqueSiteName,
} from '../../support/moto';
import { type SiteBehaviour, type SiteServer, startSiteServer } from './site-server';
import { SteppingClock } from './stepping-clock';

const REGION = 'us-east-1';

/** An ECS task as moto reports it, with its lifeboat tags. */
export interface ObservedTask {
  taskArn: string;
  lastStatus: string;
  /** The address of its network interface (what DNS is switched to). */
  privateIp?: string;
  tags: Record<string, string>;
}

/**
 * One site on moto, ready for a recovery (seeded by local/seed.ts): VPC, subnet and security
 * groups (and, when asked, a live database in the VPC), an ECS cluster and task definition, a hosted zone, the catalog bucket, an SNS topic with
 * an SQS queue to read what was published, the live volume, and local HTTP servers that play the
 * site restored from each backup.
 */
export class RecoveryWorld {
  readonly clients = motoClients();
  readonly servers = new Map<string, SiteServer>();
  private readonly roleServers = new Map<string, SiteServer>();
  site!: Site;
  config!: LifeboatConfig;
  catalog!: Catalog;
  topicArn = '';
  queueUrl = '';
  liveVolumeId = '';
  sandboxSecurityGroup = '';
  private readonly siteName = uniqueSiteName();
  private fallback?: SiteServer;

  /** The site's live RDS instance and its network, when set up with a database. */
  database?: { instance: string; subnetGroup: string; securityGroup: string; sandboxSecurityGroup: string };

  /**
   * Creates the AWS side; the site answers `behaviour` unless a backup is given its own. With
   * `database`, the site has a live MySQL instance (in its own subnet group and security group)
   * that every backup snapshots, restored as `recovery.database` says.
   */
  async setUp(
    defaultBehaviour: SiteBehaviour = 'healthy',
    options: { database?: DatabaseMode; pointInTimeMarginSeconds?: number } = {},
  ): Promise<this> {
    await holdEcsTasksRunning(motoEndpoint());
    const bucket = uniqueName('catalog');
    const withDatabase = options.database !== undefined;
    const seeded = await seedSite(this.clients, {
      name: this.siteName,
      database: withDatabase ? 'instance' : false,
      // A DB subnet group spans two zones.
      run: { subnets: withDatabase ? 2 : 1 },
      // No www record yet: a recovery that never switches DNS leaves none.
      dns: { domain: `${this.siteName}.example.com` },
      catalogBucket: bucket,
      notifications: 'topic-and-queue',
    });
    this.catalog = new Catalog(new S3ObjectStore(this.clients.s3(), bucket), { retryDelayMs: 1 });
    this.topicArn = seeded.notifications?.topicArn ?? '';
    this.queueUrl = seeded.notifications?.queueUrl ?? '';
    this.liveVolumeId = seeded.volumeIds[0] ?? '';
    this.sandboxSecurityGroup = seeded.run?.sandboxSecurityGroupId ?? '';
    const db = seeded.database;
    if (
      db?.subnetGroup !== undefined &&
      db.securityGroupId !== undefined &&
      db.sandboxSecurityGroupId !== undefined
    )
      this.database = {
        instance: db.id,
        subnetGroup: db.subnetGroup,
        securityGroup: db.securityGroupId,
        sandboxSecurityGroup: db.sandboxSecurityGroupId,
      };
    this.config = siteConfig([seeded], {
      health: { timeoutSeconds: 1, deadlineSeconds: 10 },
      overrides: {
        recovery: {
          maxWalkBack: 2,
          database: options.database ?? 'keep',
          pointInTimeMarginSeconds: options.pointInTimeMarginSeconds ?? 300,
        },
      },
    });
    this.site = this.config.sites[0] as Site;
    this.fallback = await startSiteServer(defaultBehaviour);
    return this;
  }

  /** The recovery context the state machine's steps run against, probes going to the local servers. */
  context(clock: Clock): RecoveryContext {
    return {
      config: this.config,
      clock,
      ports: recoveryPorts({
        clients: this.clients,
        catalog: this.catalog,
        clock,
        adapters: ALL_RECOVERY_ADAPTERS,
        topicArn: this.topicArn,
        endpointOf: (task: TaskInfo) =>
          task.privateIp === undefined
            ? undefined
            : (
                this.roleServers.get(task.tags['lifeboat:role'] ?? '') ??
                this.servers.get(task.tags['lifeboat:backup-id'] ?? '') ??
                this.fallback
              )?.url,
      }),
    };
  }

  /** Runs `machine` locally on this world, its steps on a clock that starts at `at`. */
  run(machine: MachineName, input: unknown, at: string, executionName?: string): Promise<LocalRunResult> {
    return runStateMachineLocally({
      machine,
      input,
      executionName,
      context: this.context(new SteppingClock(at)),
    });
  }

  /**
   * A completed scheduled backup taken at `at`, with a real moto snapshot (`snapshotId`, e.g. one
   * built with the EBS direct APIs, or a new CreateSnapshot one); its task will answer `behaviour`.
   */
  async completedBackup(
    at: string,
    behaviour: SiteBehaviour = 'healthy',
    drill?: 'passed' | 'failed',
    snapshotId?: string,
  ): Promise<Backup> {
    const volumeId = await seedVolume(this.clients, REGION, { Name: 'old wp-content' });
    const backup = buildBackup({
      site: this.siteName,
      at,
      phase: 'Completed',
      parts: [
        {
          kind: 'ebs-volume',
          sourceId: volumeId,
          state: 'completed',
          copy: { region: 'us-west-2', state: 'completed', snapshotId: 'snap-0dr' },
        },
      ],
    });
    const [part] = backup.status.parts;
    if (part === undefined) throw new Error('the seeded backup has no part');
    // Tagged as lifeboat tags its snapshots: the recovery checks each one in AWS before launching it.
    const tags = toTagList(snapshotTags(backup, part, trustIdentityFromEnv().stage));
    if (snapshotId === undefined) {
      const snap = await this.clients.ec2(REGION).send(
        new CreateSnapshotCommand({
          VolumeId: volumeId,
          TagSpecifications: [{ ResourceType: 'snapshot', Tags: tags }],
        }),
      );
      part.snapshotId = snap.SnapshotId ?? '';
    } else {
      // A snapshot made with the EBS direct APIs (what ListChangedBlocks compares), tagged like a backup's.
      await this.clients.ec2(REGION).send(new CreateTagsCommand({ Resources: [snapshotId], Tags: tags }));
      part.snapshotId = snapshotId;
    }
    if (drill !== undefined) backup.status.drill = { verdict: drill, at, detail: 'seeded' };
    if (this.database !== undefined) {
      const identifier = rdsSnapshotIdentifier(this.siteName, backup.id);
      const dbPart = {
        kind: 'rds-instance' as const,
        sourceId: this.database.instance,
        snapshotId: identifier,
        state: 'completed' as const,
        copy: { region: 'us-west-2', state: 'completed' as const, snapshotId: identifier },
      };
      await this.clients.rds(REGION).send(
        new CreateDBSnapshotCommand({
          DBInstanceIdentifier: this.database.instance,
          DBSnapshotIdentifier: identifier,
          Tags: toTagList(snapshotTags(backup, dbPart, trustIdentityFromEnv().stage)),
        }),
      );
      backup.status.parts.push(dbPart);
    }
    await this.catalog.createBackup(backup);
    this.servers.set(backup.id, await startSiteServer(behaviour));
    return backup;
  }

  /** Every task of `role` (e.g. a promote's final task) answers `behaviour`, whatever it was restored from. */
  async serveRole(role: string, behaviour: SiteBehaviour): Promise<void> {
    this.roleServers.set(role, await startSiteServer(behaviour));
  }

  /** Opens the sandbox's security group to `cidr` on port 80 (a misconfiguration when wider than the operator's). */
  async openSandboxTo(cidr: string): Promise<void> {
    await this.clients.ec2(REGION).send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: this.sandboxSecurityGroup,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: cidr }] }],
      }),
    );
  }

  /** Every task of the site's cluster, with its tags. */
  async tasks(): Promise<ObservedTask[]> {
    const ecs = this.clients.ecs(REGION);
    const arns: string[] = [];
    for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
      const out = await ecs.send(new ListTasksCommand({ cluster: this.site.run.cluster, desiredStatus }));
      arns.push(...(out.taskArns ?? []));
    }
    if (arns.length === 0) return [];
    const out = await ecs.send(
      new DescribeTasksCommand({ cluster: this.site.run.cluster, tasks: arns, include: ['TAGS'] }),
    );
    return (out.tasks ?? []).map((t) => ({
      taskArn: t.taskArn ?? '',
      lastStatus: t.lastStatus ?? '',
      privateIp: (t.attachments ?? [])
        .flatMap((a) => a.details ?? [])
        .find((d) => d.name === 'privateIPv4Address')?.value,
      tags: Object.fromEntries((t.tags ?? []).map((tag) => [tag.key ?? '', tag.value ?? ''])),
    }));
  }

  /** Every DB instance in the region but the site's live one (what recoveries restored), with its tags. */
  async restoredDatabases(): Promise<DBInstance[]> {
    const out = await this.clients.rds(REGION).send(new DescribeDBInstancesCommand({}));
    return (out.DBInstances ?? []).filter(
      (db) =>
        db.DBInstanceIdentifier !== this.database?.instance &&
        (db.TagList ?? []).some((t) => t.Key === 'lifeboat:site' && t.Value === this.siteName),
    );
  }

  /** The identifiers of the manual DB snapshots of the site's restored databases (final snapshots). */
  async finalSnapshots(): Promise<string[]> {
    const out = await this.clients
      .rds(REGION)
      .send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual' }));
    return (out.DBSnapshots ?? [])
      .map((s) => s.DBSnapshotIdentifier ?? '')
      .filter((id) => id.startsWith(`lifeboat-${this.siteName}-`) && id.endsWith('-final'));
  }

  /** The A record's value for `name`, or undefined if Route 53 has no such record. */
  async aRecord(name: string): Promise<{ value?: string; ttl?: number } | undefined> {
    const out = await this.clients
      .route53()
      .send(new ListResourceRecordSetsCommand({ HostedZoneId: this.site.dns.hostedZoneId }));
    const record = (out.ResourceRecordSets ?? []).find(
      (r) => r.Type === 'A' && r.Name?.replace(/\.$/, '') === name,
    );
    return record === undefined ? undefined : { value: record.ResourceRecords?.[0]?.Value, ttl: record.TTL };
  }

  /** Subjects and messages published to the topic so far. */
  async notifications(): Promise<{ subject: string; message: string }[]> {
    return receivedNotifications(this.clients, this.queueUrl);
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.servers.values(), ...this.roleServers.values(), ...(this.fallback ? [this.fallback] : [])].map(
        (s) => s.close(),
      ),
    );
  }
}
