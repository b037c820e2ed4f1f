// Emulator fixture, not product code: it builds sites in moto the way an operator's own
// infrastructure code would in AWS, so it calls the SDK directly rather than through lib/aws adapters.
// The demo, the integration and state machine tests and the benchmarks all seed through here.
import { randomBytes } from 'node:crypto';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import { CreateClusterCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateDBSubnetGroupCommand,
} from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand } from '@aws-sdk/client-route-53';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import type { AllAwsClients } from '../lib/aws/all-clients';
import { TAG, toTagList } from '../lib/tags/vocabulary';

/** moto's fixed account. */
export const MOTO_ACCOUNT = '123456789012';

export type DatabaseKind = 'instance' | 'cluster';

/** What a caller needs of one site in the emulator; everything but the name has a default. */
export interface SiteSeed {
  /** The site's name (a valid site and RDS name): it names everything seeded for it. */
  name: string;
  /** Default us-east-1. */
  primaryRegion?: string;
  /** Default us-west-2; nothing is seeded there, lifeboat copies into it. */
  drRegion?: string;
  /** How many EBS volumes tagged lifeboat:site=<name> the site protects (default 1). */
  volumes?: number;
  /** Size of each volume (default 8 GiB). */
  volumeSizeGiB?: number;
  /** Tags on each volume besides lifeboat:site and Name. */
  volumeTags?: Record<string, string>;
  /** The database the site protects, `<name>-db`: an RDS instance (default), an Aurora cluster, or none. */
  database?: DatabaseKind | false;
  /**
   * What a recovery launches into: a VPC with DNS hostnames, subnets, the site's and the sandbox's
   * security groups (the sandbox's open to `operatorCidr` only), an ECS cluster and task definition
   * (default: not seeded; the site's config then carries ids that exist nowhere). With a database,
   * the database is placed in the VPC too (SeededDatabase's groups and subnet group).
   */
  run?: boolean | { subnets?: number; operatorCidr?: string };
  /** A hosted zone for `domain` with `www.` and `sandbox.` names; the www A record only with `productionAddress`. */
  dns?: { domain: string; productionAddress?: string };
  /** A catalog bucket of this name. */
  catalogBucket?: string;
  /** The Pingdom webhook token as an SSM SecureString at /lifeboat/<name>/pingdom-token. */
  webhookToken?: boolean;
  /** An SNS topic for lifeboat's notifications, and an SQS queue subscribed to it to read them back. */
  notifications?: 'topic' | 'topic-and-queue';
  /** Stand-in recovery, promote and drill state machines that triggers and the CLI start executions on. */
  stateMachines?: boolean;
}

/** The network and ECS resources a recovery launches into. */
export interface SeededRun {
  vpcId: string;
  subnetIds: string[];
  securityGroupId: string;
  sandboxSecurityGroupId: string;
  operatorCidr: string;
  cluster: string;
  taskDefinition: string;
  containerName: string;
  /** The task definition's volume configured at launch (given its snapshot at RunTask time). */
  volumeName: string;
  infrastructureRoleArn: string;
}

export interface SeededDns {
  hostedZoneId: string;
  domain: string;
  recordName: string;
  sandboxRecordName: string;
  /** The address the record points at before any recovery, when it was created. */
  productionAddress?: string;
}

export interface StateMachineArns {
  recovery: string;
  promote: string;
  drill: string;
}

/**
 * The site's database; seeded with the site's network, it is in the VPC: a subnet group, its own
 * security group (MySQL from the site's tasks only) and the sandbox database's (from the sandbox only).
 */
export interface SeededDatabase {
  kind: DatabaseKind;
  id: string;
  subnetGroup?: string;
  securityGroupId?: string;
  sandboxSecurityGroupId?: string;
}

/** The ids the emulator gave what was seeded, enough to write the site's config and run lifeboat. */
export interface SeededSite {
  name: string;
  primaryRegion: string;
  drRegion: string;
  volumeIds: string[];
  database?: SeededDatabase;
  run?: SeededRun;
  dns?: SeededDns;
  catalogBucket?: string;
  webhook?: { tokenParameter: string; token: string };
  notifications?: { topicArn: string; queueUrl?: string };
  stateMachines?: StateMachineArns;
}

