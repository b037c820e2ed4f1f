import {
  CopySnapshotCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DeleteSnapshotCommand,
  DescribeSnapshotsCommand,
  type DescribeSnapshotsCommandInput,
  DescribeVolumesCommand,
  paginateDescribeSnapshots,
  paginateDescribeVolumes,
} from '@aws-sdk/client-ec2';
import { AwsStandin } from '../../../../local/aws-standin/aws-standin';

process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';

const NOW = Date.parse('2026-11-22T02:00:00Z');

function world() {
  const standin = new AwsStandin({ now: () => NOW });
  const clients = standin.clients(1);
  return { standin, east: clients.ec2('us-east-1'), west: clients.ec2('us-west-2') };
}

async function volume(ec2: ReturnType<typeof world>['east'], tags: Record<string, string>) {
  const out = await ec2.send(
    new CreateVolumeCommand({
      AvailabilityZone: 'us-east-1a',
      Size: 20,
      VolumeType: 'gp3',
      TagSpecifications: [
        { ResourceType: 'volume', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
      ],
    }),
  );
  return out.VolumeId ?? '';
}

const snapshotTags = (tags: Record<string, string>) => [
  { ResourceType: 'snapshot' as const, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
];

describe('aws-standin EC2 (query protocol in, EC2 XML out, through the SDK)', () => {
  it('CreateVolume and DescribeVolumes: tags, size, zone; tag filters and ids', async () => {
    const { east } = world();
    const a = await volume(east, { 'lifeboat:site': 'a', Name: 'a-1' });
    await volume(east, { 'lifeboat:site': 'b' });

    const byTag = await east.send(
      new DescribeVolumesCommand({ Filters: [{ Name: 'tag:lifeboat:site', Values: ['a'] }] }),
    );
    const byId = await east.send(new DescribeVolumesCommand({ VolumeIds: [a] }));

    expect(byTag.Volumes).toEqual([
      expect.objectContaining({
        VolumeId: a,
        Size: 20,
        AvailabilityZone: 'us-east-1a',
        VolumeType: 'gp3',
        Encrypted: false,
        State: 'available',
        Tags: [
          { Key: 'lifeboat:site', Value: 'a' },
          { Key: 'Name', Value: 'a-1' },
        ],
      }),
    ]);
    expect(byId.Volumes?.map((v) => v.VolumeId)).toEqual([a]);
  });

  it('DescribeVolumes pages with MaxResults and NextToken, in creation order', async () => {
    const { east } = world();
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) ids.push(await volume(east, { 'lifeboat:site': 'a' }));

    const pages: string[][] = [];
    for await (const page of paginateDescribeVolumes({ client: east, pageSize: 5 }, {}))
      pages.push((page.Volumes ?? []).map((v) => v.VolumeId ?? ''));

    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(pages.flat()).toEqual(ids);
  });

  it('an unknown volume is InvalidVolume.NotFound, as the SDK names it', async () => {
    const { east } = world();

    const describe = east.send(new DescribeVolumesCommand({ VolumeIds: ['vol-0123456789abcdef0'] }));
    const snapshot = east.send(new CreateSnapshotCommand({ VolumeId: 'vol-0123456789abcdef0' }));

    await expect(describe).rejects.toMatchObject({
      name: 'InvalidVolume.NotFound',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(snapshot).rejects.toMatchObject({ name: 'InvalidVolume.NotFound' });
  });

  it('CreateSnapshot tags on creation; DescribeSnapshots filters by tag, tag-key, id, volume and owner', async () => {
    const { east } = world();
    const vol = await volume(east, { 'lifeboat:site': 'a' });
    const other = await volume(east, { 'lifeboat:site': 'b' });
    const made = await east.send(
      new CreateSnapshotCommand({
        VolumeId: vol,
        Description: 'lifeboat a',
        TagSpecifications: snapshotTags({ 'lifeboat:site': 'a', 'lifeboat:backup-id': 'b1' }),
      }),
    );
    await east.send(
      new CreateSnapshotCommand({
        VolumeId: other,
        TagSpecifications: snapshotTags({ 'lifeboat:site': 'b' }),
      }),
    );
    const ids = async (input: DescribeSnapshotsCommandInput) =>
      ((await east.send(new DescribeSnapshotsCommand(input))).Snapshots ?? []).map((s) => s.SnapshotId);

    expect(made).toMatchObject({
      VolumeId: vol,
      State: 'completed',
      Description: 'lifeboat a',
      OwnerId: '123456789012',
      VolumeSize: 20,
      Encrypted: false,
      StartTime: new Date(NOW),
      Tags: [
        { Key: 'lifeboat:site', Value: 'a' },
        { Key: 'lifeboat:backup-id', Value: 'b1' },
      ],
    });
    const id = made.SnapshotId;
    expect(
      await ids({
        OwnerIds: ['self'],
        Filters: [
          { Name: 'tag:lifeboat:site', Values: ['a'] },
          { Name: 'tag:lifeboat:backup-id', Values: ['b1'] },
        ],
      }),
    ).toEqual([id]);
    expect(await ids({ Filters: [{ Name: 'tag-key', Values: ['lifeboat:backup-id'] }] })).toEqual([id]);
    expect(await ids({ Filters: [{ Name: 'snapshot-id', Values: [id ?? ''] }] })).toEqual([id]);
    expect(await ids({ Filters: [{ Name: 'volume-id', Values: [vol] }] })).toEqual([id]);
    expect(await ids({ SnapshotIds: [id ?? ''] })).toEqual([id]);
    expect(await ids({ OwnerIds: ['amazon'] })).toEqual([]);
    expect(await ids({ Filters: [{ Name: 'tag:lifeboat:site', Values: ['c'] }] })).toEqual([]);
  });

  it('DescribeSnapshots pages by MaxResults and NextToken; an unknown filter or id is refused', async () => {
    const { east } = world();
    const vol = await volume(east, {});
    const made: string[] = [];
    for (let i = 0; i < 7; i += 1)
      made.push(
        (
          await east.send(
            new CreateSnapshotCommand({ VolumeId: vol, TagSpecifications: snapshotTags({ k: 'v' }) }),
          )
        ).SnapshotId ?? '',
      );

    const pages: number[] = [];
    const seen: string[] = [];
    for await (const page of paginateDescribeSnapshots(
      { client: east, pageSize: 5 },
      { OwnerIds: ['self'], Filters: [{ Name: 'tag:k', Values: ['v'] }] },
    )) {
      pages.push(page.Snapshots?.length ?? 0);
      seen.push(...(page.Snapshots ?? []).map((s) => s.SnapshotId ?? ''));
    }

    expect(pages).toEqual([5, 2]);
    expect(seen).toEqual(made);
    await expect(
      east.send(new DescribeSnapshotsCommand({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(
      east.send(new DescribeSnapshotsCommand({ SnapshotIds: ['snap-0123456789abcdef0'] })),
    ).rejects.toMatchObject({ name: 'InvalidSnapshot.NotFound' });
  });

  it('CopySnapshot lands in the region it is called in, from the source region, tagged on creation', async () => {
    const { east, west, standin } = world();
    const vol = await volume(east, {});
    const source = (await east.send(new CreateSnapshotCommand({ VolumeId: vol }))).SnapshotId ?? '';

    const copy = await west.send(
      new CopySnapshotCommand({
        SourceRegion: 'us-east-1',
        SourceSnapshotId: source,
        Description: 'dr',
        TagSpecifications: snapshotTags({ 'lifeboat:source-snapshot': source }),
      }),
    );
    const inWest = await west.send(new DescribeSnapshotsCommand({ SnapshotIds: [copy.SnapshotId ?? ''] }));

    expect(copy.Tags).toEqual([{ Key: 'lifeboat:source-snapshot', Value: source }]);
    expect(inWest.Snapshots).toEqual([
      expect.objectContaining({ SnapshotId: copy.SnapshotId, Description: 'dr', State: 'completed' }),
    ]);
    expect(standin.ec2('us-east-1').snapshots.get(copy.SnapshotId ?? '')).toBeUndefined();
    await expect(
      west.send(
        new CopySnapshotCommand({ SourceRegion: 'us-east-1', SourceSnapshotId: 'snap-0123456789abcdef0' }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidSnapshot.NotFound' });
  });

  it('DeleteSnapshot removes it from every index; a second delete is InvalidSnapshot.NotFound', async () => {
    const { east } = world();
    const vol = await volume(east, {});
    const id =
      (
        await east.send(
          new CreateSnapshotCommand({ VolumeId: vol, TagSpecifications: snapshotTags({ k: 'v' }) }),
        )
      ).SnapshotId ?? '';

    await east.send(new DeleteSnapshotCommand({ SnapshotId: id }));

    const left = await east.send(
      new DescribeSnapshotsCommand({ Filters: [{ Name: 'tag:k', Values: ['v'] }] }),
    );
    expect(left.Snapshots).toEqual([]);
    await expect(east.send(new DeleteSnapshotCommand({ SnapshotId: id }))).rejects.toMatchObject({
      name: 'InvalidSnapshot.NotFound',
    });
  });
});
