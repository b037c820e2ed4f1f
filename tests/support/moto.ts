import { CreateVolumeCommand } from '@aws-sdk/client-ec2';
import { CreateDBInstanceCommand } from '@aws-sdk/client-rds';
import { AllAwsClients } from '../../lib/aws/all-clients';

/** The moto endpoint this test file's worker owns (set up by moto-per-file.ts). */
export function motoEndpoint(): string {
  const endpoint = process.env.LIFEBOAT_AWS_ENDPOINT;
  if (endpoint === undefined)
    throw new Error('LIFEBOAT_AWS_ENDPOINT is not set: moto-per-file.ts did not run');
  return endpoint;
}

/** SDK clients pointed at this worker's moto. */
export function motoClients(): AllAwsClients {
  return new AllAwsClients({
    endpoint: motoEndpoint(),
    defaultRegion: 'us-east-1',
    maxAttempts: 3,
    retryMode: 'standard',
  });
}

let counter = 0;
/** A name unique within the run, for buckets, clusters and records. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`.toLowerCase();
}

/**
 * Creates a site's protected resources in moto: `volumes` EBS volumes tagged lifeboat:site=<name>
 * and one MySQL RDS instance `<name>-db`, in `region`.
 */
export async function seedSiteResources(
  clients: AllAwsClients,
  name: string,
  options: { volumes?: number; region?: string } = {},
): Promise<{ volumeIds: string[]; dbId: string }> {
  const region = options.region ?? 'us-east-1';
  const dbId = `${name}-db`;
  const volumeIds: string[] = [];
  for (let i = 0; i < (options.volumes ?? 1); i++) {
    const out = await clients.ec2(region).send(
      new CreateVolumeCommand({
        AvailabilityZone: `${region}a`,
        Size: 8,
        TagSpecifications: [
          {
            ResourceType: 'volume',
            Tags: [
              { Key: 'lifeboat:site', Value: name },
              { Key: 'Name', Value: `${name}-wp-content-${i}` },
            ],
          },
        ],
      }),
    );
    volumeIds.push(out.VolumeId ?? '');
  }
  await clients.rds(region).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: dbId,
      Engine: 'mysql',
      DBInstanceClass: 'db.t3.micro',
      AllocatedStorage: 20,
      MasterUsername: 'admin',
      MasterUserPassword: 'not-a-secret-1',
      Tags: [{ Key: 'Name', Value: dbId }],
    }),
  );
  return { volumeIds, dbId };
}
