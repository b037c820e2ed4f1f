import { select, TagIndexed } from './tag-index';
import { el, isoTime, list, type QueryParams, refuse, requestId, tagsFrom } from './wire';

/** An EBS volume as the stand-in keeps it. */
export interface StandinVolume {
  id: string;
  seq: number;
  availabilityZone: string;
  sizeGiB: number;
  volumeType: string;
  encrypted: boolean;
  createdAt: number;
  tags: Map<string, string>;
}

/** An EBS snapshot (or a DR copy) as the stand-in keeps it. */
export interface StandinSnapshot {
  id: string;
  seq: number;
  volumeId: string;
  volumeSizeGiB: number;
  description: string;
  encrypted: boolean;
  kmsKeyId?: string;
  ownerId: string;
  startedAt: number;
  tags: Map<string, string>;
}

const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

function tagSet(tags: Map<string, string>): string {
  return list(
    'tagSet',
    [...tags].map(([k, v]) => `<item>${el('key', k)}${el('value', v)}</item>`),
  );
}

/** Tags of the TagSpecifications for `resourceType`. */
function tagSpecifications(params: QueryParams, resourceType: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const spec of params.structs('TagSpecification')) {
    if (spec.get('ResourceType') !== resourceType) continue;
    for (const [k, v] of tagsFrom(spec.structs('Tag'))) tags.set(k, v);
  }
  return tags;
}

function snapshotFields(s: StandinSnapshot): string {
  // moto and the stand-in complete every snapshot at once; the SDK middleware (snapshot-lifecycle.ts) keeps it pending.
  return (
    el('snapshotId', s.id) +
    el('volumeId', s.volumeId) +
    el('status', 'completed') +
    el('startTime', isoTime(s.startedAt)) +
    el('progress', '100%') +
    el('ownerId', s.ownerId) +
    el('volumeSize', s.volumeSizeGiB) +
    el('description', s.description) +
    el('encrypted', s.encrypted) +
    el('kmsKeyId', s.kmsKeyId) +
    tagSet(s.tags)
  );
}

function volumeFields(v: StandinVolume): string {
  return (
    el('volumeId', v.id) +
    el('size', v.sizeGiB) +
    el('availabilityZone', v.availabilityZone) +
    el('status', 'available') +
    el('createTime', isoTime(v.createdAt)) +
    el('volumeType', v.volumeType) +
    el('encrypted', v.encrypted) +
    el('multiAttachEnabled', false) +
    tagSet(v.tags)
  );
}

function response(action: string, body: string): string {
  return `<${action}Response xmlns="${EC2_NS}">${el('requestId', requestId())}${body}</${action}Response>`;
}

/** A filter of a Describe call: its name and values. */
interface Filter {
  name: string;
  values: string[];
}

function filtersOf(params: QueryParams): Filter[] {
  return params.structs('Filter').map((f) => ({ name: f.required('Name'), values: f.list('Value') }));
}

/** EC2's paging: MaxResults bounds a page, NextToken (the last returned item's sequence) continues it. */
function page(params: QueryParams, min: number, max: number, unlimited: boolean) {
  const maxResults = params.int('MaxResults');
  if (maxResults !== undefined && (maxResults < min || maxResults > max))
    refuse(
      'InvalidParameterValue',
      `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between ${min} and ${max}.`,
    );
  const token = params.get('NextToken');
  const afterSeq = token === undefined ? 0 : Number(token);
  if (!Number.isInteger(afterSeq)) refuse('InvalidParameterValue', `Invalid NextToken '${token}'`);
  return { limit: maxResults ?? (unlimited ? Number.POSITIVE_INFINITY : max), afterSeq };
}

type Tagged = { tags: Map<string, string> };

/** The index sets and predicates of the tag filters every EC2 Describe call shares. */
function tagFilter<T extends Tagged & { id: string; seq: number }>(
  index: TagIndexed<T>,
  f: Filter,
): { candidates: Set<string>; predicate: (item: T) => boolean } | undefined {
  if (f.name === 'tag-key')
    return {
      candidates: unionOf(f.values.map((k) => index.withKey(k))),
      predicate: (item) => f.values.some((k) => item.tags.has(k)),
    };
  if (f.name.startsWith('tag:')) {
    const key = f.name.slice(4);
    return {
      candidates: index.withTag(key, f.values),
      predicate: (item) => f.values.includes(item.tags.get(key) ?? '\u0000'),
    };
  }
  return undefined;
}

