import type { Random } from './seeded-random';

/** How events misbehave on the way: at-least-once (duplicates), best-effort (drops), no order. */
export interface DeliveryFaults {
  duplicate: number;
  drop: number;
  reorder: boolean;
}

export const RELIABLE_DELIVERY: DeliveryFaults = { duplicate: 0, drop: 0, reorder: false };

/** Delivers events the way EventBridge may: some twice, some never, in any order (seeded). */
export class EventFeeder {
  readonly faults: DeliveryFaults;
  readonly counts = { offered: 0, delivered: 0, duplicated: 0, dropped: 0 };

  constructor(
    faults: Partial<DeliveryFaults>,
    private readonly random: Random,
  ) {
    this.faults = { ...RELIABLE_DELIVERY, ...faults };
  }

  /** The deliveries of `events`; `droppable: false` for sources that retry until delivered (schedules). */
  feed<T>(events: readonly T[], options: { droppable?: boolean } = {}): T[] {
    const out: T[] = [];
    for (const event of events) {
      this.counts.offered += 1;
      if ((options.droppable ?? true) && this.random() < this.faults.drop) {
        this.counts.dropped += 1;
        continue;
      }
      out.push(event);
      if (this.random() < this.faults.duplicate) {
        out.push(event);
        this.counts.duplicated += 1;
      }
    }
    if (this.faults.reorder) {
      for (let i = out.length - 1; i > 0; i -= 1) {
        const j = Math.floor(this.random() * (i + 1));
        [out[i], out[j]] = [out[j] as T, out[i] as T];
      }
    }
    this.counts.delivered += out.length;
    return out;
  }
}
