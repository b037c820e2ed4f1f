import {
  DescribeNetworkInterfacesCommand,
  type EC2Client,
  paginateDescribeSecurityGroups,
} from '@aws-sdk/client-ec2';
import {
  DescribeTasksCommand,
  ECSClient,
  RunTaskCommand,
  type RunTaskCommandOutput,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { AwsCallError, TaskLaunchFailedError } from '../errors';
import type { GroupIngress, RunTaskRequest, TaskInfo, TaskPort } from '../recovery/ports';
import { fromEcsTagList, toEcsTagList } from '../tags/vocabulary';
import type { AwsClients } from './clients';
import { awsErrorCode, translateAwsError } from './errors';
import { required } from './required';

/** The ECSClient for a region, built once per process. */
export function ecsClient(clients: AwsClients, region: string): ECSClient {
  return clients.client('ecs', ECSClient, region);
}

function detail(task: Task, type: string, name: string): string | undefined {
  const attachment = task.attachments?.find((a) => a.type === type);
  return attachment?.details?.find((d) => d.name === name)?.value;
}

/** RunTask's `overrides` for the request's environment (the restored database's host), if any. */
function containerOverrides(request: RunTaskRequest) {
  const env = request.environment;
  if (env === undefined) return {};
  return {
    overrides: {
      containerOverrides: [
        {
          name: env.container,
          environment: Object.entries(env.variables).map(([name, value]) => ({ name, value })),
        },
      ],
    },
  };
}

/** ECS tasks in one region: run from a snapshot, describe (with addresses), stop. */
export class EcsAdapter implements TaskPort {
  constructor(
    private readonly ecs: ECSClient,
    private readonly ec2: EC2Client,
    readonly region: string,
  ) {}

  /**
   * Runs one Fargate task with its data volume created from `volume.snapshotId`. The volume is
   * kept when the task stops (deleteOnTermination false), so a stopped replacement stays evidence.
   * moto ignores volumeConfigurations: what real ECS requires of it is in lib/aws/REQUIREMENTS.md.
   * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ebs-volumes.html
   */
  async runTask(request: RunTaskRequest): Promise<TaskInfo> {
    let out: RunTaskCommandOutput;
    try {
      out = await this.ecs.send(
        new RunTaskCommand({
          cluster: request.cluster,
          taskDefinition: request.taskDefinition,
          launchType: 'FARGATE',
          count: 1,
          startedBy: request.startedBy,
          clientToken: request.clientToken,
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: request.subnets,
              securityGroups: request.securityGroups,
              assignPublicIp: request.assignPublicIp ? 'ENABLED' : 'DISABLED',
            },
          },
          volumeConfigurations: [
            {
              name: request.volume.name,
              managedEBSVolume: {
                snapshotId: request.volume.snapshotId,
                volumeType: request.volume.volumeType,
                iops: request.volume.iops,
                // Must be the snapshot's file system: ECS assumes xfs, and a mismatch stops the task.
                filesystemType: request.volume.filesystemType,
                // Valid only with a snapshotId; without it EBS loads blocks lazily from S3 on first read.
                volumeInitializationRate: request.volume.initializationRateMiBps,
                roleArn: request.volume.roleArn,
                terminationPolicy: { deleteOnTermination: false },
                tagSpecifications: [
                  { resourceType: 'volume', tags: toEcsTagList(request.volume.tags), propagateTags: 'NONE' },
                ],
              },
            },
          ],
          tags: toEcsTagList(request.tags),
          propagateTags: 'NONE',
          ...containerOverrides(request),
        }),
      );
    } catch (error) {
      throw translateAwsError(error, 'ECS RunTask', { region: this.region, cluster: request.cluster });
    }
    const task = out.tasks?.[0];
    if (task?.taskArn === undefined) {
      const reasons = (out.failures ?? []).map((f) => f.reason ?? 'unknown').join('; ');
      throw new TaskLaunchFailedError(`ECS RunTask started no task: ${reasons || 'no reason given'}`, {
        cluster: request.cluster,
        taskDefinition: request.taskDefinition,
      });
    }
    return this.toTaskInfo(task, request.cluster, 'ECS RunTask');
  }

  /** The task's status and addresses; the public IP is looked up on its ENI when it has one. */
  async describeTask(cluster: string, taskArn: string): Promise<TaskInfo> {
    let task: Task | undefined;
    try {
      const out = await this.ecs.send(
        new DescribeTasksCommand({ cluster, tasks: [taskArn], include: ['TAGS'] }),
      );
      task = out.tasks?.[0];
      // Just after RunTask ECS may not show the task yet (eventual consistency): it is still starting;
      // the health gate's deadline bounds one that never appears.
      // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html
      if (task === undefined && out.failures?.[0]?.reason === 'MISSING') {
        return { taskArn, cluster, lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING', tags: {} };
      }
    } catch (error) {
      throw translateAwsError(error, 'ECS DescribeTasks', { region: this.region, taskArn });
    }
    if (task === undefined) {
      throw new AwsCallError(`ECS does not know task ${taskArn}`, { region: this.region, taskArn });
    }
    const info = this.toTaskInfo(task, cluster, 'ECS DescribeTasks');
    const eniId = detail(task, 'ElasticNetworkInterface', 'networkInterfaceId');
    if (eniId !== undefined && task.lastStatus === 'RUNNING') {
      info.publicIp = await this.publicIpOf(eniId);
    }
    return info;
  }

  /** Stops a task. IAM allows this only on tasks tagged TAG.managed=true. */
  async stopTask(cluster: string, taskArn: string, reason: string): Promise<void> {
    try {
      // StopTask's reason is limited to 255 characters.
      await this.ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: reason.slice(0, 255) }));
    } catch (error) {
      throw translateAwsError(error, 'ECS StopTask', { region: this.region, taskArn });
    }
  }

  /** Who the tasks' security groups let in (the sandbox must admit only the operator's CIDR). */
  async ingressOf(groupIds: string[]): Promise<GroupIngress[]> {
    const groups: GroupIngress[] = [];
    const operation = 'EC2 DescribeSecurityGroups';
    try {
      for await (const page of paginateDescribeSecurityGroups({ client: this.ec2 }, { GroupIds: groupIds })) {
        for (const g of page.SecurityGroups ?? []) {
          const groupId = required(g.GroupId, `${operation}.GroupId`);
          const field = (name: string) => `${operation}.IpPermissions[].${name}`;
          const rules = g.IpPermissions ?? [];
          groups.push({
            groupId,
            cidrs: rules.flatMap((r) =>
              (r.IpRanges ?? []).map((x) => required(x.CidrIp, field('IpRanges[].CidrIp'), { groupId })),
            ),
            ipv6Cidrs: rules.flatMap((r) =>
              (r.Ipv6Ranges ?? []).map((x) =>
                required(x.CidrIpv6, field('Ipv6Ranges[].CidrIpv6'), { groupId }),
              ),
            ),
            prefixLists: rules.flatMap((r) =>
              (r.PrefixListIds ?? []).map((x) =>
                required(x.PrefixListId, field('PrefixListIds[].PrefixListId'), { groupId }),
              ),
            ),
          });
        }
      }
    } catch (error) {
      throw translateAwsError(error, operation, { region: this.region, groupIds });
    }
    return groups;
  }

  /**
   * ECS reports only the private address of a Fargate task; the public one sits on its ENI.
   * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html
   */
  private async publicIpOf(eniId: string): Promise<string | undefined> {
    try {
      const out = await this.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }));
      return out.NetworkInterfaces?.[0]?.Association?.PublicIp;
    } catch (error) {
      // EC2 may not show the task's ENI yet (or any more): no public address for now.
      if (awsErrorCode(error) === 'InvalidNetworkInterfaceID.NotFound') return undefined;
      throw translateAwsError(error, 'EC2 DescribeNetworkInterfaces', { region: this.region, eniId });
    }
  }

  private toTaskInfo(task: Task, cluster: string, operation: string): TaskInfo {
    const taskArn = required(task.taskArn, `${operation}.tasks[].taskArn`, { cluster });
    return {
      taskArn,
      cluster,
      lastStatus: required(task.lastStatus, `${operation}.tasks[].lastStatus`, { taskArn }),
      desiredStatus: required(task.desiredStatus, `${operation}.tasks[].desiredStatus`, { taskArn }),
      stoppedReason: task.stoppedReason,
      privateIp: detail(task, 'ElasticNetworkInterface', 'privateIPv4Address'),
      tags: fromEcsTagList(task.tags),
    };
  }
}