function unionOf(sets: Set<string>[]): Set<string> {
  if (sets.length === 1) return sets[0] ?? new Set();
  const out = new Set<string>();
  for (const s of sets) for (const id of s) out.add(id);
  return out;
}

/** EC2 (EBS volumes and snapshots) of one region, in the EC2 query protocol. */
export class Ec2Standin {
  readonly volumes = new TagIndexed<StandinVolume>();
  readonly snapshots = new TagIndexed<StandinSnapshot>();
  private readonly snapshotsOfVolume = new Map<string, Set<string>>();

  constructor(
    readonly region: string,
    private readonly world: {
      accountId: string;
      now: () => number;
      nextId: (prefix: string) => string;
      nextSeq: () => number;
      ec2: (region: string) => Ec2Standin;
    },
  ) {}

  /** The XML answer to one EC2 action. */
  handle(params: QueryParams): string {
    const action = params.action;
    switch (action) {
      case 'CreateVolume':
        return response(action, volumeFields(this.createVolume(params)));
      case 'DescribeVolumes':
        return this.describeVolumes(params);
      case 'CreateSnapshot':
        return response(action, snapshotFields(this.createSnapshot(params)));
      case 'DescribeSnapshots':
        return this.describeSnapshots(params);
      case 'CopySnapshot': {
        const copy = this.copySnapshot(params);
        return response(action, el('snapshotId', copy.id) + tagSet(copy.tags));
      }
      case 'DeleteSnapshot':
        this.deleteSnapshot(params.required('SnapshotId'));
        return response(action, el('return', true));
      default:
        return refuse(
          'InvalidAction',
          `The action ${action} is not valid for this web service (aws-standin).`,
        );
    }
  }

  private createVolume(params: QueryParams): StandinVolume {
    const volume: StandinVolume = {
      id: this.world.nextId('vol'),
      seq: this.world.nextSeq(),
      availabilityZone: params.required('AvailabilityZone'),
      sizeGiB: params.int('Size') ?? 8,
      volumeType: params.get('VolumeType') ?? 'gp2',
      encrypted: params.bool('Encrypted') ?? false,
      createdAt: this.world.now(),
      tags: tagSpecifications(params, 'volume'),
    };
    this.volumes.add(volume);
    return volume;
  }

  private describeVolumes(params: QueryParams): string {
    const ids = params.list('VolumeId');
    for (const id of ids)
      if (this.volumes.get(id) === undefined)
        refuse('InvalidVolume.NotFound', `The volume '${id}' does not exist.`);
    const candidates: Set<string>[] = ids.length > 0 ? [new Set(ids)] : [];
    const predicates: ((v: StandinVolume) => boolean)[] = [];
    for (const f of filtersOf(params)) {
      const tag = tagFilter(this.volumes, f);
      if (tag !== undefined) {
        candidates.push(tag.candidates);
        predicates.push(tag.predicate);
      } else if (f.name === 'volume-id') {
        candidates.push(new Set(f.values));
      } else if (f.name === 'availability-zone')
        predicates.push((v) => f.values.includes(v.availabilityZone));
      else if (f.name === 'status') predicates.push(() => f.values.includes('available'));
      else refuse('InvalidParameterValue', `The filter '${f.name}' is invalid`);
    }
    const { limit, afterSeq } = page(params, 5, 500, true);
    const found = select(this.volumes, candidates, predicates, afterSeq, limit);
    const last = found.items[found.items.length - 1];
    return response(
      'DescribeVolumes',
      list(
        'volumeSet',
        found.items.map((v) => `<item>${volumeFields(v)}</item>`),
      ) + (found.more && last !== undefined ? el('nextToken', String(last.seq)) : ''),
    );
  }

