import type { SimulatedClock } from './simulated-clock';

/** How long each kind of snapshot stays in progress, in simulated ms (modelled, not measured). */
export interface SnapshotDurations {
  ebsSnapshotMs: number;
  ebsCopyMs: number;
  rdsSnapshotMs: number;
  rdsCopyMs: number;
}

/**
 * Defaults for an incremental nightly snapshot of a small site volume and database; AWS publishes
 * no fixed figures (copy time depends on changed blocks and region pair), so these are planning
 * values stated in BENCHMARKS.md.
 */
export const DEFAULT_SNAPSHOT_DURATIONS: SnapshotDurations = {
  ebsSnapshotMs: 5 * 60_000,
  ebsCopyMs: 15 * 60_000,
  rdsSnapshotMs: 10 * 60_000,
  rdsCopyMs: 30 * 60_000,
};

export type SnapshotRecordKind = 'ebs-snapshot' | 'ebs-copy' | 'rds-snapshot' | 'rds-copy';

interface Tracked {
  id: string;
  kind: SnapshotRecordKind;
  tags: Record<string, string>;
  region: string;
  startedAt: number;
  completesAt: number;
  crossRegion: boolean;
}

type Output = Record<string, unknown>;
type Input = Record<string, unknown>;

const asRecord = (value: unknown): Output | undefined =>
  typeof value === 'object' && value !== null ? (value as Output) : undefined;
const asList = (value: unknown): Output[] =>
  Array.isArray(value) ? value.map(asRecord).filter((v): v is Output => v !== undefined) : [];
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A snapshot or copy that finished in the model, as its completion event would announce it. */
export interface CompletedSnapshot {
  id: string;
  region: string;
  kind: SnapshotRecordKind;
  completedAt: number;
  tags: Record<string, string>;
}

/** Tags given at creation: EC2 TagSpecifications or RDS Tags. */
function tagsOf(input: Input): Record<string, string> {
  const lists = [
    ...asList(input.TagSpecifications).flatMap((spec) => asList(spec.Tags)),
    ...asList(input.Tags),
  ];
  const out: Record<string, string> = {};
  for (const t of lists) if (typeof t.Key === 'string') out[t.Key] = String(t.Value ?? '');
  return out;
}

/** The region in an RDS ARN (arn:aws:rds:<region>:...), if the identifier is an ARN. */
function arnRegion(identifier: string | undefined): string | undefined {
  const parts = identifier?.split(':');
  return parts !== undefined && parts[0] === 'arn' ? parts[3] : undefined;
}

/**
 * moto completes every snapshot and copy at once; this model keeps them in progress for a
 * modelled duration of simulated time by rewriting Create/Copy/Describe outputs, and knows how
 * many copies are in flight per destination region (what AWS's copy limits count).
 */
export class SnapshotLifecycle {
  private readonly tracked = new Map<string, Tracked>();
  private tagsOfCall: Record<string, string> = {};

  constructor(
    private readonly clock: SimulatedClock,
    readonly durations: SnapshotDurations = DEFAULT_SNAPSHOT_DURATIONS,
  ) {}

  /** Copies of `kind` into `region` that are still in progress. */
  pendingCopies(kind: 'ebs-copy' | 'rds-copy', region: string, crossRegionOnly = false): number {
    const now = this.clock.nowMs();
    let count = 0;
    for (const t of this.tracked.values()) {
      if (
        t.kind === kind &&
        t.region === region &&
        t.completesAt > now &&
        (!crossRegionOnly || t.crossRegion)
      )
        count += 1;
    }
    return count;
  }

  /**
   * The input to send instead of `input`, and a filter to apply to the output: a `status` filter
   * on DescribeSnapshots must see the modelled states, not moto's (everything completed).
   */
  prepare(
    service: string,
    region: string,
    operation: string,
    input: Input,
  ): { input: Input; statuses?: string[] } {
    if (service !== 'ec2' || operation !== 'DescribeSnapshots' || !Array.isArray(input.Filters))
      return { input };
    const filters = asList(input.Filters);
    const status = filters.find((f) => f.Name === 'status');
    if (status === undefined) return { input };
    const statuses = Array.isArray(status.Values) ? status.Values.map(String) : [];
    const rest = filters.filter((f) => f !== status);
    if (statuses.length === 1 && statuses[0] === 'pending' && input.SnapshotIds === undefined) {
      // Ask the emulator only for what is pending in the model, as AWS filters server-side: the
      // answer stays small when thousands of finished snapshots exist.
      const pending = [...this.tracked.values()]
        .filter(
          (t) =>
            t.region === region &&
            t.completesAt > this.clock.nowMs() &&
            (t.kind === 'ebs-snapshot' || t.kind === 'ebs-copy'),
        )
        .map((t) => t.id);
      const ids = pending.length > 0 ? pending : ['snap-00000000000000000'];
      return { input: { ...input, Filters: [...rest, { Name: 'snapshot-id', Values: ids }] }, statuses };
    }
    return { input: { ...input, Filters: rest.length > 0 ? rest : undefined }, statuses };
  }

