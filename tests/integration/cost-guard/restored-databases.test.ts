import { StopDBInstanceCommand } from '@aws-sdk/client-rds';
import { RdsAdapter } from '../../../lib/aws/rds';
import { RdsRestoreAdapter } from '../../../lib/aws/rds-restore';
import { ManagedDatabasesReader } from '../../../lib/aws/restored-databases';
import { findRestoredDatabases } from '../../../lib/cost-guard/restored-databases';
import { awsManagedDatabases } from '../../../lib/cost-guard/wiring';
import type { Role } from '../../../lib/tags/vocabulary';
import { restoredDatabaseIdentifier, restoredDatabaseTags } from '../../../lib/tags/vocabulary';
import { seedDatabase } from '../../../local/seed';
import { FakeClock } from '../../support/fake-clock';
import { motoClients, uniqueName, uniqueSiteName } from '../../support/moto';

/**
 * The cost guard finds what a recovery restored, through the recovery's own restore adapter and
 * tags, in RDS as moto serves it (TagList on DescribeDBInstances and DescribeDBClusters).
 */
describe('restored databases on moto', () => {
  const clients = motoClients();
  const BACKUP = '20261122t020000z-scheduled';

  /** Restores `site`'s database the way a recovery's step does, tagged for `stage` and `role`. */
  async function restoreInstance(site: string, stage: string, role: Role, region = 'us-east-1') {
    const source = await seedDatabase(clients, region, uniqueName('src'));
    const recoveryId = uniqueName('rec');
    const identifier = restoredDatabaseIdentifier(site, recoveryId, role, BACKUP);
    await new RdsRestoreAdapter(clients.rds(region), region).restore({
      kind: 'rds-instance',
      identifier,
      from: { sourceId: source },
      engine: 'mysql',
      instanceClass: 'db.t3.micro',
      securityGroups: [],
      tags: restoredDatabaseTags(site, recoveryId, role, BACKUP, stage),
    });
    return { identifier, recoveryId, source };
  }

  it('lists a restored instance with its status, class, creation time and tags, and not its source', async () => {
    const site = uniqueSiteName();
    const stage = uniqueSiteName('st');
    const { identifier, recoveryId, source } = await restoreInstance(site, stage, 'replacement');

    const found = await new ManagedDatabasesReader(clients.rds('us-east-1'), 'us-east-1').managedDatabases();

    const mine = found.find((d) => d.identifier === identifier);
    expect(mine).toMatchObject({
      kind: 'rds-instance',
      status: 'available',
      instanceClasses: ['db.t3.micro'],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      tags: { 'lifeboat:site': site, 'lifeboat:recovery-id': recoveryId, 'lifeboat:stage': stage },
    });
    expect(found.map((d) => d.identifier)).not.toContain(source);
  });

  it('finds this stage’s restored databases in both regions, a stopped one listed but not counted', async () => {
    const site = uniqueSiteName();
    const stage = uniqueSiteName('st');
    const replacement = await restoreInstance(site, stage, 'replacement');
    const drill = await restoreInstance(site, stage, 'drill', 'us-west-2');
    const sandbox = await restoreInstance(site, stage, 'sandbox');
    await clients
      .rds('us-east-1')
      .send(new StopDBInstanceCommand({ DBInstanceIdentifier: sandbox.identifier }));
    const otherStage = await restoreInstance(site, uniqueSiteName('st'), 'replacement');
    // Hours later by the clock: moto's creation time is now.
    const clock = new FakeClock(new Date(Date.now() + 30 * 3_600_000).toISOString());

    const found = await findRestoredDatabases(awsManagedDatabases(clients), clock, {
      regions: ['us-east-1', 'us-west-2'],
      stage,
      maxAgeHours: 24,
      site,
    });

    expect(found.unreadable).toEqual([]);
    expect(found.databases.map((d) => [d.identifier, d.region, d.role, d.status, d.overAge]).sort()).toEqual(
      [
        [replacement.identifier, 'us-east-1', 'replacement', 'available', true],
        [drill.identifier, 'us-west-2', 'drill', 'available', true],
        [sandbox.identifier, 'us-east-1', 'sandbox', 'stopped', false],
      ].sort(),
    );
    expect(found.databases.map((d) => d.identifier)).not.toContain(otherStage.identifier);
  });

  it('lists a restored Aurora cluster once, with its instance’s class', async () => {
    const site = uniqueSiteName();
    const stage = uniqueSiteName('st');
    const source = await seedDatabase(clients, 'us-east-1', uniqueName('aurora'), { kind: 'cluster' });
    const snapshot = await new RdsAdapter(clients.rds('us-east-1'), 'us-east-1').createSnapshot(
      'rds-cluster',
      source,
      uniqueName('lifeboat-snap'),
      { 'lifeboat:managed': 'true' },
    );
    const recoveryId = uniqueName('rec');
    const identifier = restoredDatabaseIdentifier(site, recoveryId, 'sandbox', BACKUP);
    await new RdsRestoreAdapter(clients.rds('us-east-1'), 'us-east-1').restore({
      kind: 'rds-cluster',
      identifier,
      instanceIdentifier: `${identifier}-w`,
      from: { snapshotId: snapshot.identifier },
      engine: 'aurora-mysql',
      instanceClass: 'db.r6g.large',
      securityGroups: [],
      tags: restoredDatabaseTags(site, recoveryId, 'sandbox', BACKUP, stage),
    });

    const found = await findRestoredDatabases(awsManagedDatabases(clients), new FakeClock(new Date()), {
      regions: ['us-east-1'],
      stage,
      maxAgeHours: 24,
    });

    expect(found.databases).toEqual([
      expect.objectContaining({
        kind: 'rds-cluster',
        identifier,
        site,
        role: 'sandbox',
        instanceClasses: ['db.r6g.large'],
        cost: expect.objectContaining({ costClass: 'medium' }),
      }),
    ]);
  });
});
