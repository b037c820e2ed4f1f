import { CreateVolumeCommand } from '@aws-sdk/client-ec2';
import { CreateDBInstanceCommand } from '@aws-sdk/client-rds';
import type { AllAwsClients } from '../../lib/aws/all-clients';
import type { LifeboatConfig } from '../../lib/config/schema';
import { buildConfig, rawSite } from '../../tests/support/builders';

/** Runs `tasks` with at most `parallel` in flight. */
export async function inParallel<T>(tasks: (() => Promise<T>)[], parallel: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < tasks.length; i = next++) results[i] = await (tasks[i] as () => Promise<T>)();
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
}

/** Creates `sites` sites in moto, each with `volumesPerSite` tagged volumes and one RDS instance. */
export async function seedSites(
  clients: AllAwsClients,
  sites: number,
  volumesPerSite: number,
): Promise<LifeboatConfig> {
  const names = Array.from({ length: sites }, (_, i) => `site${String(i).padStart(4, '0')}`);
  const volumeTasks = names.flatMap((name) =>
    Array.from(
      { length: volumesPerSite },
      () => () =>
        clients.ec2('us-east-1').send(
          new CreateVolumeCommand({
            AvailabilityZone: 'us-east-1a',
            Size: 20,
            TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'lifeboat:site', Value: name }] }],
          }),
        ),
    ),
  );
  const dbTasks = names.map(
    (name) => () =>
      clients.rds('us-east-1').send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: `${name}-db`,
          Engine: 'mysql',
          DBInstanceClass: 'db.t3.micro',
          AllocatedStorage: 20,
          MasterUsername: 'admin',
          MasterUserPassword: 'not-a-secret-1',
        }),
      ),
  );
  await inParallel([...volumeTasks, ...dbTasks], 16);
  return buildConfig(
    ...names.map((name) =>
      rawSite({
        name,
        protect: { volumes: { tags: { 'lifeboat:site': name } }, database: { instance: `${name}-db` } },
        dns: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', recordName: `${name}.example.com` },
        sandbox: {
          recordName: `sandbox-${name}.example.com`,
          allowedCidr: '203.0.113.0/24',
          securityGroups: ['sg-0fedcba9876543210'],
        },
        triggers: { cloudwatchAlarms: [] },
      }),
    ),
  );
}
