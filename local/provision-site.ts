import { randomBytes } from 'node:crypto';
import type { AllAwsClients } from '../lib/aws/all-clients';
import { type SeededDatabase, type SeededSite, type SiteSeed, seedSite } from './seed';

/** A site with everything seeded: what the demo and the CLI run against (its database in the VPC). */
export type ProvisionedSite = Required<SeededSite> & {
  database: Required<SeededDatabase>;
  dns: { productionAddress: string };
};

/** The reference WordPress site, everything lifeboat needs: blog on us-east-1, DR in us-west-2. */
export function referenceBlueprint(overrides: Partial<SiteSeed> = {}): SiteSeed {
  return {
    name: 'blog',
    primaryRegion: 'us-east-1',
    drRegion: 'us-west-2',
    volumeSizeGiB: 20,
    volumeTags: { Environment: 'production' },
    database: 'instance',
    run: { subnets: 2, operatorCidr: '203.0.113.0/24' },
    // The address the record points at before any recovery (the "production" task).
    dns: { domain: 'example.com', productionAddress: '198.51.100.10' },
    catalogBucket: `lifeboat-catalog-${randomBytes(4).toString('hex')}`,
    webhookToken: true,
    notifications: 'topic',
    stateMachines: true,
    ...overrides,
  };
}

/**
 * Provisions the reference site in the emulator (local/seed.ts): network, the tagged EBS data
 * volume, ECS cluster and task definition, the RDS database in the VPC (its subnet group and the
 * site's and the sandbox's database groups), the hosted zone and record, the
 * catalog bucket, the webhook token in SSM, the SNS topic and stand-in state machines.
 */
export async function provisionSite(
  clients: AllAwsClients,
  blueprint: SiteSeed = referenceBlueprint(),
): Promise<ProvisionedSite> {
  const site = await seedSite(clients, blueprint);
  const { database, run, dns, catalogBucket, webhook, notifications, stateMachines } = site;
  if (
    database?.subnetGroup === undefined ||
    database.securityGroupId === undefined ||
    database.sandboxSecurityGroupId === undefined ||
    run === undefined ||
    dns?.productionAddress === undefined ||
    catalogBucket === undefined ||
    webhook === undefined ||
    notifications === undefined ||
    stateMachines === undefined
  )
    throw new Error(`blueprint of ${blueprint.name} leaves out part of the site: give it everything`);
  return {
    ...site,
    database: {
      ...database,
      subnetGroup: database.subnetGroup,
      securityGroupId: database.securityGroupId,
      sandboxSecurityGroupId: database.sandboxSecurityGroupId,
    },
    run,
    dns: { ...dns, productionAddress: dns.productionAddress },
    catalogBucket,
    webhook,
    notifications,
    stateMachines,
  };
}
