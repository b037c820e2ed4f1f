import { type AwsClients, defaultClients } from '../aws/clients';
import { cloudwatchClient } from '../aws/cloudwatch';
import { EbsDirectAdapter, ebsClient } from '../aws/ebs-direct';
import { Ec2Adapter, ec2Client } from '../aws/ec2';
import { EcsAdapter, ecsClient } from '../aws/ecs';
import { RdsAdapter, rdsClient } from '../aws/rds';
import { RdsMetricsAdapter } from '../aws/rds-metrics';
import { RdsRestoreAdapter } from '../aws/rds-restore';
import { Route53Adapter, route53Client } from '../aws/route53';
import { SnsAdapter, snsClient } from '../aws/sns';
import { advanceBackup } from '../backup/advance-backup';
import { startBackup } from '../backup/start-backup';
import { backupPorts } from '../backup/wiring';
import type { Catalog } from '../catalog/catalog';
import { defaultCatalog } from '../catalog/default';
import { type Clock, systemClock } from '../clock';
import { defaultConfig } from '../config/load';
import { getStringFromEnv } from '../env';
import { ConfigError } from '../errors';
import { type HttpProbe, probeHttp } from '../health/http-probe';
import { trustMetrics } from '../telemetry/metrics';
import {
  type SnapshotTrust,
  snapshotTrust,
  type TrustIdentity,
  type TrustTelemetry,
  trustIdentityFromEnv,
} from '../trust/snapshot-trust';
import { metricDatabaseWrites } from './database-writes';
import {
  type BackupService,
  type BlockChangesPort,
  type DatabaseRestorePort,
  type DatabaseWritesPort,
  type DnsPort,
  type EndpointResolver,
  type NotifierPort,
  type RecoveryPorts,
  type SnapshotPort,
  type TaskPort,
  taskEndpoint,
} from './ports';
import type { RecoveryContext } from './steps';

/** ECS tasks in `region`, with EC2 for their network interfaces and security groups. */
export function ecsTaskPort(clients: AwsClients, region: string): TaskPort {
  return new EcsAdapter(ecsClient(clients, region), ec2Client(clients, region), region);
}

/** Restores (and retirements) of a site's RDS database in `region`. */
export function rdsRestorePort(clients: AwsClients, region: string): DatabaseRestorePort {
  return new RdsRestoreAdapter(rdsClient(clients, region), region);
}

/** Route 53 record changes. */
export function route53DnsPort(clients: AwsClients): DnsPort {
  return new Route53Adapter(route53Client(clients));
}

/** Operator notifications on the SNS topic `topicArn`. */
export function snsNotifier(clients: AwsClients, topicArn: string): NotifierPort {
  return new SnsAdapter(snsClient(clients), topicArn);
}

/** EBS volumes and snapshots in `region` (a promote snapshots the replacement's volume). */
export function ec2SnapshotPort(clients: AwsClients, region: string): SnapshotPort {
  return new Ec2Adapter(ec2Client(clients, region), region);
}

/** The EBS direct APIs in `region`: which blocks differ between two snapshots. */
export function ebsChangesPort(clients: AwsClients, region: string): BlockChangesPort {
  return new EbsDirectAdapter(ebsClient(clients, region), region);
}

/** Database writes that are never measured: "none restored, nothing to measure" (for tests and tools). */
export function noDatabaseWrites(): DatabaseWritesPort {
  return { writesSince: async () => ({ restored: false }) };
}

/** A database's writes from its AWS/RDS CloudWatch metrics (engine and binlog setting read from RDS). */
export function rdsMetricsWrites(clients: AwsClients, clock: Clock): DatabaseWritesPort {
  return metricDatabaseWrites(
    (region) => new RdsMetricsAdapter(cloudwatchClient(clients, region), region),
    (region) => rdsRestorePort(clients, region),
    clock,
  );
}

/** The backup pipeline's start and advance use cases on the same clients and catalog. */
export function backupService(clients: AwsClients, catalog: Catalog, clock: Clock): BackupService {
  const ports = backupPorts(clients, catalog);
  return {
    start: (request) => startBackup(ports, clock, request),
    advance: (site, backupId) => advanceBackup(ports, clock, site, backupId),
  };
}

/**
 * The adapter factories a recovery process is built with. A Lambda function names only the ones
 * its step uses, so its bundle (and the IAM its role needs) holds no other AWS service; the tools
 * (demo, local runner, benchmarks, tests) pass ALL_RECOVERY_ADAPTERS.
 */
export interface RecoveryAdapters {
  tasks?: (clients: AwsClients, region: string) => TaskPort;
  databases?: (clients: AwsClients, region: string) => DatabaseRestorePort;
  dns?: (clients: AwsClients) => DnsPort;
  notifier?: (clients: AwsClients, topicArn: string) => NotifierPort;
  backups?: (clients: AwsClients, catalog: Catalog, clock: Clock) => BackupService;
  snapshots?: (clients: AwsClients, region: string) => SnapshotPort;
  blockChanges?: (clients: AwsClients, region: string) => BlockChangesPort;
  databaseWrites?: (clients: AwsClients, clock: Clock) => DatabaseWritesPort;
}

/** Every recovery adapter, for the tools that run outside Lambda. */
export const ALL_RECOVERY_ADAPTERS = {
  tasks: ecsTaskPort,
  databases: rdsRestorePort,
  dns: route53DnsPort,
  notifier: snsNotifier,
  backups: backupService,
  snapshots: ec2SnapshotPort,
  blockChanges: ebsChangesPort,
  databaseWrites: rdsMetricsWrites,
} satisfies Required<RecoveryAdapters>;