  /** Simulated start times of every snapshot of `kind`, in order. */
  startTimes(kind: SnapshotRecordKind): number[] {
    return [...this.tracked.values()]
      .filter((t) => t.kind === kind)
      .map((t) => t.startedAt)
      .sort((a, b) => a - b);
  }

  /** Applies the status filter that `prepare` took out of the request. */
  filter(output: Output, statuses: string[] | undefined): void {
    if (statuses === undefined || !Array.isArray(output.Snapshots)) return;
    output.Snapshots = asList(output.Snapshots).filter((s) => statuses.includes(String(s.State)));
  }

  /** Records what a successful call started and rewrites its output to what AWS would show now. */
  observe(service: string, region: string, operation: string, input: Input, output: Output): void {
    this.tagsOfCall = tagsOf(input);
    if (service === 'ec2') this.observeEc2(region, operation, output);
    if (service === 'rds') this.observeRds(region, operation, input, output);
  }

  private observeEc2(region: string, operation: string, output: Output): void {
    switch (operation) {
      case 'CreateSnapshot':
        this.start('ebs-snapshot', region, asString(output.SnapshotId), false);
        this.rewriteEbs(region, output);
        break;
      case 'CreateSnapshots':
        for (const s of asList(output.Snapshots)) {
          this.start('ebs-snapshot', region, asString(s.SnapshotId), false);
          this.rewriteEbs(region, s);
        }
        break;
      case 'CopySnapshot':
        this.start('ebs-copy', region, asString(output.SnapshotId), true);
        break;
      case 'DescribeSnapshots':
        for (const s of asList(output.Snapshots)) this.rewriteEbs(region, s);
        break;
    }
  }

  private observeRds(region: string, operation: string, input: Input, output: Output): void {
    const single = asRecord(output.DBSnapshot) ?? asRecord(output.DBClusterSnapshot);
    const idOf = (s: Output) => asString(s.DBSnapshotIdentifier) ?? asString(s.DBClusterSnapshotIdentifier);
    switch (operation) {
      case 'CreateDBSnapshot':
      case 'CreateDBClusterSnapshot':
        if (single !== undefined) {
          this.start('rds-snapshot', region, idOf(single), false);
          this.rewriteRds(region, single, idOf(single));
        }
        break;
      case 'CopyDBSnapshot':
      case 'CopyDBClusterSnapshot': {
        if (single === undefined) break;
        const source =
          asString(input.SourceDBSnapshotIdentifier) ?? asString(input.SourceDBClusterSnapshotIdentifier);
        const sourceRegion = asString(input.SourceRegion) ?? arnRegion(source) ?? region;
        this.start('rds-copy', region, idOf(single), sourceRegion !== region);
        this.rewriteRds(region, single, idOf(single));
        break;
      }
      case 'DescribeDBSnapshots':
        for (const s of asList(output.DBSnapshots)) this.rewriteRds(region, s, idOf(s));
        break;
      case 'DescribeDBClusterSnapshots':
        for (const s of asList(output.DBClusterSnapshots)) this.rewriteRds(region, s, idOf(s));
        break;
    }
  }

  private start(
    kind: SnapshotRecordKind,
    region: string,
    id: string | undefined,
    crossRegion: boolean,
  ): void {
    if (id === undefined) return;
    const key = `${region}:${id}`;
    if (this.tracked.has(key)) return;
    const now = this.clock.nowMs();
    const duration = {
      'ebs-snapshot': this.durations.ebsSnapshotMs,
      'ebs-copy': this.durations.ebsCopyMs,
      'rds-snapshot': this.durations.rdsSnapshotMs,
      'rds-copy': this.durations.rdsCopyMs,
    }[kind];
    this.tracked.set(key, {
      id,
      kind,
      tags: this.tagsOfCall,
      region,
      startedAt: now,
      completesAt: now + duration,
      crossRegion,
    });
  }

  /** Snapshots and copies that completed in (fromMs, toMs], oldest first. */
  completedBetween(fromMs: number, toMs: number): CompletedSnapshot[] {
    return [...this.tracked.values()]
      .filter((t) => t.completesAt > fromMs && t.completesAt <= toMs)
      .sort((a, b) => a.completesAt - b.completesAt)
      .map((t) => ({ id: t.id, region: t.region, kind: t.kind, completedAt: t.completesAt, tags: t.tags }));
  }

  private progress(region: string, id: string | undefined): number | undefined {
    const t = id === undefined ? undefined : this.tracked.get(`${region}:${id}`);
    if (t === undefined) return undefined;
    const now = this.clock.nowMs();
    if (now >= t.completesAt) return undefined;
    return Math.floor((100 * (now - t.startedAt)) / (t.completesAt - t.startedAt));
  }

  private rewriteEbs(region: string, snapshot: Output): void {
    const pct = this.progress(region, asString(snapshot.SnapshotId));
    if (pct === undefined) return;
    snapshot.State = 'pending';
    snapshot.Progress = `${pct}%`;
  }

  private rewriteRds(region: string, snapshot: Output, id: string | undefined): void {
    const pct = this.progress(region, id);
    if (pct === undefined) return;
    snapshot.Status = 'creating';
    snapshot.PercentProgress = pct;
  }
}
