import {
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { DescribeTasksCommand, ECSClient, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { EcsAdapter } from '../../../lib/aws/ecs';
import { AwsCallError, TaskLaunchFailedError, ThrottledError } from '../../../lib/errors';
import { runTaskRequest, withDatabase } from '../../../lib/recovery/launch-task';
import { buildSite } from '../../support/builders';

const ecsMock = mockClient(ECSClient);
const ec2Mock = mockClient(EC2Client);
const TASK_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/blog/0a1b2c';

describe('EcsAdapter', () => {
  const adapter = new EcsAdapter(
    new ECSClient({ region: 'us-east-1' }),
    new EC2Client({ region: 'us-east-1' }),
    'us-east-1',
  );
  const site = buildSite();
  const candidate = {
    backupId: '20261122t020000z-scheduled',
    snapshotId: 'snap-0abc',
    takenAt: '',
    drilled: false,
  };

  beforeEach(() => {
    ecsMock.reset();
    ec2Mock.reset();
  });

  it('runs a Fargate task whose volume ECS creates from the snapshot and keeps after the task stops (moto drops this)', async () => {
    ecsMock
      .on(RunTaskCommand)
      .resolves({ tasks: [{ taskArn: TASK_ARN, lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING' }] });

    const task = await adapter.runTask(
      runTaskRequest(site, '20261122t093900z-1a2b3c4d', 'replacement', candidate, 'prod'),
    );

    expect(task).toMatchObject({ taskArn: TASK_ARN, cluster: 'blog', lastStatus: 'PROVISIONING' });
    expect(ecsMock).toHaveReceivedCommandWith(RunTaskCommand, {
      cluster: 'blog',
      taskDefinition: 'blog-wordpress',
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-0123456789abcdef0'],
          securityGroups: ['sg-0123456789abcdef0'],
          assignPublicIp: 'ENABLED',
        },
      },
      volumeConfigurations: [
        {
          name: 'wp-content',
          managedEBSVolume: expect.objectContaining({
            snapshotId: 'snap-0abc',
            volumeType: 'gp3',
            roleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRole',
            terminationPolicy: { deleteOnTermination: false },
            tagSpecifications: [
              expect.objectContaining({
                resourceType: 'volume',
                tags: expect.arrayContaining([{ key: 'lifeboat:managed', value: 'true' }]),
              }),
            ],
          }),
        },
      ],
      tags: expect.arrayContaining([
        { key: 'lifeboat:managed', value: 'true' },
        { key: 'lifeboat:site', value: 'blog' },
        { key: 'lifeboat:role', value: 'replacement' },
        { key: 'lifeboat:backup-id', value: candidate.backupId },
      ]),
      clientToken: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  // moto ignores volumeConfigurations; these assert what real ECS requires of it.
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskManagedEBSVolumeConfiguration.html
  it.each(['replacement', 'sandbox', 'final', 'drill'] as const)(
    'RunTask (%s) names the snapshot file system, since ECS assumes xfs and an ext4 snapshot would not start',
    async (role) => {
      ecsMock
        .on(RunTaskCommand)
        .resolves({ tasks: [{ taskArn: TASK_ARN, lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING' }] });

      await adapter.runTask(runTaskRequest(site, '20261122t093900z-1a2b3c4d', role, candidate, 'prod'));

      expect(ecsMock).toHaveReceivedCommandWith(RunTaskCommand, {
        volumeConfigurations: [
          {
            name: 'wp-content',
            managedEBSVolume: expect.objectContaining({ snapshotId: 'snap-0abc', filesystemType: 'ext4' }),
          },
        ],
      });
    },
  );

  it.each(['replacement', 'sandbox', 'final', 'drill'] as const)(
    'RunTask (%s) sets the volume initialization rate, else the restored volume is lazy-loaded from S3',
    async (role) => {
      ecsMock
        .on(RunTaskCommand)
        .resolves({ tasks: [{ taskArn: TASK_ARN, lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING' }] });

      await adapter.runTask(runTaskRequest(site, '20261122t093900z-1a2b3c4d', role, candidate, 'prod'));

      expect(ecsMock).toHaveReceivedCommandWith(RunTaskCommand, {
        volumeConfigurations: [
          {
            name: 'wp-content',
            managedEBSVolume: expect.objectContaining({ volumeInitializationRate: 200 }),
          },
        ],
      });
    },
  );

  it('RunTask sends no volume initialization rate when the site sets none (EBS default rate)', async () => {
    ecsMock
      .on(RunTaskCommand)
      .resolves({ tasks: [{ taskArn: TASK_ARN, lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING' }] });
    const xfsSite = buildSite({
      run: { ...site.run, volumeFilesystemType: 'xfs', volumeInitializationRateMiBps: undefined },
    });

    await adapter.runTask(
      runTaskRequest(xfsSite, '20261122t093900z-1a2b3c4d', 'replacement', candidate, 'prod'),
    );

    const volume = ecsMock.commandCalls(RunTaskCommand)[0]?.args[0].input.volumeConfigurations?.[0];
    expect(volume?.managedEBSVolume?.filesystemType).toBe('xfs');
    expect(volume?.managedEBSVolume).not.toHaveProperty('volumeInitializationRate', expect.anything());
  });

  it('RunTask gives an io2 volume its IOPS, which EBS requires for io1 and io2', async () => {
    ecsMock
      .on(RunTaskCommand)
      .resolves({ tasks: [{ taskArn: TASK_ARN, lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING' }] });
    const io2Site = buildSite({ run: { ...site.run, volumeType: 'io2', volumeIops: 4000 } });

    await adapter.runTask(
      runTaskRequest(io2Site, '20261122t093900z-1a2b3c4d', 'replacement', candidate, 'prod'),
    );

    expect(ecsMock).toHaveReceivedCommandWith(RunTaskCommand, {
      volumeConfigurations: [
        {
          name: 'wp-content',
          managedEBSVolume: expect.objectContaining({ volumeType: 'io2', iops: 4000 }),
        },
      ],
    });
  });

  it('RunTask passes the infrastructure role and tags the volume itself (RunTask cannot propagate tags to it)', async () => {
    ecsMock
      .on(RunTaskCommand)
      .resolves({ tasks: [{ taskArn: TASK_ARN, lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING' }] });

    await adapter.runTask(runTaskRequest(site, '20261122t093900z-1a2b3c4d', 'sandbox', candidate, 'prod'));

    const volume = ecsMock.commandCalls(RunTaskCommand)[0]?.args[0].input.volumeConfigurations?.[0];
    expect(volume?.managedEBSVolume?.roleArn).toBe(site.run.infrastructureRoleArn);
    expect(volume?.managedEBSVolume?.tagSpecifications).toEqual([
      {
        resourceType: 'volume',
        propagateTags: 'NONE',
        tags: expect.arrayContaining([
          { key: 'lifeboat:managed', value: 'true' },
          { key: 'lifeboat:role', value: 'sandbox' },
        ]),
      },
    ]);
    const keys = volume?.managedEBSVolume?.tagSpecifications?.[0]?.tags?.map((t) => t.key) ?? [];
    // AmazonECSCreated and AmazonECSManaged are reserved; aws: keys are refused everywhere.
    expect(
      keys.filter((k) => k === 'AmazonECSCreated' || k === 'AmazonECSManaged' || k?.startsWith('aws:')),
    ).toEqual([]);
  });

  it.each(['replacement', 'sandbox', 'final', 'drill'] as const)(
    'RunTask (%s) sends a startedBy, clientToken and tags within what ECS accepts',
    async (role) => {
      ecsMock
        .on(RunTaskCommand)
        .resolves({ tasks: [{ taskArn: TASK_ARN, lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING' }] });

      await adapter.runTask(runTaskRequest(site, '20261122t093900z-1a2b3c4d', role, candidate, 'prod'));

      const input = ecsMock.commandCalls(RunTaskCommand)[0]?.args[0].input;
      // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html
      expect(input?.startedBy).toMatch(/^[A-Za-z0-9/_-]{1,36}$/);
      expect(input?.clientToken).toMatch(/^[\x21-\x7e]{1,64}$/);
      const tags = input?.tags ?? [];
      expect(tags.length).toBeLessThanOrEqual(50);
      for (const tag of tags) {
        expect(tag.key?.length).toBeLessThanOrEqual(128);
        expect(tag.value?.length).toBeLessThanOrEqual(256);
        expect(tag.key?.toLowerCase().startsWith('aws:')).toBe(false);
      }
    },
  );

  it('launches the sandbox behind the sandbox security groups', async () => {
    ecsMock
      .on(RunTaskCommand)
      .resolves({ tasks: [{ taskArn: TASK_ARN, lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING' }] });

    await adapter.runTask(runTaskRequest(site, '20261122t093900z-1a2b3c4d', 'sandbox', candidate, 'prod'));

    expect(
      ecsMock.commandCalls(RunTaskCommand)[0]?.args[0].input.networkConfiguration?.awsvpcConfiguration,
    ).toEqual({
      subnets: ['subnet-0123456789abcdef0'],
      securityGroups: ['sg-0fedcba9876543210'],
      assignPublicIp: 'ENABLED',
    });
  });

  it('starts a task against a restored database by overriding the container DB host variable, the task definition unchanged', async () => {
    ecsMock
      .on(RunTaskCommand)
      .resolves({ tasks: [{ taskArn: TASK_ARN, lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING' }] });
    const database = {
      role: 'replacement' as const,
      backupId: candidate.backupId,
      kind: 'rds-instance' as const,
      identifier: 'lifeboat-blog-replacement-0a1b2c',
      method: 'snapshot' as const,
      startedAt: '2026-11-22T09:40:00.000Z',
      address: 'lifeboat-blog-replacement-0a1b2c.c0ffee.us-east-1.rds.amazonaws.com',
    };

    await adapter.runTask(
      withDatabase(
        runTaskRequest(site, '20261122t093900z-1a2b3c4d', 'replacement', candidate, 'prod'),
        site,
        database,
      ),
    );

    expect(ecsMock).toHaveReceivedCommandWith(RunTaskCommand, {
      taskDefinition: 'blog-wordpress',
      overrides: {
        containerOverrides: [
          {
            name: 'wordpress',
            environment: [{ name: 'WORDPRESS_DB_HOST', value: database.address }],
          },
        ],
      },
    });
  });

  it('sends no overrides when the live database is kept', async () => {
    ecsMock
      .on(RunTaskCommand)
      .resolves({ tasks: [{ taskArn: TASK_ARN, lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING' }] });

    await adapter.runTask(
      withDatabase(
        runTaskRequest(site, '20261122t093900z-1a2b3c4d', 'replacement', candidate, 'prod'),
        site,
        {
          method: 'keep',
        },
      ),
    );

    expect(ecsMock.commandCalls(RunTaskCommand)[0]?.args[0].input.overrides).toBeUndefined();
  });

  it('turns a RunTask that started nothing into TaskLaunchFailedError with ECS reasons', async () => {
    ecsMock.on(RunTaskCommand).resolves({ tasks: [], failures: [{ reason: 'RESOURCE:ENI' }] });

    await expect(
      adapter.runTask(runTaskRequest(site, '20261122t093900z-1a2b3c4d', 'replacement', candidate, 'prod')),
    ).rejects.toThrow(new TaskLaunchFailedError('ECS RunTask started no task: RESOURCE:ENI'));
  });

  it('turns throttling into ThrottledError (the state machine retries it)', async () => {
    ecsMock
      .on(RunTaskCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    await expect(
      adapter.runTask(runTaskRequest(site, '20261122t093900z-1a2b3c4d', 'replacement', candidate, 'prod')),
    ).rejects.toBeInstanceOf(ThrottledError);
  });

  it('reads the private address from the ENI attachment and the public one from the ENI', async () => {
    ecsMock.on(DescribeTasksCommand).resolves({
      tasks: [
        {
          taskArn: TASK_ARN,
          lastStatus: 'RUNNING',
          desiredStatus: 'RUNNING',
          attachments: [
            {
              type: 'ElasticNetworkInterface',
              details: [
                { name: 'networkInterfaceId', value: 'eni-0abc' },
                { name: 'privateIPv4Address', value: '10.0.1.7' },
              ],
            },
          ],
          tags: [{ key: 'lifeboat:role', value: 'replacement' }],
        },
      ],
    });
    ec2Mock
      .on(DescribeNetworkInterfacesCommand, { NetworkInterfaceIds: ['eni-0abc'] })
      .resolves({ NetworkInterfaces: [{ Association: { PublicIp: '198.51.100.7' } }] });

    const task = await adapter.describeTask('blog', TASK_ARN);

    expect(task).toEqual({
      taskArn: TASK_ARN,
      cluster: 'blog',
      lastStatus: 'RUNNING',
      desiredStatus: 'RUNNING',
      privateIp: '10.0.1.7',
      publicIp: '198.51.100.7',
      stoppedReason: undefined,
      tags: { 'lifeboat:role': 'replacement' },
    });
  });

  it('stops a task with a reason ECS accepts (at most 255 characters)', async () => {
    ecsMock.on(StopTaskCommand).resolves({});

    await adapter.stopTask('blog', TASK_ARN, 'x'.repeat(300));

    expect(ecsMock.commandCalls(StopTaskCommand)[0]?.args[0].input).toEqual({
      cluster: 'blog',
      task: TASK_ARN,
      reason: 'x'.repeat(255),
    });
  });

  it('lists who each security group lets in, page by page', async () => {
    ec2Mock
      .on(DescribeSecurityGroupsCommand)
      .resolvesOnce({
        SecurityGroups: [{ GroupId: 'sg-1', IpPermissions: [{ IpRanges: [{ CidrIp: '203.0.113.0/24' }] }] }],
        NextToken: 'p2',
      })
      .resolves({
        SecurityGroups: [
          {
            GroupId: 'sg-2',
            IpPermissions: [
              { Ipv6Ranges: [{ CidrIpv6: '::/0' }], PrefixListIds: [{ PrefixListId: 'pl-1' }] },
            ],
          },
        ],
      });

    const ingress = await adapter.ingressOf(['sg-1', 'sg-2']);

    expect(ingress).toEqual([
      { groupId: 'sg-1', cidrs: ['203.0.113.0/24'], ipv6Cidrs: [], prefixLists: [] },
      { groupId: 'sg-2', cidrs: [], ipv6Cidrs: ['::/0'], prefixLists: ['pl-1'] },
    ]);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(2);
  });

  describe('an answer without a field AWS always sends is an error naming the call and the field', () => {
    it.each([
      {
        call: 'ECS DescribeTasks',
        field: 'tasks[].lastStatus',
        arrange: () =>
          ecsMock
            .on(DescribeTasksCommand)
            .resolves({ tasks: [{ taskArn: TASK_ARN, desiredStatus: 'RUNNING' }] }),
        act: () => adapter.describeTask('blog', TASK_ARN),
      },
      {
        call: 'ECS RunTask',
        field: 'tasks[].desiredStatus',
        arrange: () =>
          ecsMock.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN, lastStatus: 'PROVISIONING' }] }),
        act: () =>
          adapter.runTask(
            runTaskRequest(site, '20261122t093900z-1a2b3c4d', 'replacement', candidate, 'prod'),
          ),
      },
      {
        call: 'EC2 DescribeSecurityGroups',
        field: 'IpPermissions[].IpRanges[].CidrIp',
        arrange: () =>
          ec2Mock.on(DescribeSecurityGroupsCommand).resolves({
            SecurityGroups: [{ GroupId: 'sg-1', IpPermissions: [{ IpRanges: [{ Description: 'office' }] }] }],
          }),
        act: () => adapter.ingressOf(['sg-1']),
      },
    ])('$call without $field', async ({ call, field, arrange, act }) => {
      arrange();

      const error = await act().catch((e: unknown) => e);

      expect(error).toBeInstanceOf(AwsCallError);
      expect(error).toMatchObject({
        message: `${call} answered without ${field}`,
        context: expect.objectContaining({ operation: call, field }),
      });
    });
  });
});

// Eventual consistency moto never shows (lib/aws/REQUIREMENTS.md).
describe('EcsAdapter right after RunTask', () => {
  const adapter = new EcsAdapter(
    new ECSClient({ region: 'us-east-1' }),
    new EC2Client({ region: 'us-east-1' }),
    'us-east-1',
  );

  beforeEach(() => {
    ecsMock.reset();
    ec2Mock.reset();
  });

  it('reads a task ECS does not show yet (MISSING right after RunTask) as PROVISIONING', async () => {
    ecsMock
      .on(DescribeTasksCommand)
      .resolves({ tasks: [], failures: [{ arn: TASK_ARN, reason: 'MISSING' }] });

    await expect(adapter.describeTask('blog', TASK_ARN)).resolves.toMatchObject({
      taskArn: TASK_ARN,
      lastStatus: 'PROVISIONING',
    });
  });

  it("has no public IP yet while EC2 does not show the task's ENI", async () => {
    ecsMock.on(DescribeTasksCommand).resolves({
      tasks: [
        {
          taskArn: TASK_ARN,
          lastStatus: 'RUNNING',
          desiredStatus: 'RUNNING',
          attachments: [
            {
              type: 'ElasticNetworkInterface',
              details: [
                { name: 'networkInterfaceId', value: 'eni-1' },
                { name: 'privateIPv4Address', value: '10.0.1.5' },
              ],
            },
          ],
        },
      ],
    });
    ec2Mock.on(DescribeNetworkInterfacesCommand).rejects(
      Object.assign(new Error('no such ENI'), {
        name: 'InvalidNetworkInterfaceID.NotFound',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const task = await adapter.describeTask('blog', TASK_ARN);

    expect(task.privateIp).toBe('10.0.1.5');
    expect(task.publicIp).toBeUndefined();
  });
});
