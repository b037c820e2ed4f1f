import { type AwsClients, defaultClients } from '../aws/clients';
import { Ec2Adapter, ec2Client } from '../aws/ec2';
import { QuotaReader, serviceQuotasClient } from '../aws/quotas';
import { RdsAdapter, rdsClient } from '../aws/rds';
import { SnapshotLockAdapter } from '../aws/snapshot-lock';
import { SnsAdapter, snsClient } from '../aws/sns';
import type { Catalog } from '../catalog/catalog';
import { defaultCatalog } from '../catalog/default';
import { type Clock, systemClock } from '../clock';
import { getIntFromEnv } from '../env';
import { backupMetrics } from '../telemetry/metrics';
import { snapshotTrust, type TrustIdentity, trustIdentityFromEnv } from '../trust/snapshot-trust';
import { type BackupLimits, DEFAULT_BACKUP_LIMITS } from './advance-backup';
import { cachedCopyLimits } from './copy-limits';
import type { CopyKind } from './copy-queue';
import type { WorkTopic } from './dispatch';
import { CatalogPacer } from './pacer';
import type { BackupPorts, BackupTelemetry, EbsPort, RdsPort, SnapshotLockPort } from './ports';

/** EBS volumes and snapshots in `region`. */
export function ebsPort(clients: AwsClients, region: string): EbsPort {
  return new Ec2Adapter(ec2Client(clients, region), region);
}

/** RDS databases and their snapshots in `region`. */
export function rdsPort(clients: AwsClients, region: string): RdsPort {
  return new RdsAdapter(rdsClient(clients, region), region);
}

/** EBS Snapshot Lock in `region` (the DR copies of sites that ask for it). */
export function snapshotLockPort(clients: AwsClients, region: string): SnapshotLockPort {
  return new SnapshotLockAdapter(ec2Client(clients, region), region);
}

/** The sweeper's work topic: one message per unfinished backup, for advanceBackup. */
export function snsWorkTopic(clients: AwsClients, topicArn: string): WorkTopic {
  return new SnsAdapter(snsClient(clients), topicArn);
}

export interface BackupPortOptions {
  telemetry?: BackupTelemetry;
  /** The clock the pacer runs on (simulations pass their simulated clock). */
  clock?: Clock;
  /** The stage and account this deployment acts for (default: LIFEBOAT_STAGE, LIFEBOAT_ACCOUNT_ID). */
  identity?: TrustIdentity;
  /** How the pacer waits for its turn (default: the clock's own `sleep` if it has one, else a timer). */
  sleep?: (ms: number) => Promise<void>;
  /** Pace snapshot starts by the region's EC2 budget in the catalog (default true). */
  paced?: boolean;
  /**
   * Copy slots per DR region: read from Service Quotas with these as fallback (default: the
   * published 20 EBS and 5 RDS), or, with `readQuotas: false`, whatever each call passes.
   */
  copyLimitsFallback?: Record<CopyKind, number>;
  readQuotas?: boolean;
}

const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A simulated clock (local/sdk-middleware) sleeps on simulated time; the wall clock on a timer. */
function sleepOf(clock: Clock): (ms: number) => Promise<void> {
  const own = (clock as { sleep?: unknown }).sleep;
  return typeof own === 'function'
    ? (ms) => (own as (ms: number) => Promise<void>).call(clock, ms)
    : timerSleep;
}

/** The backup ports on real AWS (or the emulator the clients point at); adapters built once per region. */
export function backupPorts(
  clients: AwsClients,
  catalog: Catalog,
  options: BackupPortOptions = {},
): BackupPorts {
  const clock = options.clock ?? systemClock;
  /** One port per region, built on first use. */
  function perRegion<P extends EbsPort | RdsPort>(make: (clients: AwsClients, region: string) => P) {
    const ports = new Map<string, P>();
    return (region: string): P => {
      let port = ports.get(region);
      if (port === undefined) {
        port = make(clients, region);
        ports.set(region, port);
      }
      return port;
    };
  }
  const ebs = perRegion(ebsPort);
  const rds = perRegion(rdsPort);
  const telemetry = options.telemetry;
  const trust = snapshotTrust(
    options.identity ?? trustIdentityFromEnv(),
    { ebs, rds },
    {
      snapshotRefused: (site, action) => telemetry?.snapshotRefused?.(site, action),
    },
  );
  const locks = new Map<string, SnapshotLockPort>();
  const pacer =
    options.paced === false ? undefined : new CatalogPacer(catalog, clock, options.sleep ?? sleepOf(clock));
  const copyLimits =
    options.readQuotas === false
      ? undefined
      : cachedCopyLimits(
          (region) => new QuotaReader(serviceQuotasClient(clients, region), region),
          options.copyLimitsFallback,
        );
  return {
    catalog,
    telemetry,
    trust,
    locks(region) {
      let port = locks.get(region);
      if (port === undefined) {
        port = snapshotLockPort(clients, region);
        locks.set(region, port);
      }
      return port;
    },
    pacer,
    copyLimits,
    ebs,
    rds,
  };
}

/**
 * Backup limits from the environment: LIFEBOAT_EBS_COPY_LIMIT (default 20, AWS's quota),
 * LIFEBOAT_RDS_COPY_LIMIT (default 5), LIFEBOAT_MAX_STARTS_PER_CALL (default 20),
 * LIFEBOAT_PACING_WAIT_MS (default 60000: keep it well under the function's timeout),
 * LIFEBOAT_EVENT_GRACE_MS (default 0; serverless.yml sets the snapshot-event queue's eventGraceMs).
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
    pacingWaitMs: getIntFromEnv('LIFEBOAT_PACING_WAIT_MS', DEFAULT_BACKUP_LIMITS.pacingWaitMs, env),
    eventGraceMs: getIntFromEnv('LIFEBOAT_EVENT_GRACE_MS', DEFAULT_BACKUP_LIMITS.eventGraceMs, env),
  };
}

let processPorts: BackupPorts | undefined;

/** The process-wide backup ports: clients from the environment, the CATALOG_BUCKET catalog, metrics. */
export function defaultBackupPorts(): BackupPorts {
  const limits = backupLimitsFromEnv();
  processPorts ??= backupPorts(defaultClients(), defaultCatalog(), {
    telemetry: backupMetrics(),
    copyLimitsFallback: { ebs: limits.ebsCopiesInFlight, rds: limits.rdsCopiesInFlight },
  });
  return processPorts;
}
