import {
  CopyDBSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  paginateDescribeDBSnapshots,
} from '@aws-sdk/client-rds';
import { AwsStandin } from '../../../../local/aws-standin/aws-standin';

process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';

function world() {
  const standin = new AwsStandin({ now: () => Date.parse('2026-11-22T02:00:00Z') });
  const clients = standin.clients(1);
  return { east: clients.rds('us-east-1'), west: clients.rds('us-west-2') };
}

async function database(rds: ReturnType<typeof world>['east'], id: string) {
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      Engine: 'mysql',
      DBInstanceClass: 'db.t3.micro',
      AllocatedStorage: 20,
      Tags: [{ Key: 'lifeboat:site', Value: 'a' }],
    }),
  );
}

describe('aws-standin RDS (awsQuery in, <Action>Response><Action>Result> XML out, through the SDK)', () => {
  it('CreateDBInstance and DescribeDBInstances: ARN, encryption, tags; an unknown id is DBInstanceNotFound (404)', async () => {
    const { east } = world();
    await database(east, 'a-db');

    const out = await east.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'a-db' }));

    expect(out.DBInstances).toEqual([
      expect.objectContaining({
        DBInstanceIdentifier: 'a-db',
        DBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:a-db',
        StorageEncrypted: false,
        DBInstanceStatus: 'available',
        TagList: [{ Key: 'lifeboat:site', Value: 'a' }],
      }),
    ]);
    await expect(
      east.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' })),
    ).rejects.toMatchObject({
      name: 'DBInstanceNotFoundFault',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('CreateDBSnapshot tags on creation; the same identifier again is DBSnapshotAlreadyExists', async () => {
    const { east } = world();
    await database(east, 'a-db');

    const made = await east.send(
      new CreateDBSnapshotCommand({
        DBInstanceIdentifier: 'a-db',
        DBSnapshotIdentifier: 'lifeboat-a-1',
        Tags: [{ Key: 'lifeboat:backup-id', Value: 'b1' }],
      }),
    );

    expect(made.DBSnapshot).toMatchObject({
      DBSnapshotIdentifier: 'lifeboat-a-1',
      DBInstanceIdentifier: 'a-db',
      DBSnapshotArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:lifeboat-a-1',
      Status: 'available',
      SnapshotType: 'manual',
      Encrypted: false,
      SnapshotCreateTime: new Date('2026-11-22T02:00:00Z'),
      TagList: [{ Key: 'lifeboat:backup-id', Value: 'b1' }],
    });
    await expect(
      east.send(
        new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'a-db', DBSnapshotIdentifier: 'lifeboat-a-1' }),
      ),
    ).rejects.toMatchObject({ name: 'DBSnapshotAlreadyExistsFault' });
    await expect(
      east.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'nope', DBSnapshotIdentifier: 'x' })),
    ).rejects.toMatchObject({ name: 'DBInstanceNotFoundFault' });
  });

  it('DescribeDBSnapshots by identifier, by instance, and paged by MaxRecords and Marker', async () => {
    const { east } = world();
    await database(east, 'a-db');
    const ids = Array.from({ length: 25 }, (_, i) => `lifeboat-a-${String(i).padStart(2, '0')}`);
    for (const id of ids)
      await east.send(
        new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'a-db', DBSnapshotIdentifier: id }),
      );

    const pages: number[] = [];
    const seen: string[] = [];
    for await (const page of paginateDescribeDBSnapshots(
      { client: east, pageSize: 20 },
      { SnapshotType: 'manual' },
    )) {
      pages.push(page.DBSnapshots?.length ?? 0);
      seen.push(...(page.DBSnapshots ?? []).map((s) => s.DBSnapshotIdentifier ?? ''));
    }
    const one = await east.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'lifeboat-a-03' }));

    expect(pages).toEqual([20, 5]);
    expect(seen).toEqual(ids);
    expect(one.DBSnapshots?.map((s) => s.DBSnapshotIdentifier)).toEqual(['lifeboat-a-03']);
    await expect(
      east.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'nope' })),
    ).rejects.toMatchObject({
      name: 'DBSnapshotNotFoundFault',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('CopyDBSnapshot from another region by ARN lands in the calling region with its own tags', async () => {
    const { east, west } = world();
    await database(east, 'a-db');
    const source = await east.send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'a-db', DBSnapshotIdentifier: 'lifeboat-a-1' }),
    );
    const arn = source.DBSnapshot?.DBSnapshotArn ?? '';

    const copy = await west.send(
      new CopyDBSnapshotCommand({
        SourceDBSnapshotIdentifier: arn,
        TargetDBSnapshotIdentifier: 'lifeboat-a-1-dr',
        Tags: [{ Key: 'lifeboat:source-snapshot', Value: 'lifeboat-a-1' }],
      }),
    );

    expect(copy.DBSnapshot).toMatchObject({
      DBSnapshotIdentifier: 'lifeboat-a-1-dr',
      DBSnapshotArn: 'arn:aws:rds:us-west-2:123456789012:snapshot:lifeboat-a-1-dr',
      DBInstanceIdentifier: 'a-db',
      SourceDBSnapshotIdentifier: arn,
      TagList: [{ Key: 'lifeboat:source-snapshot', Value: 'lifeboat-a-1' }],
    });
    await expect(
      west.send(
        new CopyDBSnapshotCommand({
          SourceDBSnapshotIdentifier: arn.replace('lifeboat-a-1', 'nope'),
          TargetDBSnapshotIdentifier: 'x',
        }),
      ),
    ).rejects.toMatchObject({ name: 'DBSnapshotNotFoundFault' });
  });

  it('DeleteDBSnapshot answers the deleted snapshot, then DBSnapshotNotFound; clusters are absent', async () => {
    const { east } = world();
    await database(east, 'a-db');
    await east.send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'a-db', DBSnapshotIdentifier: 's1' }),
    );

    const gone = await east.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: 's1' }));

    expect(gone.DBSnapshot).toMatchObject({ DBSnapshotIdentifier: 's1', Status: 'deleted' });
    await expect(
      east.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: 's1' })),
    ).rejects.toMatchObject({
      name: 'DBSnapshotNotFoundFault',
    });
    expect(
      (await east.send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'manual' }))).DBClusterSnapshots,
    ).toEqual([]);
    await expect(
      east.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: 'c1' })),
    ).rejects.toMatchObject({ name: 'DBClusterSnapshotNotFoundFault' });
  });
});
