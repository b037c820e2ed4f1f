// Emulator fixture, not product code: it builds a site in moto the way an operator's own
// infrastructure code would in AWS, so it calls the SDK directly rather than through lib/aws adapters.
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
import { CreateDBInstanceCommand, CreateDBSubnetGroupCommand } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand } from '@aws-sdk/client-route-53';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import type { AllAwsClients } from '../lib/aws/all-clients';

/** What to provision: the reference WordPress site, named and placed as the caller wants. */
export interface SiteBlueprint {
  name: string;
  primaryRegion: string;
  drRegion: string;
  domain: string;
  /** The address the record points at before any recovery (the "production" task). */
  productionAddress: string;
  /** The operator's network, the only one the sandbox admits. */
  operatorCidr: string;
  catalogBucket: string;
}

/** The ids the emulator gave everything, enough to write the site's config and run lifeboat. */
export interface ProvisionedSite {
  blueprint: SiteBlueprint;
  vpcId: string;
  subnetIds: string[];
  securityGroupId: string;
  sandboxSecurityGroupId: string;
  /** The site database's group (MySQL from the site's tasks) and the sandbox database's (from the sandbox only). */
  dbSecurityGroupId: string;
  sandboxDbSecurityGroupId: string;
  volumeId: string;
  cluster: string;
  taskDefinition: string;
  containerName: string;
  volumeName: string;
  dbInstance: string;
  hostedZoneId: string;
  recordName: string;
  sandboxRecordName: string;
  catalogBucket: string;
  topicArn: string;
  tokenParameter: string;
  webhookToken: string;
  stateMachines: { recovery: string; promote: string; drill: string };
  infrastructureRoleArn: string;
}

/** Defaults for the reference site: blog on us-east-1, DR in us-west-2. */
export function referenceBlueprint(overrides: Partial<SiteBlueprint> = {}): SiteBlueprint {
  return {
    name: 'blog',
    primaryRegion: 'us-east-1',
    drRegion: 'us-west-2',
    domain: 'example.com',
    productionAddress: '198.51.100.10',
    operatorCidr: '203.0.113.0/24',
    catalogBucket: `lifeboat-catalog-${randomBytes(4).toString('hex')}`,
    ...overrides,
  };
}