  private createSnapshot(params: QueryParams): StandinSnapshot {
    const volumeId = params.required('VolumeId');
    const volume = this.volumes.get(volumeId);
    if (volume === undefined) refuse('InvalidVolume.NotFound', `The volume '${volumeId}' does not exist.`);
    return this.addSnapshot({
      id: this.world.nextId('snap'),
      seq: this.world.nextSeq(),
      volumeId,
      volumeSizeGiB: volume.sizeGiB,
      description: params.get('Description') ?? '',
      encrypted: volume.encrypted,
      ownerId: this.world.accountId,
      startedAt: this.world.now(),
      tags: tagSpecifications(params, 'snapshot'),
    });
  }

  private addSnapshot(snapshot: StandinSnapshot): StandinSnapshot {
    this.snapshots.add(snapshot);
    let ofVolume = this.snapshotsOfVolume.get(snapshot.volumeId);
    if (ofVolume === undefined) {
      ofVolume = new Set();
      this.snapshotsOfVolume.set(snapshot.volumeId, ofVolume);
    }
    ofVolume.add(snapshot.id);
    return snapshot;
  }

  private describeSnapshots(params: QueryParams): string {
    const ids = params.list('SnapshotId');
    for (const id of ids)
      if (this.snapshots.get(id) === undefined)
        refuse('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
    const owners = params.list('Owner');
    const own = owners.length === 0 || owners.some((o) => o === 'self' || o === this.world.accountId);
    const candidates: Set<string>[] = ids.length > 0 ? [new Set(ids)] : [];
    const predicates: ((s: StandinSnapshot) => boolean)[] = [() => own];
    for (const f of filtersOf(params)) {
      const tag = tagFilter(this.snapshots, f);
      if (tag !== undefined) {
        candidates.push(tag.candidates);
        predicates.push(tag.predicate);
      } else if (f.name === 'snapshot-id') candidates.push(new Set(f.values));
      else if (f.name === 'volume-id')
        candidates.push(unionOf(f.values.map((v) => this.snapshotsOfVolume.get(v) ?? new Set())));
      else if (f.name === 'owner-id') predicates.push((s) => f.values.includes(s.ownerId));
      else if (f.name === 'status') predicates.push(() => f.values.includes('completed'));
      else if (f.name === 'encrypted') predicates.push((s) => f.values.includes(String(s.encrypted)));
      else refuse('InvalidParameterValue', `The filter '${f.name}' is invalid`);
    }
    const { limit, afterSeq } = page(params, 5, 1000, true);
    const found = select(this.snapshots, candidates, predicates, afterSeq, limit);
    const last = found.items[found.items.length - 1];
    return response(
      'DescribeSnapshots',
      list(
        'snapshotSet',
        found.items.map((s) => `<item>${snapshotFields(s)}</item>`),
      ) + (found.more && last !== undefined ? el('nextToken', String(last.seq)) : ''),
    );
  }

  /** CopySnapshot is called in the destination region and reads the source from `SourceRegion`. */
  private copySnapshot(params: QueryParams): StandinSnapshot {
    const sourceRegion = params.required('SourceRegion');
    const sourceId = params.required('SourceSnapshotId');
    const source = this.world.ec2(sourceRegion).snapshots.get(sourceId);
    if (source === undefined)
      refuse('InvalidSnapshot.NotFound', `The snapshot '${sourceId}' does not exist.`);
    const kmsKeyId = params.get('KmsKeyId');
    return this.addSnapshot({
      id: this.world.nextId('snap'),
      seq: this.world.nextSeq(),
      // As moto does (AWS shows vol-ffffffff on a copy): lifeboat reads the source volume from its tags.
      volumeId: source.volumeId,
      volumeSizeGiB: source.volumeSizeGiB,
      description: params.get('Description') ?? '',
      encrypted: source.encrypted || params.bool('Encrypted') === true,
      kmsKeyId,
      ownerId: this.world.accountId,
      startedAt: this.world.now(),
      tags: tagSpecifications(params, 'snapshot'),
    });
  }

  private deleteSnapshot(id: string): void {
    const gone = this.snapshots.delete(id);
    if (gone === undefined) refuse('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
    this.snapshotsOfVolume.get(gone.volumeId)?.delete(id);
  }
}
