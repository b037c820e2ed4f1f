import { AlarmReader } from '../aws/alarms-read';
import type { AwsClients } from '../aws/clients';
import { cloudwatchClient } from '../aws/cloudwatch';
import { DnsReader } from '../aws/dns-read';
import { ec2Client } from '../aws/ec2';
import { ecsClient } from '../aws/ecs';
import { EventRuleReader, eventBridgeClient } from '../aws/eventbridge';
import { NetworkReader } from '../aws/network';
import { EBS_COPY_QUOTA_NAME, QuotaReader, serviceQuotasClient } from '../aws/quotas';
import { rdsClient } from '../aws/rds';
import { RestorePointReader } from '../aws/restore-points';
import { route53Client } from '../aws/route53';
import { TaskDefinitionReader } from '../aws/task-definitions';
import type { Catalog } from '../catalog/catalog';
import { awsManagedDatabases } from '../cost-guard/wiring';
import { type HttpProbe, probeHttp } from '../health/http-probe';
import type { ReadinessPorts } from './ports';

/** The readiness ports on AWS (or the emulator the clients point at), the catalog and HTTP, for one run. */
export function awsReadinessPorts(
  clients: AwsClients,
  catalog: Pick<Catalog, 'allBackups'>,
  probe: HttpProbe = probeHttp,
): ReadinessPorts {
  const points = (region: string) =>
    new RestorePointReader(ec2Client(clients, region), rdsClient(clients, region), region);
  const network = (region: string) => new NetworkReader(ec2Client(clients, region), region);
  const dns = new DnsReader(route53Client(clients));
  // Sites share regions: one reading of each region's databases serves them all (and the fleet count).
  const managed = awsManagedDatabases(clients);
  return {
    taskDefinition: (region, reference) =>
      new TaskDefinitionReader(ecsClient(clients, region), region).describe(reference),
    existingSubnets: (region, ids) => network(region).existingSubnets(ids),
    securityGroups: (region, ids) => network(region).securityGroups(ids),
    hostedZoneName: (zoneId) => dns.hostedZoneName(zoneId),
    recordSets: (zoneId, name) => dns.recordSets(zoneId, name),
    ebsSnapshots: (region, ids) => points(region).ebsSnapshots(ids),
    dbSnapshot: (region, kind, identifier) => points(region).dbSnapshot(kind, identifier),
    database: (region, kind, id) => points(region).database(kind, id),
    existingAlarms: (region, names) =>
      new AlarmReader(cloudwatchClient(clients, region), region).existing(names),
    ebsCopyQuota: (region) =>
      new QuotaReader(serviceQuotasClient(clients, region), region).byName('ebs', EBS_COPY_QUOTA_NAME),
    managedDatabases: (region) => managed.managedDatabases(region),
    backups: (site) => catalog.allBackups(site),
    eventRules: (region, namePrefix) =>
      new EventRuleReader(eventBridgeClient(clients, region), region).rulesNamed(namePrefix),
    probe,
  };
}
