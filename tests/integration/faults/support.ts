import { DescribeSnapshotsCommand } from '@aws-sdk/client-ec2';
import { DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import type { AllAwsClients } from '../../../lib/aws/all-clients';
import { S3ObjectStore } from '../../../lib/aws/s3';
import type { Backup } from '../../../lib/backup/model';
import { backupPorts } from '../../../lib/backup/wiring';
import { Catalog } from '../../../lib/catalog/catalog';
import type { LifeboatConfig } from '../../../lib/config/schema';
import { fromTagList } from '../../../lib/tags/vocabulary';
import { AwsSimulation } from '../../../local/sdk-middleware/aws-simulation';
import { type DeliveryFaults, EventFeeder } from '../../../local/sdk-middleware/event-feeder';
import { FaultInjector, type FaultRates } from '../../../local/sdk-middleware/fault-injector';
import { seededRandom } from '../../../local/sdk-middleware/seeded-random';
import { SimulatedClock } from '../../../local/sdk-middleware/simulated-clock';
import { seedCatalogBucket, seedSites } from '../../../local/seed';
import { siteConfig } from '../../../local/site-config';
import { motoClients, motoEndpoint, uniqueName, uniqueSiteName } from '../../support/moto';

const PRIMARY = 'us-east-1';
const DR = 'us-west-2';

/** Sites in moto (tagged volumes and one RDS instance each, local/seed.ts) and a catalog bucket. */
export async function makeSites(
  clients: AllAwsClients,
  count: number,
  volumesPerSite: number,
): Promise<{ config: LifeboatConfig; bucket: string }> {
  const seeds = Array.from({ length: count }, () => ({ name: uniqueSiteName('f'), volumes: volumesPerSite }));
  const sites = await seedSites(clients, seeds);
  const bucket = await seedCatalogBucket(clients, uniqueName('catalog'));
  return { config: siteConfig(sites), bucket };
}

/** A simulated AWS over this worker's moto, with faults on EC2 and RDS, and a faulty event feeder. */
export function faultyWorld(options: {
  bucket: string;
  faults: Partial<FaultRates>;
  delivery: Partial<DeliveryFaults>;
  seed: number;
  maxAttempts?: number;
}) {
  const clock = new SimulatedClock('2026-11-22T02:00:00Z');
  const faults = new FaultInjector(
    { services: ['ec2', 'rds'], ...options.faults },
    seededRandom(options.seed),
  );
  const sim = new AwsSimulation({ clock, faults, callLatencyMs: 100, seed: options.seed });
  const clients = sim.clients(motoEndpoint(), options.maxAttempts ?? 4);
  const catalog = new Catalog(new S3ObjectStore(clients.s3(), options.bucket), { retryDelayMs: 1 });
  const ports = backupPorts(clients, catalog, { clock });
  const feeder = new EventFeeder(options.delivery, seededRandom(options.seed + 1));
  return { clock, sim, clients, catalog, ports, feeder };
}

export interface LifeboatSnapshot {
  region: string;
  id: string;
  tags: Record<string, string>;
  volumeId?: string;
}

/** Every snapshot in moto that carries lifeboat's tags, EBS and RDS, both regions (read without faults). */
export async function lifeboatSnapshots(): Promise<LifeboatSnapshot[]> {
  const clients = motoClients();
  const out: LifeboatSnapshot[] = [];
  for (const region of [PRIMARY, DR]) {
    const ebs = await clients.ec2(region).send(
      new DescribeSnapshotsCommand({
        OwnerIds: ['self'],
        Filters: [{ Name: 'tag:lifeboat:managed', Values: ['true'] }],
      }),
    );
    for (const s of ebs.Snapshots ?? [])
      out.push({ region, id: s.SnapshotId ?? '', tags: fromTagList(s.Tags), volumeId: s.VolumeId });
    const rds = await clients.rds(region).send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual' }));
    for (const s of rds.DBSnapshots ?? []) {
      if (!(s.DBSnapshotIdentifier ?? '').startsWith('lifeboat-')) continue;
      out.push({ region, id: s.DBSnapshotIdentifier ?? '', tags: fromTagList(s.TagList) });
    }
  }
  return out;
}

/** Every backup record of the config's sites. */
export async function allBackups(catalog: Catalog, config: LifeboatConfig): Promise<Backup[]> {
  const backups: Backup[] = [];
  for (const site of config.sites) for await (const b of catalog.allBackups(site.name)) backups.push(b);
  return backups;
}

/** The snapshot ids (and DB snapshot identifiers) the catalog accounts for, with their region. */
export function accountedFor(backups: Backup[]): Set<string> {
  const ids = new Set<string>();
  for (const b of backups) {
    for (const p of b.status.parts) {
      if (p.snapshotId !== undefined) ids.add(`${b.spec.primaryRegion}:${p.snapshotId}`);
      if (p.copy.snapshotId !== undefined) ids.add(`${p.copy.region}:${p.copy.snapshotId}`);
    }
  }
  return ids;
}

/** Keys that occur more than once. */
export function duplicates(keys: string[]): string[] {
  return keys.filter((k, i) => keys.indexOf(k) !== i);
}
