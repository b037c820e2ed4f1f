import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { RdsRestoreAdapter } from '../../../lib/aws/rds-restore';
import { SnapshotMismatchError } from '../../../lib/errors';
import { seedDatabase } from '../../../local/seed';
import { motoClients, uniqueName } from '../../support/moto';

describe('RDS restore adapter: discarding a drill database (moto)', () => {
  const clients = motoClients();
  const rds = new RdsRestoreAdapter(clients.rds('us-east-1'), 'us-east-1');
  const DRILL = { 'lifeboat:managed': 'true', 'lifeboat:role': 'drill', 'lifeboat:stage': 'dev' };

  const exists = async (id: string) => {
    const out = await clients.rds('us-east-1').send(new DescribeDBInstancesCommand({}));
    return (out.DBInstances ?? []).some((db) => db.DBInstanceIdentifier === id);
  };

  it("deletes a database tagged as the drill's, without a final snapshot", async () => {
    const id = await seedDatabase(clients, 'us-east-1', uniqueName('lifeboat-drill'), { tags: DRILL });

    const outcome = await rds.discard({ kind: 'rds-instance', identifier: id, expected: DRILL });

    expect(outcome).toEqual({ status: 'deleting' });
    expect(await exists(id)).toBe(false);
    const snapshots = await clients.rds('us-east-1').send(new DescribeDBSnapshotsCommand({}));
    expect((snapshots.DBSnapshots ?? []).map((s) => s.DBInstanceIdentifier)).not.toContain(id);
    expect(await rds.discard({ kind: 'rds-instance', identifier: id, expected: DRILL })).toEqual({
      status: 'deleted',
    });
  });

  it("refuses a database that AWS shows is not the drill's (a recovery's replacement), and leaves it", async () => {
    const id = await seedDatabase(clients, 'us-east-1', uniqueName('lifeboat-replacement'), {
      tags: { ...DRILL, 'lifeboat:role': 'replacement' },
    });

    await expect(rds.discard({ kind: 'rds-instance', identifier: id, expected: DRILL })).rejects.toThrow(
      SnapshotMismatchError,
    );
    expect(await exists(id)).toBe(true);
  });
});