const DEFAULTS = {
  primaryRegion: 'us-east-1',
  drRegion: 'us-west-2',
  volumes: 1,
  volumeSizeGiB: 8,
  database: 'instance',
  subnets: 2,
  operatorCidr: '203.0.113.0/24',
} as const;

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the emulator returned no ${what}`);
  return value;
}

/** Creates one EBS volume with `tags` in the region's first zone. */
export async function seedVolume(
  clients: AllAwsClients,
  region: string,
  tags: Record<string, string>,
  sizeGiB: number = DEFAULTS.volumeSizeGiB,
): Promise<string> {
  const out = await clients.ec2(region).send(
    new CreateVolumeCommand({
      AvailabilityZone: `${region}a`,
      Size: sizeGiB,
      VolumeType: 'gp3',
      TagSpecifications: [{ ResourceType: 'volume', Tags: toTagList(tags) }],
    }),
  );
  return required(out.VolumeId, 'volume id');
}

/**
 * Creates a MySQL RDS instance or an Aurora MySQL cluster `id` tagged with `tags` (and Name);
 * with `network`, in that subnet group and security group.
 */
export async function seedDatabase(
  clients: AllAwsClients,
  region: string,
  id: string,
  options: {
    kind?: DatabaseKind;
    tags?: Record<string, string>;
    network?: { subnetGroup: string; securityGroupId: string };
  } = {},
): Promise<string> {
  const common = {
    MasterUsername: 'wordpress',
    MasterUserPassword: randomBytes(12).toString('hex'),
    Tags: toTagList({ Name: id, ...options.tags }),
    ...(options.network === undefined
      ? {}
      : {
          DBSubnetGroupName: options.network.subnetGroup,
          VpcSecurityGroupIds: [options.network.securityGroupId],
          // Automated backups (7 days) give the point-in-time restore window.
          BackupRetentionPeriod: 7,
        }),
  };
  const rds = clients.rds(region);
  if (options.kind === 'cluster')
    await rds.send(
      new CreateDBClusterCommand({ DBClusterIdentifier: id, Engine: 'aurora-mysql', ...common }),
    );
  else
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: id,
        Engine: 'mysql',
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: 20,
        ...common,
      }),
    );
  return id;
}

/** A VPC with DNS hostnames, `subnets` subnets, and the site's and sandbox's security groups. */
async function seedNetwork(
  clients: AllAwsClients,
  region: string,
  name: string,
  options: { subnets: number; operatorCidr: string },
) {
  const ec2 = clients.ec2(region);
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const vpcId = required(vpc.Vpc?.VpcId, 'VPC id');
  // moto answers RunTask with HTTP 500 in a VPC without DNS hostnames.
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
  const subnetIds: string[] = [];
  for (let i = 0; i < options.subnets; i += 1) {
    const subnet = await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: `10.0.${i + 1}.0/24`,
        AvailabilityZone: `${region}${String.fromCharCode(97 + (i % 3))}`,
      }),
    );
    subnetIds.push(required(subnet.Subnet?.SubnetId, 'subnet id'));
  }
  const group = async (suffix: string, description: string) =>
    required(
      (
        await ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: `${name}-${suffix}`,
            Description: description,
            VpcId: vpcId,
          }),
        )
      ).GroupId,
      'security group id',
    );
  const securityGroupId = await group('web', 'site tasks');
  const sandboxSecurityGroupId = await group('sandbox', 'sandbox: operator network only');
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: sandboxSecurityGroupId,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: options.operatorCidr }] },
      ],
    }),
  );
  return { vpcId, subnetIds, securityGroupId, sandboxSecurityGroupId, operatorCidr: options.operatorCidr };
}

/**
 * The database's place in the site's VPC: a subnet group over its subnets, the database's group
 * (MySQL from the site's tasks only) and the sandbox database's (MySQL from the sandbox only).
 */
async function seedDatabaseNetwork(
  clients: AllAwsClients,
  region: string,
  name: string,
  net: { vpcId: string; subnetIds: string[]; securityGroupId: string; sandboxSecurityGroupId: string },
) {
  const ec2 = clients.ec2(region);
  const mysqlFrom = async (suffix: string, description: string, from: string) => {
    const group = await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: `${name}-${suffix}`,
        Description: description,
        VpcId: net.vpcId,
      }),
    );
    const groupId = required(group.GroupId, 'security group id');
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, UserIdGroupPairs: [{ GroupId: from }] },
        ],
      }),
    );
    return groupId;
  };
  const securityGroupId = await mysqlFrom('db', 'site database: the site tasks only', net.securityGroupId);
  const sandboxSecurityGroupId = await mysqlFrom(
    'sandbox-db',
    'sandbox database: the sandbox only',
    net.sandboxSecurityGroupId,
  );
  const subnetGroup = `${name}-db-subnets`;
  await clients.rds(region).send(
    new CreateDBSubnetGroupCommand({
      DBSubnetGroupName: subnetGroup,
      DBSubnetGroupDescription: 'site database subnets',
      SubnetIds: net.subnetIds,
    }),
  );
  return { subnetGroup, securityGroupId, sandboxSecurityGroupId };
}

/** The ECS cluster `<name>` and the WordPress task definition `<name>-wordpress`. */
async function seedService(clients: AllAwsClients, region: string, name: string) {
  const ecs = clients.ecs(region);
  await ecs.send(new CreateClusterCommand({ clusterName: name }));
  const family = `${name}-wordpress`;
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '512',
      memory: '1024',
      containerDefinitions: [
        {
          name: 'wordpress',
          image: 'public.ecr.aws/docker/library/wordpress:6',
          // moto answers RunTask with HTTP 500 for a container without memory.
          memory: 1024,
          essential: true,
          portMappings: [{ containerPort: 80, protocol: 'tcp' }],
          mountPoints: [{ sourceVolume: 'wp-content', containerPath: '/var/www/html/wp-content' }],
        },
      ],
      volumes: [{ name: 'wp-content', configuredAtLaunch: true }],
    }),
  );
  return {
    cluster: name,
    taskDefinition: family,
    containerName: 'wordpress',
    volumeName: 'wp-content',
    infrastructureRoleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/ecsInfrastructureRole`,
  };
}

