/**
 * The lab's own stalls as the checker sees them: each `stall` record as a window of real time,
 * and which of them make an expectation's verdict unreliable.
 */
import { LabTimingSchema, resolveTiming } from '../model/config';
import { describeStall, smallestTimeout } from '../model/stalls';
import type { TraceHeader, TraceRecord } from '../trace/records';
import type { StallFinding } from './types';

/** Every `stall` record of a trace, as a finding (the window is `t − ms` to `t`). */
export function collectStalls(records: readonly TraceRecord[], timeScale: number): StallFinding[] {
  const out: StallFinding[] = [];
  for (const r of records) {
    if (r.type !== 'stall') continue;
    out.push({
      seq: r.seq,
      t: r.t,
      fromT: Math.max(0, r.t - r.ms),
      ms: r.ms,
      modelMs: Math.round((r.ms / timeScale) * 10) / 10,
      source: r.source,
      uid: r.uid,
      message: describeStall(r, timeScale),
    });
  }
  return out;
}

/**
 * How far before an expectation's anchor a stall still matters, in real ms: the smallest
 * interruption timeout of the trace's timing (a stall that ended longer ago than that cannot
 * have made anyone time out at the anchor). Falls back to the model's defaults.
 */
export function stallLookbackMs(header: TraceHeader, timeScale: number): number {
  const parsed = LabTimingSchema.safeParse({ ...header.config, timeScale });
  const timing = parsed.success ? parsed.data : resolveTiming({ timeScale });
  return smallestTimeout(timing).ms * timeScale;
}

/**
 * The longest stall that overlaps `[from, to]` and lasted more than `slackMs` (shorter ones the
 * verdict already allows for), or null.
 */
export function stallOverlapping(
  stalls: readonly StallFinding[],
  from: number,
  to: number,
  slackMs: number,
): StallFinding | null {
  let worst: StallFinding | null = null;
  for (const s of stalls) {
    if (s.ms <= slackMs || s.t < from || s.fromT > to) continue;
    if (!worst || s.ms > worst.ms) worst = s;
  }
  return worst;
}
