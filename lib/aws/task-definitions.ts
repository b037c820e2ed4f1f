import { DescribeTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { TaskDefinitionInfo } from '../readiness/ports';
import { awsErrorCode, translateAwsError } from './errors';

/** ECS task definitions in one region, read for the readiness check. */
export class TaskDefinitionReader {
  constructor(
    private readonly ecs: ECSClient,
    readonly region: string,
  ) {}

  /**
   * The task definition (family, family:revision or ARN) with its volumes and container ports, or
   * undefined if ECS does not know it (ClientException "Unable to describe task definition").
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html
   */
  async describe(reference: string): Promise<TaskDefinitionInfo | undefined> {
    try {
      const out = await this.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: reference }));
      const td = out.taskDefinition;
      if (td === undefined) return undefined;
      return {
        arn: td.taskDefinitionArn ?? reference,
        status: td.status ?? 'ACTIVE',
        compatibilities: [...new Set([...(td.compatibilities ?? []), ...(td.requiresCompatibilities ?? [])])],
        volumes: (td.volumes ?? []).map((v) => ({
          name: v.name ?? '',
          configuredAtLaunch: v.configuredAtLaunch === true,
        })),
        containers: (td.containerDefinitions ?? []).map((c) => ({
          name: c.name ?? '',
          containerPorts: (c.portMappings ?? [])
            .map((p) => p.containerPort)
            .filter((p): p is number => p !== undefined),
        })),
      };
    } catch (error) {
      if (
        awsErrorCode(error) === 'ClientException' &&
        /unable to describe|not found|does not exist/i.test(String((error as Error).message))
      ) {
        return undefined;
      }
      throw translateAwsError(error, 'ECS DescribeTaskDefinition', { region: this.region, reference });
    }
  }
}
