import { EventFeeder } from '../../../../local/sdk-middleware/event-feeder';
import { seededRandom } from '../../../../local/sdk-middleware/seeded-random';
import { SimulatedClock } from '../../../../local/sdk-middleware/simulated-clock';
import { SnapshotLifecycle } from '../../../../local/sdk-middleware/snapshot-lifecycle';

const events = Array.from({ length: 1_000 }, (_, i) => i);

describe('event feeder', () => {
  it('delivers every event exactly once in order when delivery is reliable', () => {
    expect(new EventFeeder({}, seededRandom(1)).feed(events)).toEqual(events);
  });

  it('drops, duplicates and reorders at its rates, the same way for the same seed', () => {
    const faults = { drop: 0.2, duplicate: 0.3, reorder: true };
    const feeder = new EventFeeder(faults, seededRandom(9));
    const delivered = feeder.feed(events);

    expect(delivered).toEqual(new EventFeeder(faults, seededRandom(9)).feed(events));
    expect(feeder.counts.dropped / events.length).toBeCloseTo(0.2, 1);
    expect(feeder.counts.duplicated / (events.length - feeder.counts.dropped)).toBeCloseTo(0.3, 1);
    expect(delivered).toHaveLength(events.length - feeder.counts.dropped + feeder.counts.duplicated);
    expect(delivered).not.toEqual([...delivered].sort((a, b) => a - b));
  });

  it('never drops what the source retries until delivered (schedules)', () => {
    const delivered = new EventFeeder({ drop: 1 }, seededRandom(3)).feed(events, { droppable: false });

    expect(new Set(delivered).size).toBe(events.length);
  });
});

describe('snapshot lifecycle model', () => {
  it('announces completions once each, in time order, with the tags given at creation', () => {
    const clock = new SimulatedClock('2026-11-22T02:00:00Z');
    const lifecycle = new SnapshotLifecycle(clock, {
      ebsSnapshotMs: 60_000,
      ebsCopyMs: 120_000,
      rdsSnapshotMs: 1,
      rdsCopyMs: 1,
    });
    const t0 = clock.nowMs();
    lifecycle.observe(
      'ec2',
      'us-east-1',
      'CreateSnapshot',
      {
        TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: 'lifeboat:backup-id', Value: 'b1' }] }],
      },
      { SnapshotId: 'snap-1' },
    );
    lifecycle.observe('ec2', 'us-west-2', 'CopySnapshot', {}, { SnapshotId: 'snap-2' });

    expect(lifecycle.completedBetween(t0, t0 + 59_999)).toEqual([]);
    expect(lifecycle.completedBetween(t0, t0 + 120_000).map((c) => [c.id, c.kind, c.tags])).toEqual([
      ['snap-1', 'ebs-snapshot', { 'lifeboat:backup-id': 'b1' }],
      ['snap-2', 'ebs-copy', {}],
    ]);
    expect(lifecycle.completedBetween(t0 + 120_000, t0 + 999_999)).toEqual([]);
  });

  it('answers a status=pending query from the model, per region', () => {
    const clock = new SimulatedClock('2026-11-22T02:00:00Z');
    const lifecycle = new SnapshotLifecycle(clock);
    lifecycle.observe('ec2', 'us-west-2', 'CopySnapshot', {}, { SnapshotId: 'snap-copy' });
    lifecycle.observe('ec2', 'us-east-1', 'CreateSnapshot', {}, { SnapshotId: 'snap-source' });
    const input = {
      Filters: [
        { Name: 'status', Values: ['pending'] },
        { Name: 'tag-key', Values: ['k'] },
      ],
    };

    const prepared = lifecycle.prepare('ec2', 'us-west-2', 'DescribeSnapshots', input);
    const output = { Snapshots: [{ SnapshotId: 'snap-copy', State: 'completed' }] };
    lifecycle.observe('ec2', 'us-west-2', 'DescribeSnapshots', input, output);
    lifecycle.filter(output, prepared.statuses);

    expect(prepared.input.Filters).toEqual([
      { Name: 'tag-key', Values: ['k'] },
      { Name: 'snapshot-id', Values: ['snap-copy'] },
    ]);
    expect(output.Snapshots).toEqual([
      expect.objectContaining({ SnapshotId: 'snap-copy', State: 'pending' }),
    ]);
  });
});
