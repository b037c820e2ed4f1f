import { CreateVolumeCommand } from '@aws-sdk/client-ec2';
import { CreateDBInstanceCommand } from '@aws-sdk/client-rds';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../../lib/aws/clients';
import { S3ObjectStore } from '../../../lib/aws/s3';
import { backupPorts } from '../../../lib/backup/default-ports';
import type { BackupPorts } from '../../../lib/backup/ports';
import { Catalog } from '../../../lib/catalog/catalog';
import type { Site } from '../../../lib/config/schema';
import { buildSite } from '../../support/builders';
import { uniqueName } from '../../support/moto';

/** A site in moto: one tagged volume and one RDS instance in us-east-1, DR in us-west-2. */
export interface MotoSite {
  site: Site;
  volumeId: string;
  dbId: string;
  ports: BackupPorts;
  catalog: Catalog;
  bucket: string;
}

/** Makes a fresh site (unique names) with its resources and a catalog bucket in moto. */
export async function makeMotoSite(
  clients: AwsClients,
  options: { volumes?: number } = {},
): Promise<MotoSite> {
  const name = uniqueName('s')
    .replace(/[^a-z0-9-]/g, '')
    .slice(0, 30);
  const dbId = `${name}-db`;
  const site = buildSite({
    name,
    protect: { volumes: { tags: { 'lifeboat:site': name } }, database: { instance: dbId } },
  });
  const volumeIds: string[] = [];
  for (let i = 0; i < (options.volumes ?? 1); i++) {
    const out = await clients.ec2('us-east-1').send(
      new CreateVolumeCommand({
        AvailabilityZone: 'us-east-1a',
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
  await clients.rds('us-east-1').send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: dbId,
      Engine: 'mysql',
      DBInstanceClass: 'db.t3.micro',
      AllocatedStorage: 20,
      MasterUsername: 'admin',
      MasterUserPassword: 'not-a-secret-1',
      Tags: [{ Key: 'Name', Value: `${name}-db` }],
    }),
  );
  const bucket = uniqueName('catalog');
  await clients.s3().send(new CreateBucketCommand({ Bucket: bucket }));
  const catalog = new Catalog(new S3ObjectStore(clients.s3(), bucket), { retryDelayMs: 5 });
  return { site, volumeId: volumeIds[0] ?? '', dbId, ports: backupPorts(clients, catalog), catalog, bucket };
}
