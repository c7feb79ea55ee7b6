/**
 * Bounded column buffers for long numeric series (link statistics). A fixed-capacity ring of
 * Float64Arrays: O(1) per sample, no growth, oldest samples dropped first. `null` is stored
 * as NaN so a chart can show a gap.
 */

/** The metrics of a `stats` record. */
export const STAT_METRICS = ['rttMs', 'lossPct', 'jitterMs', 'sendKbps', 'recvKbps'] as const;
/** One of {@link STAT_METRICS}. */
export type StatMetric = (typeof STAT_METRICS)[number];

/** A bounded series of stats samples of one client. */
export class StatsSeries {
  private readonly t: Float64Array;
  private readonly seqs: Float64Array;
  private readonly cols: Record<StatMetric, Float64Array>;
  private start = 0;
  private count = 0;
  /** Samples dropped because the buffer was full. */
  dropped = 0;

  constructor(readonly capacity = 50_000) {
    this.t = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.cols = {
      rttMs: new Float64Array(capacity),
      lossPct: new Float64Array(capacity),
      jitterMs: new Float64Array(capacity),
      sendKbps: new Float64Array(capacity),
      recvKbps: new Float64Array(capacity),
    };
  }

  /** Samples held. */
  get length(): number {
    return this.count;
  }

  /** Appends one sample; the oldest goes when full. */
  push(t: number, seq: number, values: Record<StatMetric, number | null>): void {
    let at: number;
    if (this.count < this.capacity) {
      at = (this.start + this.count) % this.capacity;
      this.count++;
    } else {
      at = this.start;
      this.start = (this.start + 1) % this.capacity;
      this.dropped++;
    }
    this.t[at] = t;
    this.seqs[at] = seq;
    for (const m of STAT_METRICS) this.cols[m][at] = values[m] ?? NaN;
  }

  /** Time of the i-th sample held (0 = oldest). */
  timeAt(i: number): number {
    return this.t[(this.start + i) % this.capacity]!;
  }

  /** Seq of the i-th sample held. */
  seqAt(i: number): number {
    return this.seqs[(this.start + i) % this.capacity]!;
  }

  /** Value of `metric` in the i-th sample held (NaN when the engine had none). */
  valueAt(metric: StatMetric, i: number): number {
    return this.cols[metric][(this.start + i) % this.capacity]!;
  }

  /** First index whose time is ≥ t (binary search; samples are in time order). */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeAt(mid) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