/** What the recovery ports are built from. */
export interface RecoveryWiring {
  clients: AwsClients;
  catalog: Catalog;
  clock: Clock;
  adapters: RecoveryAdapters;
  /** The operator's SNS topic; a function is called only when a notifier is built. */
  topicArn: string | (() => string);
  /** Where probes go; the task's own address unless a test or the local demo maps it elsewhere. */
  endpointOf?: EndpointResolver;
  probe?: HttpProbe;
  /** The stage and account this deployment acts for (default: LIFEBOAT_STAGE, LIFEBOAT_ACCOUNT_ID). */
  identity?: TrustIdentity;
  /** Where refused snapshots are counted. */
  telemetry?: TrustTelemetry;
}

/** The snapshot checks on EC2 and RDS (a restored database's DB snapshot) in each region (clients built on first use). */
export function ec2SnapshotTrust(
  clients: AwsClients,
  identity: TrustIdentity = trustIdentityFromEnv(),
  telemetry?: TrustTelemetry,
): SnapshotTrust {
  const adapters = new Map<string, Ec2Adapter>();
  const ebs = (region: string) => {
    let adapter = adapters.get(region);
    if (adapter === undefined) {
      adapter = new Ec2Adapter(ec2Client(clients, region), region);
      adapters.set(region, adapter);
    }
    return adapter;
  };
  const rdsAdapters = new Map<string, RdsAdapter>();
  const rds = (region: string) => {
    let adapter = rdsAdapters.get(region);
    if (adapter === undefined) {
      adapter = new RdsAdapter(rdsClient(clients, region), region);
      rdsAdapters.set(region, adapter);
    }
    return adapter;
  };
  return snapshotTrust(identity, { ebs, rds }, telemetry);
}

function notWired(port: string): ConfigError {
  return new ConfigError(
    `this function was built without the ${port} port: add it to its defaultRecoveryContext(...)`,
  );
}

/** A port the process was built without: every call rejects with a ConfigError naming it. */
function unwired<T extends object>(port: string): T {
  return new Proxy({} as T, {
    // `then` stays undefined so the stand-in is not mistaken for a promise.
    get: (_target, property) =>
      property === 'then' || typeof property === 'symbol' ? undefined : () => Promise.reject(notWired(port)),
  });
}

/** A per-region port, built on first use in each region; a ConfigError naming it if the process was built without it. */
function perRegion<T>(
  clients: AwsClients,
  port: string,
  make: ((clients: AwsClients, region: string) => T) | undefined,
): (region: string) => T {
  const built = new Map<string, T>();
  return (region) => {
    if (make === undefined) throw notWired(port);
    let value = built.get(region);
    if (value === undefined) {
      value = make(clients, region);
      built.set(region, value);
    }
    return value;
  };
}

/** The recovery, promote and drill ports on the clients given (real AWS or an emulator), from the named adapters. */
export function recoveryPorts(wiring: RecoveryWiring): RecoveryPorts {
  const { clients, catalog, clock, adapters } = wiring;
  const tasks = new Map<string, TaskPort>();
  const databases = new Map<string, DatabaseRestorePort>();
  const topicArn = () => (typeof wiring.topicArn === 'function' ? wiring.topicArn() : wiring.topicArn);
  return {
    catalog,
    tasks(region) {
      if (adapters.tasks === undefined) throw notWired('ECS');
      let port = tasks.get(region);
      if (port === undefined) {
        port = adapters.tasks(clients, region);
        tasks.set(region, port);
      }
      return port;
    },
    databases(region) {
      if (adapters.databases === undefined) throw notWired('RDS restore');
      let port = databases.get(region);
      if (port === undefined) {
        port = adapters.databases(clients, region);
        databases.set(region, port);
      }
      return port;
    },
    dns: adapters.dns?.(clients) ?? unwired<DnsPort>('Route 53'),
    notifier: adapters.notifier?.(clients, topicArn()) ?? unwired<NotifierPort>('SNS'),
    backups: adapters.backups?.(clients, catalog, clock) ?? unwired<BackupService>('backup'),
    probe: wiring.probe ?? probeHttp,
    endpointOf: wiring.endpointOf ?? taskEndpoint,
    trust: ec2SnapshotTrust(clients, wiring.identity, wiring.telemetry),
    snapshots: perRegion(clients, 'EC2 snapshot', adapters.snapshots),
    blockChanges: perRegion(clients, 'EBS direct', adapters.blockChanges),
    databaseWrites:
      adapters.databaseWrites?.(clients, clock) ?? unwired<DatabaseWritesPort>('database writes'),
  };
}

/**
 * The context of one recovery Lambda function, built on its first invocation from the process's
 * clients, the CATALOG_BUCKET catalog, the site config and the wall clock, with the adapters the
 * function names. RECOVERY_TOPIC_ARN is read only by a function with a notifier. Each call makes
 * its own context, so two functions loaded in one process (a test) never share their ports.
 */
export function defaultRecoveryContext(adapters: RecoveryAdapters): () => RecoveryContext {
  let context: RecoveryContext | undefined;
  return function recoveryContext() {
    context ??= {
      config: defaultConfig(),
      clock: systemClock,
      ports: recoveryPorts({
        clients: defaultClients(),
        catalog: defaultCatalog(),
        clock: systemClock,
        adapters,
        topicArn: () => getStringFromEnv('RECOVERY_TOPIC_ARN'),
        telemetry: trustMetrics(),
      }),
    };
    return context;
  };
}