/** A hosted zone for `domain`; with `productionAddress`, the www A record pointing at it. */
export async function seedZone(
  clients: AllAwsClients,
  domain: string,
  productionAddress?: string,
): Promise<SeededDns> {
  const route53 = clients.route53();
  const zone = await route53.send(
    new CreateHostedZoneCommand({
      Name: domain,
      CallerReference: `lifeboat-${randomBytes(6).toString('hex')}`,
    }),
  );
  const hostedZoneId = required(zone.HostedZone?.Id, 'hosted zone id').replace('/hostedzone/', '');
  const recordName = `www.${domain}`;
  if (productionAddress !== undefined)
    await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: hostedZoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: recordName,
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: productionAddress }],
              },
            },
          ],
        },
      }),
    );
  return { hostedZoneId, domain, recordName, sandboxRecordName: `sandbox.${domain}`, productionAddress };
}

/** Creates the S3 bucket `bucket` (the catalog), in `region` or the clients' default. */
export async function seedCatalogBucket(
  clients: AllAwsClients,
  bucket: string,
  region?: string,
): Promise<string> {
  await clients.s3(region).send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Stores the Pingdom webhook token as an SSM SecureString at `parameter`. */
export async function seedWebhookToken(
  clients: AllAwsClients,
  region: string,
  parameter: string,
  token: string = randomBytes(16).toString('hex'),
): Promise<{ tokenParameter: string; token: string }> {
  await clients
    .ssm(region)
    .send(new PutParameterCommand({ Name: parameter, Value: token, Type: 'SecureString' }));
  return { tokenParameter: parameter, token };
}

/** An SNS topic `name`; with `queue`, an SQS queue subscribed to it so what is published can be read back. */
export async function seedTopic(
  clients: AllAwsClients,
  region: string,
  name: string,
  options: { queue?: boolean } = {},
): Promise<{ topicArn: string; queueUrl?: string }> {
  const topic = await clients.sns(region).send(new CreateTopicCommand({ Name: name }));
  const topicArn = required(topic.TopicArn, 'topic ARN');
  if (options.queue !== true) return { topicArn };
  const sqs = clients.sqs(region);
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-read` }));
  const queueUrl = required(queue.QueueUrl, 'queue URL');
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await clients
    .sns(region)
    .send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: attrs.Attributes?.QueueArn }),
    );
  return { topicArn, queueUrl };
}

/** A state machine `name` that succeeds at once (moto records executions but does not run them). */
export async function seedStandInStateMachine(
  clients: AllAwsClients,
  region: string,
  name: string,
): Promise<string> {
  const out = await clients.sfn(region).send(
    new CreateStateMachineCommand({
      name,
      definition: JSON.stringify({ StartAt: 'RunLocally', States: { RunLocally: { Type: 'Succeed' } } }),
      roleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/${name}`,
    }),
  );
  return required(out.stateMachineArn, 'state machine ARN');
}

