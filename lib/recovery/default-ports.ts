import type { AwsClients } from '../aws/clients';
import { ec2Client } from '../aws/ec2';
import { EcsAdapter, ecsClient } from '../aws/ecs';
import { Route53Adapter, route53Client } from '../aws/route53';
import { SnsAdapter, snsClient } from '../aws/sns';
import type { Catalog } from '../catalog/catalog';
import type { Clock } from '../clock';
import { type HttpProbe, probeHttp } from '../health/http-probe';
import { backupService } from './backup-service';
import { type EndpointResolver, type RecoveryPorts, type TaskPort, taskEndpoint } from './ports';

export interface RecoveryPortOptions {
  /** SNS topic for operator notifications; a function is read on first publish (only the finish step publishes). */
  topicArn: string | (() => string);
  /** Where probes go; the task's own address unless a test or the local demo maps it elsewhere. */
  endpointOf?: EndpointResolver;
  probe?: HttpProbe;
}

/** The recovery ports on real AWS (or the emulator the clients point at); adapters built once per region. */
export function recoveryPorts(
  clients: AwsClients,
  catalog: Catalog,
  clock: Clock,
  options: RecoveryPortOptions,
): RecoveryPorts {
  const tasks = new Map<string, TaskPort>();
  let sns: SnsAdapter | undefined;
  const topicArn = options.topicArn;
  return {
    catalog,
    tasks(region) {
      let port = tasks.get(region);
      if (port === undefined) {
        port = new EcsAdapter(ecsClient(clients, region), ec2Client(clients, region), region);
        tasks.set(region, port);
      }
      return port;
    },
    dns: new Route53Adapter(route53Client(clients)),
    notifier: {
      publish(subject, message) {
        sns ??= new SnsAdapter(snsClient(clients), typeof topicArn === 'function' ? topicArn() : topicArn);
        return sns.publish(subject, message);
      },
    },
    backups: backupService(clients, catalog, clock),
    probe: options.probe ?? probeHttp,
    endpointOf: options.endpointOf ?? taskEndpoint,
  };
}
