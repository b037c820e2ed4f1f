import { DeleteAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  AuthorizeSecurityGroupIngressCommand,
  DeleteSnapshotCommand,
  DeleteSubnetCommand,
} from '@aws-sdk/client-ec2';
import { RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { DeleteDBInstanceCommand } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import type { AllAwsClients } from '../../../lib/aws/all-clients';
import { parseConfig } from '../../../lib/config/load';
import type { Site } from '../../../lib/config/schema';
import type { CheckId } from '../../../lib/readiness/model';
import type { ReadySite } from './scenario';

/** One way to make a ready site unrecoverable in moto, and the failing check that must say so. */
export interface Breaker {
  name: string;
  check: CheckId;
  reason: RegExp;
  apply(clients: AllAwsClients, ready: ReadySite): Promise<void>;
}

function reconfigure(ready: ReadySite, change: (raw: Record<string, Record<string, unknown>>) => void): void {
  change(ready.raw as Record<string, Record<string, unknown>>);
  ready.site = parseConfig({ sites: [ready.raw] }).sites[0] as Site;
}

/** Every failing condition `lifeboat check` must catch, each set up for real in moto. */
export const BREAKERS: Breaker[] = [
  {
    name: 'a deleted subnet',
    check: 'network',
    reason: /subnet subnet-[0-9a-f]+ does not exist in us-east-1: RunTask would fail/,
    async apply(clients, { provisioned }) {
      await clients
        .ec2('us-east-1')
        .send(new DeleteSubnetCommand({ SubnetId: provisioned.run.subnetIds[0] }));
    },
  },
  {
    name: 'a sandbox security group opened to the internet',
    check: 'sandbox-exposure',
    reason: /sg-[0-9a-f]+ admits 0\.0\.0\.0\/0: the sandbox would be refused/,
    async apply(clients, { provisioned }) {
      await clients.ec2('us-east-1').send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: provisioned.run.sandboxSecurityGroupId,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        }),
      );
    },
  },
  {
    name: 'a task definition whose volume is not configured at launch',
    check: 'task-definition',
    reason: /volume wp-content of .* is not configuredAtLaunch/,
    async apply(clients, { provisioned }) {
      await clients.ecs('us-east-1').send(
        new RegisterTaskDefinitionCommand({
          family: provisioned.run.taskDefinition,
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '512',
          memory: '1024',
          containerDefinitions: [
            { name: 'wordpress', image: 'wordpress:6', memory: 1024, portMappings: [{ containerPort: 80 }] },
          ],
          volumes: [{ name: 'wp-content' }],
        }),
      );
    },
  },
  {
    name: 'the site record deleted',
    check: 'dns-records',
    reason: /www\.\S+ has no A record/,
    async apply(clients, { provisioned }) {
      await clients.route53().send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: provisioned.dns.hostedZoneId,
          ChangeBatch: {
            Changes: [
              {
                Action: 'DELETE',
                ResourceRecordSet: {
                  Name: provisioned.dns.recordName,
                  Type: 'A',
                  TTL: 60,
                  ResourceRecords: [{ Value: '127.0.0.1' }],
                },
              },
            ],
          },
        }),
      );
    },
  },
  {
    name: 'a CNAME at the sandbox name (moto accepts the A record beside it, Route 53 does not)',
    check: 'dns-records',
    reason: /sandbox\.\S+ is a CNAME \(lb\.example\.net\)/,
    async apply(clients, { provisioned }) {
      await clients.route53().send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: provisioned.dns.hostedZoneId,
          ChangeBatch: {
            Changes: [
              {
                Action: 'CREATE',
                ResourceRecordSet: {
                  Name: provisioned.dns.sandboxRecordName,
                  Type: 'CNAME',
                  TTL: 60,
                  ResourceRecords: [{ Value: 'lb.example.net' }],
                },
              },
            ],
          },
        }),
      );
    },
  },
  {
    name: 'a record name outside the hosted zone',
    check: 'dns-zone',
    reason: /www\.elsewhere\.org not inside zone \S+: Route 53 would refuse the change/,
    async apply(_clients, ready) {
      reconfigure(ready, (raw) => {
        raw.dns = { ...raw.dns, recordName: 'www.elsewhere.org' };
      });
    },
  },
  {
    name: 'no backup in the catalog',
    check: 'known-good-backup',
    reason: /has no completed backup with a volume snapshot: nothing to recover from/,
    async apply(_clients, { catalog, backup }) {
      await catalog.deleteBackup(backup);
    },
  },
  {
    name: 'the DR copy of the known-good volume snapshot deleted',
    check: 'known-good-backup',
    reason: /DR copy in us-west-2 snap-[0-9a-f]+ does not exist/,
    async apply(clients, { backup }) {
      const copyId = backup.status.parts[0]?.copy.snapshotId;
      await clients.ec2('us-west-2').send(new DeleteSnapshotCommand({ SnapshotId: copyId }));
    },
  },
  {
    name: 'a failed restore drill',
    check: 'drill',
    reason: /the drill of \S+ .* ago failed: HTTP 502 from the restored task/,
    async apply(_clients, { catalog, backup }) {
      await catalog.updateBackup(backup.site, backup.id, (b) => {
        b.status.drill = {
          verdict: 'failed',
          at: new Date().toISOString(),
          detail: 'HTTP 502 from the restored task',
        };
        return b;
      });
    },
  },
  {
    name: 'the database deleted',
    check: 'database',
    reason: /-db does not exist in us-east-1: backups and the broken-state capture would fail/,
    async apply(clients, { provisioned }) {
      await clients.rds('us-east-1').send(
        new DeleteDBInstanceCommand({
          DBInstanceIdentifier: provisioned.database.id,
          SkipFinalSnapshot: true,
        }),
      );
    },
  },
  {
    name: 'the trigger alarm deleted',
    check: 'triggers',
    reason: /alarm \S+-5xx does not exist in us-east-1: it never starts a recovery/,
    async apply(clients, { site }) {
      await clients
        .cloudwatch('us-east-1')
        .send(new DeleteAlarmsCommand({ AlarmNames: site.triggers.cloudwatchAlarms }));
    },
  },
];