/** Runs a task now or when one of its slots is free. */
type Runner = <T>(task: () => Promise<T>) => Promise<T>;

/** A Runner with at most `slots` tasks in flight, the rest started in the order they came. */
function limiter(slots: number): Runner {
  const waiting: (() => void)[] = [];
  let running = 0;
  return async (task) => {
    if (running < slots) running += 1;
    // Otherwise wait for a finishing task to hand its slot over.
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next === undefined) running -= 1;
      else next();
    }
  };
}

/**
 * Seeds one site in the emulator: its tagged EBS volumes (named `<name>-wp-content`, `-2`, ...)
 * and database, and whatever else `seed` asks for (network and ECS, DNS, catalog bucket, webhook
 * token, notification topic, stand-in state machines).
 */
export async function seedSite(clients: AllAwsClients, seed: SiteSeed): Promise<SeededSite> {
  // One call at a time, so the volume ids are in creation order (the order moto lists them in).
  return seedSiteWith(clients, seed, limiter(1));
}

/**
 * Seeds many sites with at most `parallel` requests in flight across all of them (moto serves
 * concurrent requests; the bench's thousands of volumes go through this); the result is in the
 * order of `seeds`.
 */
export async function seedSites(
  clients: AllAwsClients,
  seeds: SiteSeed[],
  options: { parallel?: number } = {},
): Promise<SeededSite[]> {
  const run = limiter(options.parallel ?? 16);
  return Promise.all(seeds.map((seed) => seedSiteWith(clients, seed, run)));
}

async function seedSiteWith(clients: AllAwsClients, seed: SiteSeed, run: Runner): Promise<SeededSite> {
  const { name } = seed;
  const region = seed.primaryRegion ?? DEFAULTS.primaryRegion;
  const volumes = Array.from({ length: seed.volumes ?? DEFAULTS.volumes }, (_, i) =>
    run(() =>
      seedVolume(
        clients,
        region,
        { ...seed.volumeTags, [TAG.site]: name, Name: `${name}-wp-content${i === 0 ? '' : `-${i + 1}`}` },
        seed.volumeSizeGiB,
      ),
    ),
  );
  const site: SeededSite = {
    name,
    primaryRegion: region,
    drRegion: seed.drRegion ?? DEFAULTS.drRegion,
    volumeIds: await Promise.all(volumes),
  };
  const kind = seed.database ?? DEFAULTS.database;
  // The network first: a database seeded with it goes into its VPC.
  const runOptions = seed.run === true ? {} : seed.run === false ? undefined : seed.run;
  const network =
    runOptions === undefined
      ? undefined
      : await run(() =>
          seedNetwork(clients, region, name, {
            subnets: runOptions.subnets ?? DEFAULTS.subnets,
            operatorCidr: runOptions.operatorCidr ?? DEFAULTS.operatorCidr,
          }),
        );
  if (kind !== false) {
    const place =
      network === undefined
        ? undefined
        : await run(() => seedDatabaseNetwork(clients, region, name, network));
    const id = await run(() =>
      seedDatabase(clients, region, `${name}-db`, {
        kind,
        tags: { [TAG.site]: name },
        ...(place === undefined ? {} : { network: place }),
      }),
    );
    site.database = { kind, id, ...place };
  }
  if (network !== undefined)
    site.run = { ...network, ...(await run(() => seedService(clients, region, name))) };
  const { dns, catalogBucket, notifications } = seed;
  if (dns !== undefined) site.dns = await run(() => seedZone(clients, dns.domain, dns.productionAddress));
  if (catalogBucket !== undefined)
    site.catalogBucket = await run(() => seedCatalogBucket(clients, catalogBucket, region));
  if (seed.webhookToken === true)
    site.webhook = await run(() => seedWebhookToken(clients, region, `/lifeboat/${name}/pingdom-token`));
  if (notifications !== undefined)
    site.notifications = await run(() =>
      seedTopic(clients, region, `lifeboat-${name}-notifications`, {
        queue: notifications === 'topic-and-queue',
      }),
    );
  if (seed.stateMachines === true) {
    const machine = (kind: string) =>
      run(() => seedStandInStateMachine(clients, region, `lifeboat-${name}-${kind}`));
    site.stateMachines = {
      recovery: await machine('recovery'),
      promote: await machine('promote'),
      drill: await machine('drill'),
    };
  }
  return site;
}
