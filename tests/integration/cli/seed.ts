import { S3ObjectStore } from '../../../lib/aws/s3';
import type { Backup, BackupKind } from '../../../lib/backup/model';
import { Catalog } from '../../../lib/catalog/catalog';
import { seedCatalogBucket } from '../../../local/seed';
import { buildBackup } from '../../support/builders';
import { motoClients, uniqueName } from '../../support/moto';

/** A fresh catalog bucket in this file's moto. */
export async function freshCatalog(): Promise<{ bucket: string; catalog: Catalog; store: S3ObjectStore }> {
  const clients = motoClients();
  const bucket = await seedCatalogBucket(clients, uniqueName('cli-catalog'));
  const store = new S3ObjectStore(clients.s3(), bucket);
  return { bucket, catalog: new Catalog(store), store };
}

/** A completed backup `hoursAgo` hours old with a volume and a database part, both copied to DR. */
export function completedBackup(hoursAgo: number, kind: BackupKind = 'scheduled'): Backup {
  const at = new Date(Date.now() - hoursAgo * 3_600_000);
  const backup = buildBackup({ kind, at: at.toISOString(), phase: 'Completed' });
  const stamp = backup.id.slice(0, 16);
  backup.status.parts = [
    {
      kind: 'ebs-volume',
      sourceId: 'vol-0a1b2c3d4e5f60718',
      snapshotId: `snap-${hoursAgo.toString(16).padStart(4, '0')}aaaa`,
      state: 'completed',
      copy: {
        region: 'us-west-2',
        state: 'completed',
        snapshotId: `snap-${hoursAgo.toString(16).padStart(4, '0')}bbbb`,
      },
    },
    {
      kind: 'rds-instance',
      sourceId: 'blog-db',
      snapshotId: `lifeboat-blog-${stamp}`,
      state: 'completed',
      copy: { region: 'us-west-2', state: 'completed', snapshotId: `lifeboat-blog-${stamp}` },
    },
  ];
  return backup;
}
