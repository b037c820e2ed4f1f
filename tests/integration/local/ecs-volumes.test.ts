import { CreateSnapshotCommand, DescribeVolumesCommand } from '@aws-sdk/client-ec2';
import { RunTaskCommand } from '@aws-sdk/client-ecs';
import { AllAwsClients } from '../../../lib/aws/all-clients';
import { withEcsVolumeStandIn } from '../../../local/ecs-volumes';
import { holdEcsTasksRunning } from '../../../local/moto-server';
import { provisionSite, referenceBlueprint } from '../../../local/provision-site';
import { motoEndpoint, uniqueName } from '../../support/moto';

describe('ECS volume stand-in (what moto leaves out of RunTask)', () => {
  it('creates the volume RunTask asks ECS for: from the snapshot, with its tags', async () => {
    const clients: AllAwsClients = new AllAwsClients({
      endpoint: motoEndpoint(),
      defaultRegion: 'us-east-1',
      maxAttempts: 2,
      retryMode: 'standard',
      decorate: withEcsVolumeStandIn(() => clients),
    });
    await holdEcsTasksRunning(motoEndpoint());
    const site = await provisionSite(clients, referenceBlueprint({ catalogBucket: uniqueName('catalog') }));
    const ec2 = clients.ec2('us-east-1');
    const snap = await ec2.send(new CreateSnapshotCommand({ VolumeId: site.volumeIds[0] }));

    await clients.ecs('us-east-1').send(
      new RunTaskCommand({
        cluster: site.run.cluster,
        taskDefinition: site.run.taskDefinition,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: site.run.subnetIds,
            securityGroups: [site.run.sandboxSecurityGroupId],
          },
        },
        volumeConfigurations: [
          {
            name: site.run.volumeName,
            managedEBSVolume: {
              snapshotId: snap.SnapshotId,
              roleArn: site.run.infrastructureRoleArn,
              volumeType: 'gp3',
              tagSpecifications: [
                { resourceType: 'volume', tags: [{ key: 'lifeboat:role', value: 'sandbox' }] },
              ],
            },
          },
        ],
      }),
    );

    const volumes = await ec2.send(
      new DescribeVolumesCommand({ Filters: [{ Name: 'tag:lifeboat:role', Values: ['sandbox'] }] }),
    );
    expect(volumes.Volumes?.map((v) => [v.SnapshotId, v.AvailabilityZone])).toEqual([
      [snap.SnapshotId, 'us-east-1a'],
    ]);
  });
});
