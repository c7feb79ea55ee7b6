/**
 * Min–max decimation of a long series: the visible range is cut into buckets and each bucket
 * keeps its first, lowest and highest points (spikes survive, as in a loss or RTT chart they
 * must). Gaps (NaN) are kept as one NaN point per bucket so the line breaks.
 */

/** Indexes of the points to draw out of `[from, to)`, at most ~`maxPoints`. */
export function decimateMinMax(
  from: number,
  to: number,
  valueAt: (i: number) => number,
  maxPoints: number,
): number[] {
  const n = to - from;
  if (n <= 0) return [];
  if (n <= maxPoints) return Array.from({ length: n }, (_, k) => from + k);
  const buckets = Math.max(1, Math.floor(maxPoints / 3));
  const size = n / buckets;
  const out: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = from + Math.floor(b * size);
    const end = Math.min(to, from + Math.floor((b + 1) * size));
    if (end <= start) continue;
    let lo = -1;
    let hi = -1;
    let gap = -1;
    for (let i = start; i < end; i++) {
      const v = valueAt(i);
      if (Number.isNaN(v)) {
        if (gap < 0) gap = i;
        continue;
      }
      if (lo < 0 || v < valueAt(lo)) lo = i;
      if (hi < 0 || v > valueAt(hi)) hi = i;
    }
    const picked = new Set<number>([start]);
    if (lo >= 0) picked.add(lo);
    if (hi >= 0) picked.add(hi);
    if (gap >= 0) picked.add(gap);
    for (const i of [...picked].sort((a, b) => a - b)) out.push(i);
  }
  if (out[out.length - 1] !== to - 1) out.push(to - 1);
  return out;
}
