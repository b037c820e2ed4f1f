import { type AwsClients, defaultClients } from '../aws/clients';
import { Ec2Adapter, ec2Client } from '../aws/ec2';
import { RdsAdapter, rdsClient } from '../aws/rds';
import { SnapshotLockAdapter } from '../aws/snapshot-lock';
import type { Catalog } from '../catalog/catalog';
import { defaultCatalog } from '../catalog/default';
import { type Clock, systemClock } from '../clock';
import { getIntFromEnv } from '../env';
import { backupMetrics } from '../telemetry/metrics';
import { type BackupLimits, DEFAULT_BACKUP_LIMITS } from './advance-backup';
import { CopyCountCache } from './copy-count-cache';
import type { BackupPorts, BackupTelemetry, EbsPort, RdsPort, SnapshotLockPort } from './ports';

/** EBS with the copy count cached (see CopyCountCache); everything else goes straight to the adapter. */
function ebsPort(adapter: Ec2Adapter, cache: CopyCountCache): EbsPort {
  return {
    region: adapter.region,
    findVolumes: (selector) => adapter.findVolumes(selector),
    createSnapshot: (volumeId, description, tags) => adapter.createSnapshot(volumeId, description, tags),
    findSnapshots: (selector) => adapter.findSnapshots(selector),
    copySnapshotFrom: async (input) => {
      const id = await adapter.copySnapshotFrom(input);
      cache.started();
      return id;
    },
    countPendingCopies: () => cache.count(() => adapter.countPendingCopies()),
    deleteSnapshot: (snapshotId) => adapter.deleteSnapshot(snapshotId),
  };
}

/** RDS with the copy count cached (see CopyCountCache). */
function rdsPort(adapter: RdsAdapter, cache: CopyCountCache): RdsPort {
  return {
    region: adapter.region,
    describeDatabase: (kind, id) => adapter.describeDatabase(kind, id),
    createSnapshot: (kind, sourceId, identifier, tags) =>
      adapter.createSnapshot(kind, sourceId, identifier, tags),
    findSnapshot: (kind, identifier) => adapter.findSnapshot(kind, identifier),
    listSnapshots: (prefix) => adapter.listSnapshots(prefix),
    copySnapshotFrom: async (input) => {
      const copy = await adapter.copySnapshotFrom(input);
      cache.started();
      return copy;
    },
    countPendingCopies: () => cache.count(() => adapter.countPendingCopies()),
    deleteSnapshot: (kind, identifier) => adapter.deleteSnapshot(kind, identifier),
  };
}

export interface BackupPortOptions {
  telemetry?: BackupTelemetry;
  /** How long a region's copies-in-flight count is reused, in ms (0: read it every time). */
  copyCountTtlMs?: number;
  /** The clock that TTL runs on (simulations pass their simulated clock). */
  clock?: Clock;
}

/** The backup ports on real AWS (or the emulator the clients point at); adapters built once per region. */
export function backupPorts(
  clients: AwsClients,
  catalog: Catalog,
  options: BackupPortOptions = {},
): BackupPorts {
  const ttl = options.copyCountTtlMs ?? 10_000;
  const clock = options.clock ?? systemClock;
  const copyCount = () => new CopyCountCache(ttl, () => clock.now().getTime());
  const ebs = new Map<string, EbsPort>();
  const rds = new Map<string, RdsPort>();
  const locks = new Map<string, SnapshotLockPort>();
  return {
    catalog,
    telemetry: options.telemetry,
    ebs(region) {
      let port = ebs.get(region);
      if (port === undefined) {
        port = ebsPort(new Ec2Adapter(ec2Client(clients, region), region), copyCount());
        ebs.set(region, port);
      }
      return port;
    },
    rds(region) {
      let port = rds.get(region);
      if (port === undefined) {
        port = rdsPort(new RdsAdapter(rdsClient(clients, region), region), copyCount());
        rds.set(region, port);
      }
      return port;
    },
    locks(region) {
      let port = locks.get(region);
      if (port === undefined) {
        port = new SnapshotLockAdapter(ec2Client(clients, region), region);
        locks.set(region, port);
      }
      return port;
    },
  };
}

/**
 * Backup limits from the environment: LIFEBOAT_EBS_COPY_LIMIT (default 20, AWS's quota),
 * LIFEBOAT_RDS_COPY_LIMIT (default 5), LIFEBOAT_MAX_STARTS_PER_CALL (default 20).
 */
export function backupLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): BackupLimits {
  return {
    ...DEFAULT_BACKUP_LIMITS,
    ebsCopiesInFlight: getIntFromEnv('LIFEBOAT_EBS_COPY_LIMIT', DEFAULT_BACKUP_LIMITS.ebsCopiesInFlight, env),
    rdsCopiesInFlight: getIntFromEnv('LIFEBOAT_RDS_COPY_LIMIT', DEFAULT_BACKUP_LIMITS.rdsCopiesInFlight, env),
    maxStartsPerCall: getIntFromEnv(
      'LIFEBOAT_MAX_STARTS_PER_CALL',
      DEFAULT_BACKUP_LIMITS.maxStartsPerCall,
      env,
    ),
  };
}

let processPorts: BackupPorts | undefined;

/** The process-wide backup ports: clients from the environment, the CATALOG_BUCKET catalog, metrics. */
export function defaultBackupPorts(): BackupPorts {
  processPorts ??= backupPorts(defaultClients(), defaultCatalog(), { telemetry: backupMetrics() });
  return processPorts;
}
