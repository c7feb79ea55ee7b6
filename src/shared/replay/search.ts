/** Binary search over ascending times, shared by the replay lookups. */

/** Index of the last entry of ascending `times` that is ≤ `t`, or -1 when none is. O(log n). */
export function lastIndexAtOrBefore(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
