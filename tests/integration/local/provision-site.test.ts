import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeVolumesCommand, DescribeVpcAttributeCommand } from '@aws-sdk/client-ec2';
import { DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { loadConfigFile } from '../../../lib/config/load';
import { aRecordValue } from '../../../local/inspect';
import { provisionSite, referenceBlueprint } from '../../../local/provision-site';
import { seedSites } from '../../../local/seed';
import { siteConfig, writeSiteConfig } from '../../../local/site-config';
import { motoClients, uniqueName, uniqueSiteName } from '../../support/moto';

describe('provisioning the reference site in moto', () => {
  const clients = motoClients();

  it('builds what lifeboat needs and writes a config that validates with those ids', async () => {
    const site = await provisionSite(clients, referenceBlueprint({ catalogBucket: uniqueName('catalog') }));
    const path = join(await mkdtemp(join(tmpdir(), 'lifeboat-provision-')), 'sites.yml');

    await writeSiteConfig(path, [site], { health: { deadlineSeconds: 10 } });

    const [config] = loadConfigFile(path).sites;
    expect(config).toMatchObject({
      name: 'blog',
      regions: { primary: 'us-east-1', dr: 'us-west-2' },
      run: {
        subnets: site.run.subnetIds,
        securityGroups: [site.run.securityGroupId],
        volumeName: 'wp-content',
      },
      dns: { hostedZoneId: site.dns.hostedZoneId, recordName: 'www.example.com' },
      health: { deadlineSeconds: 10 },
    });
    const ec2 = clients.ec2('us-east-1');
    const dns = await ec2.send(
      new DescribeVpcAttributeCommand({ VpcId: site.run.vpcId, Attribute: 'enableDnsHostnames' }),
    );
    expect(dns.EnableDnsHostnames?.Value).toBe(true);
    const volumes = await ec2.send(
      new DescribeVolumesCommand({ Filters: [{ Name: 'tag:lifeboat:site', Values: ['blog'] }] }),
    );
    expect(volumes.Volumes?.map((v) => v.VolumeId)).toEqual(site.volumeIds);
    const task = await clients
      .ecs('us-east-1')
      .send(new DescribeTaskDefinitionCommand({ taskDefinition: site.run.taskDefinition }));
    expect(task.taskDefinition?.containerDefinitions?.[0]?.memory).toBe(1024);
    expect(await aRecordValue(clients, site.dns.hostedZoneId, 'www.example.com')).toBe('198.51.100.10');
    const token = await clients
      .ssm('us-east-1')
      .send(new GetParameterCommand({ Name: site.webhook.tokenParameter, WithDecryption: true }));
    expect(token.Parameter?.Value).toBe(site.webhook.token);
  });

  it('seeds only what a backup caller asks for: several volumes, an Aurora cluster, a config that validates', async () => {
    const names = [uniqueSiteName('a'), uniqueSiteName('b')];

    const sites = await seedSites(
      clients,
      names.map((name) => ({ name, volumes: 3, database: 'cluster' as const })),
    );
    const config = siteConfig(sites);

    expect(sites.map((s) => [s.name, s.volumeIds.length, s.run, s.dns])).toEqual(
      names.map((name) => [name, 3, undefined, undefined]),
    );
    expect(config.sites.map((s) => [s.protect.database, s.triggers.pingdom?.checkIds])).toEqual([
      [{ cluster: `${names[0]}-db` }, [12345]],
      [{ cluster: `${names[1]}-db` }, [12346]],
    ]);
    const volumes = await clients
      .ec2('us-east-1')
      .send(
        new DescribeVolumesCommand({ Filters: [{ Name: 'tag:lifeboat:site', Values: [names[1] ?? ''] }] }),
      );
    expect(volumes.Volumes?.map((v) => v.VolumeId).sort()).toEqual([...(sites[1]?.volumeIds ?? [])].sort());
    const clusters = await clients
      .rds('us-east-1')
      .send(new DescribeDBClustersCommand({ DBClusterIdentifier: `${names[0]}-db` }));
    expect(clusters.DBClusters?.map((c) => c.Engine)).toEqual(['aurora-mysql']);
  });
});
