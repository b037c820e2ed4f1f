import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CopySnapshotCommand, CreateSnapshotCommand } from '@aws-sdk/client-ec2';
import { RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CopyDBSnapshotCommand, CreateDBSnapshotCommand } from '@aws-sdk/client-rds';
import { stringify } from 'yaml';
import type { AllAwsClients } from '../../../lib/aws/all-clients';
import { S3ObjectStore } from '../../../lib/aws/s3';
import type { Backup } from '../../../lib/backup/model';
import { Catalog } from '../../../lib/catalog/catalog';
import { parseConfig } from '../../../lib/config/load';
import type { Site } from '../../../lib/config/schema';
import { deployDrForwarder } from '../../../local/dr-forwarder';
import { type ProvisionedSite, provisionSite, referenceBlueprint } from '../../../local/provision-site';
import { rawSiteConfig } from '../../../local/site-config';
import { buildBackup } from '../../support/builders';

/** A site provisioned in moto that is ready for recovery, with the handles a test breaks it by. */
export interface ReadySite {
  provisioned: ProvisionedSite;
  raw: Record<string, unknown>;
  site: Site;
  catalog: Catalog;
  backup: Backup;
}

let counter = 0;

/** A fresh name each call: every test gets its own VPC, zone, cluster and database. */
export function readySiteName(): string {
  counter += 1;
  return `rd${process.pid % 10000}x${counter}`;
}

/**
 * Provisions the reference site under a fresh name with its record pointing at 127.0.0.1 and
 * the container port of `sitePort` (the local site server), its trigger alarm, the DR-region
 * event forwarder, and one completed, drilled backup whose snapshots and DR copies exist in moto.
 */
export async function provisionReadySite(clients: AllAwsClients, sitePort: number): Promise<ReadySite> {
  const name = readySiteName();
  const provisioned = await provisionSite(
    clients,
    referenceBlueprint({ name, dns: { domain: `${name}.example.com`, productionAddress: '127.0.0.1' } }),
  );
  const raw = rawSiteConfig(provisioned);
  (raw.run as Record<string, unknown>).containerPort = sitePort;
  raw.triggers = { pingdom: { checkIds: [10_000 + counter] }, cloudwatchAlarms: [`${name}-5xx`] };
  const site = parseConfig({ sites: [raw] }).sites[0] as Site;
  // The DR-region forwarder of the default stage, as the README deploys it (shared by every site).
  await deployDrForwarder(clients, {
    stage: 'dev',
    drRegion: site.regions.dr,
    primaryRegion: site.regions.primary,
  });
  // The played site listens on sitePort: the task definition maps that port, as a real one maps its own.
  await clients.ecs('us-east-1').send(
    new RegisterTaskDefinitionCommand({
      family: provisioned.run.taskDefinition,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '512',
      memory: '1024',
      containerDefinitions: [
        {
          name: 'wordpress',
          image: 'wordpress:6',
          memory: 1024,
          portMappings: [{ containerPort: sitePort }],
        },
      ],
      volumes: [{ name: provisioned.run.volumeName, configuredAtLaunch: true }],
    }),
  );
  await clients.cloudwatch('us-east-1').send(
    new PutMetricAlarmCommand({
      AlarmName: `${name}-5xx`,
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HTTPCode_Target_5XX_Count',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
  );
  const catalog = new Catalog(new S3ObjectStore(clients.s3(), provisioned.catalogBucket));
  const backup = await seedRestorableBackup(clients, provisioned, new Date(Date.now() - 6 * 3_600_000));
  backup.status.drill = {
    verdict: 'passed',
    at: new Date(Date.now() - 5 * 3_600_000).toISOString(),
    detail: 'ok',
    files: { verdict: 'passed', detail: 'the task answered' },
    database: { verdict: 'passed', detail: 'available; the site answered with it' },
  };
  await catalog.createBackup(backup);
  return { provisioned, raw, site, catalog, backup };
}

/** A Completed backup record taken `at`, whose volume and DB snapshots and DR copies exist in moto. */
export async function seedRestorableBackup(
  clients: AllAwsClients,
  p: ProvisionedSite,
  at: Date,
): Promise<Backup> {
  const { name, primaryRegion, drRegion } = p;
  const backup = buildBackup({ site: name, at: at.toISOString(), phase: 'Completed' });
  const tags = [
    { Key: 'lifeboat:site', Value: name },
    { Key: 'lifeboat:backup-id', Value: backup.id },
    { Key: 'lifeboat:managed', Value: 'true' },
  ];
  const snap = await clients.ec2(primaryRegion).send(
    new CreateSnapshotCommand({
      VolumeId: p.volumeIds[0],
      TagSpecifications: [{ ResourceType: 'snapshot', Tags: tags }],
    }),
  );
  const copy = await clients.ec2(drRegion).send(
    new CopySnapshotCommand({
      SourceRegion: primaryRegion,
      SourceSnapshotId: snap.SnapshotId,
      TagSpecifications: [{ ResourceType: 'snapshot', Tags: tags }],
    }),
  );
  const dbSnapshotId = `lifeboat-${name}-${backup.id}`;
  const dbSnap = await clients.rds(primaryRegion).send(
    new CreateDBSnapshotCommand({
      DBInstanceIdentifier: p.database.id,
      DBSnapshotIdentifier: dbSnapshotId,
      Tags: tags,
    }),
  );
  await clients.rds(drRegion).send(
    new CopyDBSnapshotCommand({
      SourceDBSnapshotIdentifier: dbSnap.DBSnapshot?.DBSnapshotArn,
      TargetDBSnapshotIdentifier: dbSnapshotId,
      Tags: tags,
    }),
  );
  backup.status.parts = [
    {
      kind: 'ebs-volume',
      sourceId: p.volumeIds[0] ?? '',
      snapshotId: snap.SnapshotId,
      state: 'completed',
      copy: {
        region: drRegion,
        state: 'completed',
        snapshotId: copy.SnapshotId,
        completedAt: at.toISOString(),
      },
    },
    {
      kind: 'rds-instance',
      sourceId: p.database.id,
      snapshotId: dbSnapshotId,
      state: 'completed',
      copy: { region: drRegion, state: 'completed', snapshotId: dbSnapshotId, completedAt: at.toISOString() },
    },
  ];
  return backup;
}

/** Writes the sites' config (as the operator would) to `dir`/sites.yml and returns its path. */
export async function writeConfig(dir: string, raws: Record<string, unknown>[]): Promise<string> {
  const path = join(dir, 'sites.yml');
  parseConfig({ sites: raws }, path);
  await writeFile(path, stringify({ sites: raws }));
  return path;
}
