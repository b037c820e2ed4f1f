import { EcsAdapter } from '../../../lib/aws/ecs';
import { Route53Adapter } from '../../../lib/aws/route53';
import { SnsAdapter } from '../../../lib/aws/sns';
import { AwsCallError } from '../../../lib/errors';
import { runTaskRequest } from '../../../lib/recovery/launch-task';
import { seedTopic } from '../../../local/seed';
import { RecoveryWorld } from '../../stepfunctions/support/recovery-world';
import { motoClients, receivedNotifications, uniqueName } from '../../support/moto';

describe('recovery adapters on moto', () => {
  const clients = motoClients();
  let world: RecoveryWorld;

  beforeAll(async () => {
    world = await new RecoveryWorld().setUp();
  });

  afterAll(async () => {
    await world.close();
  });

  it('ECS: runs a tagged task from a snapshot, reads its ENI address, stops it', async () => {
    const ecs = new EcsAdapter(clients.ecs('us-east-1'), clients.ec2('us-east-1'), 'us-east-1');
    const candidate = {
      backupId: '20261122t020000z-scheduled',
      snapshotId: 'snap-0abc',
      takenAt: '',
      drilled: false,
    };

    const launched = await ecs.runTask(
      runTaskRequest(world.site, '20261122t093900z-1a2b3c4d', 'replacement', candidate, 'prod'),
    );
    const running = await ecs.describeTask(world.site.run.cluster, launched.taskArn);
    await ecs.stopTask(world.site.run.cluster, launched.taskArn, 'lifeboat test');
    const stopped = await ecs.describeTask(world.site.run.cluster, launched.taskArn);

    expect(running).toMatchObject({
      lastStatus: 'RUNNING',
      privateIp: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/),
      tags: expect.objectContaining({ 'lifeboat:managed': 'true', 'lifeboat:role': 'replacement' }),
    });
    expect(stopped).toMatchObject({ lastStatus: 'STOPPED', stoppedReason: 'lifeboat test' });
  });

  it('ECS: names the call and AWS code when the task definition does not exist', async () => {
    const ecs = new EcsAdapter(clients.ecs('us-east-1'), clients.ec2('us-east-1'), 'us-east-1');
    const site = { ...world.site, run: { ...world.site.run, taskDefinition: uniqueName('missing') } };

    await expect(
      ecs.runTask(
        runTaskRequest(
          site,
          '20261122t093900z-1a2b3c4d',
          'replacement',
          {
            backupId: 'b',
            snapshotId: 'snap-0abc',
            takenAt: '',
            drilled: false,
          },
          'prod',
        ),
      ),
    ).rejects.toThrow(AwsCallError);
  });

  it('Route 53: upserts the record (twice is harmless) and follows the change to INSYNC', async () => {
    const dns = new Route53Adapter(clients.route53());
    const input = {
      hostedZoneId: world.site.dns.hostedZoneId,
      recordName: world.site.dns.recordName,
      ip: '198.51.100.7',
      ttl: 60,
      comment: 'test',
    };

    await dns.upsertARecord(input);
    const change = await dns.upsertARecord({ ...input, ip: '198.51.100.8' });

    expect(await dns.changeStatus(change.changeId)).toBe('INSYNC');
    expect(await world.aRecord(world.site.dns.recordName)).toEqual({ value: '198.51.100.8', ttl: 60 });
  });

  it('SNS: publishes the subject and message subscribers receive', async () => {
    const { topicArn, queueUrl } = await seedTopic(clients, 'us-east-1', uniqueName('topic'), {
      queue: true,
    });

    await new SnsAdapter(clients.sns(), topicArn).publish('lifeboat: Recovery of blog succeeded', 'body');

    const received = await receivedNotifications(clients, queueUrl ?? '');
    expect(received[0]).toMatchObject({ subject: 'lifeboat: Recovery of blog succeeded', message: 'body' });
  });
});
