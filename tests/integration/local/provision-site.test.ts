import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeVolumesCommand, DescribeVpcAttributeCommand } from '@aws-sdk/client-ec2';
import { DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { loadConfigFile } from '../../../lib/config/load';
import { aRecordValue } from '../../../local/inspect';
import { provisionSite, referenceBlueprint } from '../../../local/provision-site';
import { writeSiteConfig } from '../../../local/site-config';
import { motoClients, uniqueName } from '../../support/moto';

describe('provisioning the reference site in moto', () => {
  const clients = motoClients();

  it('builds what lifeboat needs and writes a config that validates with those ids', async () => {
    const site = await provisionSite(clients, referenceBlueprint({ catalogBucket: uniqueName('catalog') }));
    const path = join(await mkdtemp(join(tmpdir(), 'lifeboat-provision-')), 'sites.yml');

    await writeSiteConfig(path, [site], { deadlineSeconds: 10 });

    const [config] = loadConfigFile(path).sites;
    expect(config).toMatchObject({
      name: 'blog',
      regions: { primary: 'us-east-1', dr: 'us-west-2' },
      run: { subnets: site.subnetIds, securityGroups: [site.securityGroupId], volumeName: 'wp-content' },
      dns: { hostedZoneId: site.hostedZoneId, recordName: 'www.example.com' },
      health: { deadlineSeconds: 10 },
    });
    const ec2 = clients.ec2('us-east-1');
    const dns = await ec2.send(
      new DescribeVpcAttributeCommand({ VpcId: site.vpcId, Attribute: 'enableDnsHostnames' }),
    );
    expect(dns.EnableDnsHostnames?.Value).toBe(true);
    const volumes = await ec2.send(
      new DescribeVolumesCommand({ Filters: [{ Name: 'tag:lifeboat:site', Values: ['blog'] }] }),
    );
    expect(volumes.Volumes?.map((v) => v.VolumeId)).toEqual([site.volumeId]);
    const task = await clients
      .ecs('us-east-1')
      .send(new DescribeTaskDefinitionCommand({ taskDefinition: site.taskDefinition }));
    expect(task.taskDefinition?.containerDefinitions?.[0]?.memory).toBe(1024);
    expect(await aRecordValue(clients, site.hostedZoneId, 'www.example.com')).toBe('198.51.100.10');
    const token = await clients
      .ssm('us-east-1')
      .send(new GetParameterCommand({ Name: site.tokenParameter, WithDecryption: true }));
    expect(token.Parameter?.Value).toBe(site.webhookToken);
  });
});
