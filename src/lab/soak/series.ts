/**
 * A bounded time series for long soaks: when it is full, every other point is dropped and the
 * sampling stride doubles, so a 30-minute and a 3-day soak both keep at most `maxPoints`
 * evenly spread points (the first point is always kept).
 */

/** One sample: `t` in ms since the soak started, `v` the value. */
export interface Point {
  t: number;
  v: number;
}

/** Summary of a series: start / median / max / end, and the least-squares slope per hour. */
export interface SeriesSummary {
  start: number;
  p50: number;
  max: number;
  end: number;
  /** Linear-regression slope, value units per hour (0 with fewer than two points). */
  slopePerHour: number;
  points: number;
}

/** A series that never holds more than `maxPoints` points. */
export class BoundedSeries {
  private points: Point[] = [];
  private stride = 1;
  private offered = 0;
  private latest: Point | null = null;

  /** @param maxPoints at least 4 */
  constructor(readonly maxPoints = 512) {
    if (!Number.isInteger(maxPoints) || maxPoints < 4) {
      throw new RangeError(`maxPoints must be an integer ≥ 4, got ${maxPoints}`);
    }
  }

  /** Offers a sample; it is kept when it falls on the current stride. The latest is always known. */
  add(t: number, v: number): void {
    if (!Number.isFinite(v)) return;
    this.latest = { t, v };
    if (this.offered++ % this.stride !== 0) return;
    this.points.push(this.latest);
    if (this.points.length >= this.maxPoints) {
      this.points = this.points.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
  }

  /** The kept points, oldest first, plus the latest sample if it was not kept. */
  values(): Point[] {
    return this.latest && !this.points.includes(this.latest)
      ? [...this.points, this.latest]
      : [...this.points];
  }

  /** start / p50 / max / end / slope, or null when empty. */
  summary(): SeriesSummary | null {
    return summarize(this.values());
  }
}

/** The median of some numbers (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Least-squares slope of `v` over `t`, in value units per hour (0 when undefined). */
export function slopePerHour(points: readonly Point[]): number {
  const n = points.length;
  if (n < 2) return 0;
  let st = 0;
  let sv = 0;
  for (const p of points) {
    st += p.t;
    sv += p.v;
  }
  const mt = st / n;
  const mv = sv / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.v - mv);
    den += (p.t - mt) ** 2;
  }
  return den > 0 ? (num / den) * 3_600_000 : 0;
}

/** start / p50 / max / end / slope of some points, or null when there are none. */
export function summarize(points: readonly Point[]): SeriesSummary | null {
  if (points.length === 0) return null;
  const vs = points.map((p) => p.v);
  return {
    start: vs[0]!,
    p50: median(vs),
    max: Math.max(...vs),
    end: vs.at(-1)!,
    slopePerHour: slopePerHour(points),
    points: points.length,
  };
}
