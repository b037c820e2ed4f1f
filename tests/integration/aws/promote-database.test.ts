import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
} from '@aws-sdk/client-route-53';
import { cloudwatchClient } from '../../../lib/aws/cloudwatch';
import { RdsMetricsAdapter } from '../../../lib/aws/rds-metrics';
import { RdsRestoreAdapter } from '../../../lib/aws/rds-restore';
import { RdsRetiredAdapter } from '../../../lib/aws/rds-retired';
import { Route53Adapter, route53Client } from '../../../lib/aws/route53';
import { SnapshotMismatchError } from '../../../lib/errors';
import { seedDatabase } from '../../../local/seed';
import { motoClients, uniqueName } from '../../support/moto';

const REGION = 'us-east-1';

describe("promote's database and DNS adapters (moto)", () => {
  const clients = motoClients();
  const rds = clients.rds(REGION);

  const tagsOf = (list: { Key?: string; Value?: string }[] | undefined) =>
    Object.fromEntries((list ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

  const lifeboatTags = (site: string) => ({
    'lifeboat:managed': 'true',
    'lifeboat:stage': 'dev',
    'lifeboat:site': site,
    'lifeboat:recovery-id': '20261122t093900z-1a2b3c4d',
    'lifeboat:role': 'replacement',
  });

  it('reads an AWS/RDS metric of one database with GetMetricData, oldest first', async () => {
    const identifier = uniqueName('lifeboat-db');
    const start = Date.parse('2026-11-22T09:50:00Z');
    await cloudwatchClient(clients, REGION).send(
      new PutMetricDataCommand({
        Namespace: 'AWS/RDS',
        MetricData: [3, 1, 2].map((minute) => ({
          MetricName: 'BinLogDiskUsage',
          Dimensions: [{ Name: 'DBInstanceIdentifier', Value: identifier }],
          Timestamp: new Date(start + minute * 60_000),
          Value: minute * 1000,
        })),
      }),
    );
    const adapter = new RdsMetricsAdapter(cloudwatchClient(clients, REGION), REGION);

    const points = await adapter.datapoints({
      metric: 'BinLogDiskUsage',
      statistic: 'Maximum',
      dimension: 'DBInstanceIdentifier',
      identifier,
      since: new Date(start),
      until: new Date(start + 10 * 60_000),
      periodSeconds: 60,
    });

    expect(points.map((p) => p.value)).toEqual([1000, 2000, 3000]);
    expect(
      await adapter.datapoints({
        metric: 'BinLogDiskUsage',
        statistic: 'Maximum',
        dimension: 'DBInstanceIdentifier',
        identifier: `${identifier}-other`,
        since: new Date(start),
        until: new Date(start + 10 * 60_000),
        periodSeconds: 60,
      }),
    ).toEqual([]);
  });

  it("stops a lifeboat restore after a final snapshot, both tagged with the retain-until; refuses the site's own database", async () => {
    const site = uniqueName('s');
    const restored = await seedDatabase(clients, REGION, uniqueName('lifeboat-r'), {
      tags: lifeboatTags(site),
    });
    const live = await seedDatabase(clients, REGION, uniqueName('live'));
    const adapter = new RdsRestoreAdapter(rds, REGION);
    const retain = { 'lifeboat:retain-until': '2026-11-29T11:00:00.000Z' };
    const { 'lifeboat:site': _site, ...expect_ } = lifeboatTags(site);

    const outcome = await adapter.stopRetired({
      kind: 'rds-instance',
      identifier: restored,
      finalSnapshotId: `${restored}-final`,
      expect: expect_,
      tags: retain,
    });
    const refused = adapter.stopRetired({
      kind: 'rds-instance',
      identifier: live,
      finalSnapshotId: `${live}-final`,
      expect: expect_,
      tags: retain,
    });

    expect(outcome).toEqual({ status: 'stopping', finalSnapshotId: `${restored}-final` });
    await expect(refused).rejects.toBeInstanceOf(SnapshotMismatchError);
    const db = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: restored })))
      .DBInstances?.[0];
    expect(db?.DBInstanceStatus).toBe('stopped');
    expect(tagsOf(db?.TagList)).toMatchObject(retain);
    const snapshot = (
      await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: `${restored}-final` }))
    ).DBSnapshots?.[0];
    expect(tagsOf(snapshot?.TagList)).toMatchObject({ ...retain, 'lifeboat:managed': 'true' });
    const liveDb = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: live })))
      .DBInstances?.[0];
    expect(liveDb?.DBInstanceStatus).toBe('available');
    expect(tagsOf(liveDb?.TagList)['lifeboat:retain-until']).toBeUndefined();
    // A retried call finds it stopped: done, nothing stopped twice.
    expect(
      await adapter.stopRetired({
        kind: 'rds-instance',
        identifier: restored,
        finalSnapshotId: `${restored}-final`,
        expect: expect_,
        tags: retain,
      }),
    ).toEqual({ status: 'stopped', finalSnapshotId: `${restored}-final` });
  });

  it('finds retired databases and final snapshots by their tags, stops and deletes them', async () => {
    const site = uniqueName('s');
    const tags = { ...lifeboatTags(site), 'lifeboat:retain-until': '2026-11-29T11:00:00.000Z' };
    const retiredId = await seedDatabase(clients, REGION, uniqueName('lifeboat-x'), { tags });
    await seedDatabase(clients, REGION, uniqueName('lifeboat-y'), { tags: lifeboatTags(site) });
    const restore = new RdsRestoreAdapter(rds, REGION);
    const { 'lifeboat:site': _s, 'lifeboat:retain-until': _r, ...expect_ } = tags;
    await restore.stopRetired({
      kind: 'rds-instance',
      identifier: retiredId,
      finalSnapshotId: `${retiredId}-final`,
      expect: expect_,
      tags: { 'lifeboat:site': site, 'lifeboat:retain-until': tags['lifeboat:retain-until'] },
    });
    const adapter = new RdsRetiredAdapter(rds, REGION);
    const selector = { 'lifeboat:managed': 'true', 'lifeboat:stage': 'dev', 'lifeboat:site': site };

    const found = await adapter.databases(selector);
    const snapshots = await adapter.snapshots(selector);

    expect(found.map((d) => [d.identifier, d.status])).toEqual([[retiredId, 'stopped']]);
    expect(snapshots.map((s) => s.identifier)).toEqual([`${retiredId}-final`]);
    expect(await adapter.stop('rds-instance', retiredId)).toBe('busy');
    expect(
      await adapter.delete(found[0] ?? { kind: 'rds-instance', identifier: '', status: '', tags: {} }),
    ).toBe('deleting');
    expect(await adapter.databases(selector)).toEqual([]);
    expect(
      await adapter.delete({ kind: 'rds-instance', identifier: retiredId, status: 'stopped', tags }),
    ).toBe('gone');
  });

  it("deletes the sandbox's A record only while it holds lifeboat's value, and a second delete is done", async () => {
    const route53 = route53Client(clients);
    const domain = `${uniqueName('z')}.example.com`;
    const zone = await route53.send(
      new CreateHostedZoneCommand({ Name: domain, CallerReference: uniqueName('ref') }),
    );
    const zoneId = (zone.HostedZone?.Id ?? '').replace('/hostedzone/', '');
    const upsert = (name: string, ip: string) =>
      route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: {
            Changes: [
              {
                Action: 'UPSERT',
                ResourceRecordSet: { Name: name, Type: 'A', TTL: 60, ResourceRecords: [{ Value: ip }] },
              },
            ],
          },
        }),
      );
    await upsert(`sandbox.${domain}`, '203.0.113.9');
    await upsert(`other.${domain}`, '192.0.2.1');
    const adapter = new Route53Adapter(route53);
    const names = async () =>
      (
        (await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId })))
          .ResourceRecordSets ?? []
      )
        .filter((r) => r.Type === 'A')
        .map((r) => r.Name?.replace(/\.$/, ''));

    const wrongValue = await adapter.deleteARecord({
      hostedZoneId: zoneId,
      recordName: `other.${domain}`,
      ip: '203.0.113.9',
      comment: 'promote',
    });
    const deleted = await adapter.deleteARecord({
      hostedZoneId: zoneId,
      recordName: `sandbox.${domain}`,
      ip: '203.0.113.9',
      comment: 'promote',
    });
    const again = await adapter.deleteARecord({
      hostedZoneId: zoneId,
      recordName: `sandbox.${domain}`,
      ip: '203.0.113.9',
      comment: 'promote',
    });

    expect(wrongValue.deleted).toBe(false);
    expect(deleted).toEqual({ deleted: true });
    expect(again).toEqual({ deleted: false, reason: `no A record sandbox.${domain}: already gone` });
    expect(await names()).toEqual([`other.${domain}`]);
  });
});
