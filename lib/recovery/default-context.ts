import { type AwsClients, defaultClients } from '../aws/clients';
import type { Catalog } from '../catalog/catalog';
import { defaultCatalog } from '../catalog/default';
import { type Clock, systemClock } from '../clock';
import { defaultConfig } from '../config/load';
import { getStringFromEnv } from '../env';
import { ConfigError } from '../errors';
import { probeHttp } from '../health/http-probe';
import {
  type BackupService,
  type DnsPort,
  type NotifierPort,
  type RecoveryPorts,
  type TaskPort,
  taskEndpoint,
} from './ports';
import type { RecoveryContext } from './steps';

/**
 * The AWS ports one Lambda function uses, each built from the process's clients. A function names
 * only what its step needs, so its bundle (and the IAM its role needs) holds no other service.
 */
export interface PortFactories {
  tasks?: (clients: AwsClients, region: string) => TaskPort;
  dns?: (clients: AwsClients) => DnsPort;
  notifier?: (clients: AwsClients, topicArn: string) => NotifierPort;
  backups?: (clients: AwsClients, catalog: Catalog, clock: Clock) => BackupService;
}

function missing(port: string): never {
  throw new ConfigError(
    `this function was built without the ${port} port: add it to its recoveryContext(...)`,
  );
}

let processContext: RecoveryContext | undefined;

/**
 * The process-wide context of a recovery function: the site config, the catalog, the wall clock,
 * and the ports `factories` names (built on first use). RECOVERY_TOPIC_ARN is read only by a
 * function with a notifier.
 */
export function recoveryContext(factories: PortFactories): RecoveryContext {
  if (processContext !== undefined) return processContext;
  const clients = defaultClients();
  const catalog = defaultCatalog();
  const tasks = new Map<string, TaskPort>();
  let dns: DnsPort | undefined;
  let notifier: NotifierPort | undefined;
  let backups: BackupService | undefined;
  const ports: RecoveryPorts = {
    catalog,
    probe: probeHttp,
    endpointOf: taskEndpoint,
    tasks(region) {
      const make = factories.tasks ?? (() => missing('ECS'));
      let port = tasks.get(region);
      if (port === undefined) {
        port = make(clients, region);
        tasks.set(region, port);
      }
      return port;
    },
    dns: {
      upsertARecord: async (input) => {
        dns ??= (factories.dns ?? (() => missing('Route 53')))(clients);
        return dns.upsertARecord(input);
      },
      changeStatus: async (changeId) => {
        dns ??= (factories.dns ?? (() => missing('Route 53')))(clients);
        return dns.changeStatus(changeId);
      },
    },
    notifier: {
      publish: async (subject, message) => {
        notifier ??= (factories.notifier ?? (() => missing('SNS')))(
          clients,
          getStringFromEnv('RECOVERY_TOPIC_ARN'),
        );
        return notifier.publish(subject, message);
      },
    },
    backups: {
      start: async (request) => {
        backups ??= (factories.backups ?? (() => missing('backup')))(clients, catalog, systemClock);
        return backups.start(request);
      },
      advance: async (site, backupId) => {
        backups ??= (factories.backups ?? (() => missing('backup')))(clients, catalog, systemClock);
        return backups.advance(site, backupId);
      },
    },
  };
  processContext = { config: defaultConfig(), clock: systemClock, ports };
  return processContext;
}
