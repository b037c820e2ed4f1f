import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSnapshotCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { CreateHostedZoneCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { S3ObjectStore } from '../../../lib/aws/s3';
import type { Backup } from '../../../lib/backup/model';
import { Catalog } from '../../../lib/catalog/catalog';
import type { Clock } from '../../../lib/clock';
import type { LifeboatConfig, Site } from '../../../lib/config/schema';
import type { TaskInfo } from '../../../lib/recovery/ports';
import type { RecoveryContext } from '../../../lib/recovery/steps';
import { ALL_RECOVERY_ADAPTERS, recoveryPorts } from '../../../lib/recovery/wiring';
import { snapshotTags, toTagList } from '../../../lib/tags/vocabulary';
import { trustIdentityFromEnv } from '../../../lib/trust/snapshot-trust';
import { holdEcsTasksRunning } from '../../../local/moto-server';
import { buildBackup, buildConfig, rawSite } from '../../support/builders';
import { motoClients, motoEndpoint, uniqueName } from '../../support/moto';
import { type SiteBehaviour, type SiteServer, startSiteServer } from './site-server';

const REGION = 'us-east-1';

/** An ECS task as moto reports it, with its lifeboat tags. */
export interface ObservedTask {
  taskArn: string;
  lastStatus: string;
  tags: Record<string, string>;
}

/**
 * One site on moto, ready for a recovery: VPC, subnet and security groups, an ECS cluster and task
 * definition, a hosted zone, the catalog bucket, an SNS topic with an SQS queue to read what was
 * published, the live volume, and local HTTP servers that play the site restored from each backup.
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
  private readonly siteName = `s${uniqueName('')
    .replace(/[^a-z0-9]/g, '')
    .slice(-12)}`;
  private fallback?: SiteServer;

  /** Creates the AWS side; the site answers `behaviour` unless a backup is given its own. */
  async setUp(defaultBehaviour: SiteBehaviour = 'healthy'): Promise<this> {
    await holdEcsTasksRunning(motoEndpoint());
    const ec2 = this.clients.ec2(REGION);
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const vpcId = vpc.Vpc?.VpcId ?? '';
    // moto's ECS answers HTTP 500 for tasks in a VPC without DNS hostnames.
    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
    const subnet = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: `${REGION}a` }),
    );
    const sg = async (name: string) =>
      (
        await ec2.send(
          new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: uniqueName(name), Description: name }),
        )
      ).GroupId ?? '';
    const siteSg = await sg('site');
    const sandboxSg = await sg('sandbox');
    this.sandboxSecurityGroup = sandboxSg;

    const cluster = uniqueName('cluster');
    await this.clients.ecs(REGION).send(new CreateClusterCommand({ clusterName: cluster }));
    const family = uniqueName('wordpress');
    await this.clients.ecs(REGION).send(
      new RegisterTaskDefinitionCommand({
        family,
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          {
            name: 'wordpress',
            image: 'wordpress:6',
            memory: 512,
            portMappings: [{ containerPort: 80 }],
            mountPoints: [{ sourceVolume: 'wp-content', containerPath: '/var/www/html/wp-content' }],
          },
        ],
        volumes: [{ name: 'wp-content', configuredAtLaunch: true }],
      }),
    );

    const zoneName = `${this.siteName}.example.com`;
    const zone = await this.clients
      .route53()
      .send(new CreateHostedZoneCommand({ Name: zoneName, CallerReference: uniqueName('zone') }));
    const hostedZoneId = (zone.HostedZone?.Id ?? '').replace('/hostedzone/', '');

    const bucket = uniqueName('catalog');
    await this.clients.s3().send(new CreateBucketCommand({ Bucket: bucket }));
    this.catalog = new Catalog(new S3ObjectStore(this.clients.s3(), bucket), { retryDelayMs: 1 });

    const topic = await this.clients.sns().send(new CreateTopicCommand({ Name: uniqueName('lifeboat') }));
    this.topicArn = topic.TopicArn ?? '';
    const queue = await this.clients.sqs().send(new CreateQueueCommand({ QueueName: uniqueName('notes') }));
    this.queueUrl = queue.QueueUrl ?? '';
    const attrs = await this.clients
      .sqs()
      .send(new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['QueueArn'] }));
    await this.clients.sns().send(
      new SubscribeCommand({
        TopicArn: this.topicArn,
        Protocol: 'sqs',
        Endpoint: attrs.Attributes?.QueueArn,
      }),
    );

    this.liveVolumeId = await this.volume({ 'lifeboat:site': this.siteName, Name: 'wp-content' });
    this.config = buildConfig(
      rawSite({
        name: this.siteName,
        protect: { volumes: { tags: { 'lifeboat:site': this.siteName } } },
        run: {
          cluster,
          taskDefinition: family,
          containerName: 'wordpress',
          containerPort: 80,
          volumeName: 'wp-content',
          volumeFilesystemType: 'ext4',
          subnets: [subnet.Subnet?.SubnetId],
          securityGroups: [siteSg],
          assignPublicIp: true,
          infrastructureRoleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRole',
        },
        dns: { hostedZoneId, recordName: `www.${zoneName}`, ttl: 60 },
        health: {
          path: '/wp-login.php',
          expectedStatus: 200,
          timeoutSeconds: 1,
          deadlineSeconds: 10,
          healthyThreshold: 2,
        },
        sandbox: {
          recordName: `sandbox.${zoneName}`,
          allowedCidr: '203.0.113.0/24',
          securityGroups: [sandboxSg],
        },
        triggers: { cloudwatchAlarms: [] },
        recovery: { maxWalkBack: 2, restoreDatabase: false },
      }),
    );
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

  /** A completed scheduled backup taken at `at`, with a real moto snapshot; its task will answer `behaviour`. */
  async completedBackup(
    at: string,
    behaviour: SiteBehaviour = 'healthy',
    drill?: 'passed' | 'failed',
  ): Promise<Backup> {
    const volumeId = await this.volume({ Name: 'old wp-content' });
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
    const snap = await this.clients.ec2(REGION).send(
      new CreateSnapshotCommand({
        VolumeId: volumeId,
        TagSpecifications: [
          {
            ResourceType: 'snapshot',
            Tags: toTagList(snapshotTags(backup, part, trustIdentityFromEnv().stage)),
          },
        ],
      }),
    );
    part.snapshotId = snap.SnapshotId ?? '';
    if (drill !== undefined) backup.status.drill = { verdict: drill, at, detail: 'seeded' };
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
      tags: Object.fromEntries((t.tags ?? []).map((tag) => [tag.key ?? '', tag.value ?? ''])),
    }));
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
    const out = await this.clients
      .sqs()
      .send(
        new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
    return (out.Messages ?? []).map((m) => {
      const envelope = JSON.parse(m.Body ?? '{}') as { Subject?: string; Message?: string };
      return { subject: envelope.Subject ?? '', message: envelope.Message ?? '' };
    });
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.servers.values(), ...this.roleServers.values(), ...(this.fallback ? [this.fallback] : [])].map(
        (s) => s.close(),
      ),
    );
  }

  private async volume(tags: Record<string, string>): Promise<string> {
    const out = await this.clients.ec2(REGION).send(
      new CreateVolumeCommand({
        AvailabilityZone: `${REGION}a`,
        Size: 8,
        TagSpecifications: [{ ResourceType: 'volume', Tags: toTagList(tags) }],
      }),
    );
    return out.VolumeId ?? '';
  }
}