/** moto's fixed account. */
const ACCOUNT = '123456789012';

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the emulator returned no ${what}`);
  return value;
}

async function network(clients: AllAwsClients, b: SiteBlueprint) {
  const ec2 = clients.ec2(b.primaryRegion);
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const vpcId = required(vpc.Vpc?.VpcId, 'VPC id');
  // moto answers RunTask with HTTP 500 in a VPC without DNS hostnames.
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
  const subnetIds: string[] = [];
  for (const [i, zone] of ['a', 'b'].entries()) {
    const subnet = await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: `10.0.${i + 1}.0/24`,
        AvailabilityZone: `${b.primaryRegion}${zone}`,
      }),
    );
    subnetIds.push(required(subnet.Subnet?.SubnetId, 'subnet id'));
  }
  const web = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: `${b.name}-web`, Description: 'site tasks', VpcId: vpcId }),
  );
  const sandbox = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: `${b.name}-sandbox`,
      Description: 'sandbox: operator network only',
      VpcId: vpcId,
    }),
  );
  const securityGroupId = required(web.GroupId, 'security group id');
  const sandboxSecurityGroupId = required(sandbox.GroupId, 'security group id');
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: sandboxSecurityGroupId,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: b.operatorCidr }] },
      ],
    }),
  );
  const mysqlFrom = async (name: string, description: string, from: string) => {
    const group = await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: `${b.name}-${name}`,
        Description: description,
        VpcId: vpcId,
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
  const dbSecurityGroupId = await mysqlFrom('db', 'site database: the site tasks only', securityGroupId);
  const sandboxDbSecurityGroupId = await mysqlFrom(
    'sandbox-db',
    'sandbox database: the sandbox only',
    sandboxSecurityGroupId,
  );
  return {
    vpcId,
    subnetIds,
    securityGroupId,
    sandboxSecurityGroupId,
    dbSecurityGroupId,
    sandboxDbSecurityGroupId,
  };
}

async function dataVolume(clients: AllAwsClients, b: SiteBlueprint): Promise<string> {
  const volume = await clients.ec2(b.primaryRegion).send(
    new CreateVolumeCommand({
      AvailabilityZone: `${b.primaryRegion}a`,
      Size: 20,
      VolumeType: 'gp3',
      TagSpecifications: [
        {
          ResourceType: 'volume',
          Tags: [
            { Key: 'lifeboat:site', Value: b.name },
            { Key: 'Name', Value: `${b.name}-wp-content` },
            { Key: 'Environment', Value: 'production' },
          ],
        },
      ],
    }),
  );
  return required(volume.VolumeId, 'volume id');
}

async function service(clients: AllAwsClients, b: SiteBlueprint) {
  const ecs = clients.ecs(b.primaryRegion);
  const cluster = b.name;
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const family = `${b.name}-wordpress`;
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
      // The volume is given its EBS snapshot at RunTask time (volumeConfigurations).
      volumes: [{ name: 'wp-content', configuredAtLaunch: true }],
    }),
  );
  return { cluster, taskDefinition: family, containerName: 'wordpress', volumeName: 'wp-content' };
}

async function database(
  clients: AllAwsClients,
  b: SiteBlueprint,
  net: { subnetIds: string[]; dbSecurityGroupId: string },
): Promise<string> {
  const id = `${b.name}-db`;
  const rds = clients.rds(b.primaryRegion);
  const subnetGroup = `${b.name}-db-subnets`;
  await rds.send(
    new CreateDBSubnetGroupCommand({
      DBSubnetGroupName: subnetGroup,
      DBSubnetGroupDescription: 'site database subnets',
      SubnetIds: net.subnetIds,
    }),
  );
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      Engine: 'mysql',
      DBInstanceClass: 'db.t3.micro',
      AllocatedStorage: 20,
      DBSubnetGroupName: subnetGroup,
      VpcSecurityGroupIds: [net.dbSecurityGroupId],
      // Automated backups (7 days) give the point-in-time restore window.
      BackupRetentionPeriod: 7,
      MasterUsername: 'wordpress',
      MasterUserPassword: randomBytes(12).toString('hex'),
      Tags: [
        { Key: 'lifeboat:site', Value: b.name },
        { Key: 'Name', Value: id },
      ],
    }),
  );
  return id;
}

async function dns(clients: AllAwsClients, b: SiteBlueprint) {
  const zone = await clients.route53().send(
    new CreateHostedZoneCommand({
      Name: b.domain,
      CallerReference: `lifeboat-${randomBytes(6).toString('hex')}`,
    }),
  );
  const hostedZoneId = required(zone.HostedZone?.Id, 'hosted zone id').replace('/hostedzone/', '');
  const recordName = `www.${b.domain}`;
  await clients.route53().send(
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
              ResourceRecords: [{ Value: b.productionAddress }],
            },
          },
        ],
      },
    }),
  );
  return { hostedZoneId, recordName, sandboxRecordName: `sandbox.${b.domain}` };
}

async function stateMachines(clients: AllAwsClients, b: SiteBlueprint) {
  // Stand-ins the triggers and the CLI start executions on; the local run executes the real
  // definitions in-process (moto records executions but does not run them).
  const arns: Record<string, string> = {};
  for (const kind of ['recovery', 'promote', 'drill']) {
    const out = await clients.sfn(b.primaryRegion).send(
      new CreateStateMachineCommand({
        name: `lifeboat-${kind}`,
        definition: JSON.stringify({ StartAt: 'RunLocally', States: { RunLocally: { Type: 'Succeed' } } }),
        roleArn: `arn:aws:iam::${ACCOUNT}:role/lifeboat-${kind}`,
      }),
    );
    arns[kind] = required(out.stateMachineArn, 'state machine ARN');
  }
  return {
    recovery: required(arns.recovery, 'recovery ARN'),
    promote: required(arns.promote, 'promote ARN'),
    drill: required(arns.drill, 'drill ARN'),
  };
}

/**
 * Provisions the reference site in the emulator: network (VPC with DNS hostnames, two subnets,
 * security groups), the tagged EBS data volume, the ECS cluster and task definition with a volume
 * configured at launch, the RDS instance, the hosted zone and record, the catalog bucket, the
 * webhook token in SSM, the SNS topic and stand-in state machines.
 */
export async function provisionSite(
  clients: AllAwsClients,
  blueprint: SiteBlueprint,
): Promise<ProvisionedSite> {
  const b = blueprint;
  const net = await network(clients, b);
  const volumeId = await dataVolume(clients, b);
  const svc = await service(clients, b);
  const dbInstance = await database(clients, b, net);
  const zone = await dns(clients, b);
  await clients.s3(b.primaryRegion).send(new CreateBucketCommand({ Bucket: b.catalogBucket }));
  const webhookToken = randomBytes(16).toString('hex');
  const tokenParameter = `/lifeboat/${b.name}/pingdom-token`;
  await clients
    .ssm(b.primaryRegion)
    .send(new PutParameterCommand({ Name: tokenParameter, Value: webhookToken, Type: 'SecureString' }));
  const topic = await clients
    .sns(b.primaryRegion)
    .send(new CreateTopicCommand({ Name: 'lifeboat-notifications' }));
  return {
    blueprint: b,
    ...net,
    volumeId,
    ...svc,
    dbInstance,
    ...zone,
    catalogBucket: b.catalogBucket,
    topicArn: required(topic.TopicArn, 'topic ARN'),
    tokenParameter,
    webhookToken,
    stateMachines: await stateMachines(clients, b),
    infrastructureRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsInfrastructureRole`,
  };
}
