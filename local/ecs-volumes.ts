// Emulator fixture: plays ECS's part that moto leaves out, so it calls the SDK directly.
import { CreateVolumeCommand } from '@aws-sdk/client-ec2';
import type { AllAwsClients } from '../lib/aws/all-clients';

interface RunTaskVolumeConfiguration {
  managedEBSVolume?: {
    snapshotId?: string;
    volumeType?: string;
    tagSpecifications?: { resourceType?: string; tags?: { key?: string; value?: string }[] }[];
  };
}

type Middleware = (
  next: (args: { input: unknown }) => Promise<unknown>,
  context: { commandName?: string },
) => (args: { input: unknown }) => Promise<unknown>;

/**
 * An SDK middleware for the ECS clients that creates, after each RunTask, the EBS volume ECS would
 * create from `volumeConfigurations` (moto ignores them): from the same snapshot, with the same
 * tags, so later steps (promote snapshots the sandbox's volume by its tags) find it.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ebs-volumes.html
 */
export function ecsVolumeStandIn(clients: () => AllAwsClients, region: string): Middleware {
  return (next, context) => async (args) => {
    const result = await next(args);
    if (context.commandName !== 'RunTaskCommand') return result;
    const input = args.input as { volumeConfigurations?: RunTaskVolumeConfiguration[] };
    for (const config of input.volumeConfigurations ?? []) {
      const volume = config.managedEBSVolume;
      if (volume?.snapshotId === undefined) continue;
      const tags = (volume.tagSpecifications ?? [])
        .filter((spec) => spec.resourceType === 'volume')
        .flatMap((spec) => spec.tags ?? [])
        .map((tag) => ({ Key: tag.key, Value: tag.value }));
      await clients()
        .ec2(region)
        .send(
          new CreateVolumeCommand({
            AvailabilityZone: `${region}a`,
            SnapshotId: volume.snapshotId,
            VolumeType: volume.volumeType as never,
            TagSpecifications: tags.length === 0 ? undefined : [{ ResourceType: 'volume', Tags: tags }],
          }),
        );
    }
    return result;
  };
}

/** A `decorate` hook for AllAwsClients that adds the ECS volume stand-in to every ECS client. */
export function withEcsVolumeStandIn(clients: () => AllAwsClients) {
  return (client: { middlewareStack: unknown }, service: string, region: string): void => {
    if (service !== 'ecs') return;
    (client.middlewareStack as { add(m: Middleware, o: { step: string; name: string }): void }).add(
      ecsVolumeStandIn(clients, region),
      { step: 'initialize', name: 'lifeboatEcsVolumeStandIn' },
    );
  };
}
