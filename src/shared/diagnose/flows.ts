/**
 * Media flows and their gaps. A flow is one series of per-interval amounts (packets, or kbps in
 * traces older than per-kind packet counts) between two points: what a client sent, what it
 * received, or what one observer received from one publisher. A gap is a run of silent samples
 * after the flow was established; its start is the estimated moment of the last packet that got
 * through, interpolated inside the last interval that still carried some.
 */
import type { KindPackets, StatsRecord } from '../trace/records';
import type { TraceView } from './context';

/** One sample of a flow: the amount carried over the `dt` model ms that ended at `t`. */
export interface FlowSample {
  seq: number;
  t: number;
  dt: number;
  amount: number;
}

/** A silent stretch of a flow. */
export interface FlowGap {
  /** Estimated model ms of the last packet through. */
  start: number;
  /** Estimated model ms of the first packet after; null when the flow never resumed. */
  end: number | null;
  /** Model ms of the first silent sample (when a sampler could first have noticed). */
  firstSilentT: number;
  /** The last carrying sample, the silent ones, and the resuming one. */
  evidence: number[];
}

type KindName = 'audio' | 'video';
type KindField = keyof KindPackets;

/** Samples this short are skipped: an interval under 1 model ms says nothing about a rate. */
const MIN_DT_MS = 1;
/** Carrying samples needed before silence counts as a gap. */
const ESTABLISHED_SAMPLES = 2;
/** Silence shorter than this (model ms) is not a gap: packet pacing and sampling jitter. */
export const MIN_GAP_MS = 1200;

function intervalOf(view: TraceView, r: StatsRecord, prevT: number | null): number {
  if (typeof r.intervalMs === 'number' && r.intervalMs > 0) return view.model(r.intervalMs);
  return prevT === null ? 0 : view.model(r.t) - prevT;
}

/** Per-sample sums of one per-kind field (null when no sample of the series has it). */
export function kindFlow(
  view: TraceView,
  records: readonly StatsRecord[],
  field: KindField,
  kind?: KindName,
): FlowSample[] | null {
  let seen = false;
  let prevT: number | null = null;
  const out: FlowSample[] = [];
  for (const r of records) {
    const t = view.model(r.t);
    const dt = intervalOf(view, r, prevT);
    prevT = t;
    if (!r.kinds) continue;
    let amount = 0;
    let any = false;
    for (const k of kind ? [kind] : (['audio', 'video'] as const)) {
      const v = r.kinds[k]?.[field];
      if (typeof v === 'number') {
        amount += Math.max(0, v);
        any = true;
      }
    }
    if (!any) continue;
    seen = true;
    if (dt >= MIN_DT_MS) out.push({ seq: r.seq, t, dt, amount });
  }
  return seen ? out : null;
}

/** A kbps series as a flow (for traces without per-kind packets). */
export function kbpsFlow(
  view: TraceView,
  records: readonly StatsRecord[],
  field: 'sendKbps' | 'recvKbps',
): FlowSample[] {
  const out: FlowSample[] = [];
  let prevT: number | null = null;
  for (const r of records) {
    const t = view.model(r.t);
    const dt = intervalOf(view, r, prevT);
    prevT = t;
    const v = r[field];
    if (typeof v === 'number' && dt >= MIN_DT_MS)
      out.push({ seq: r.seq, t, dt, amount: Math.max(0, v) * dt });
  }
  return out;
}

/**
 * What one observer received from one publisher, per sample: the deltas of the observer's
 * cumulative per-publisher counters (`raw.sub.fromPeers[uid]`). A counter that falls (a new
 * subscriber PC after a rejoin) starts again from its new value.
 */
export function fromPeerFlow(
  view: TraceView,
  observerStats: readonly StatsRecord[],
  publisher: number,
): FlowSample[] {
  const out: FlowSample[] = [];
  let prev: { t: number; total: number } | null = null;
  for (const r of observerStats) {
    const t = view.model(r.t);
    const sub = (r.raw as { sub?: { fromPeers?: Record<string, Record<string, unknown>> } } | undefined)?.sub;
    const counts = sub?.fromPeers?.[String(publisher)];
    if (!counts) {
      // No sub PC sample, or this publisher is not announced (not publishing): not silence.
      prev = null;
      continue;
    }
    let total = 0;
    for (const v of Object.values(counts)) if (typeof v === 'number' && Number.isFinite(v)) total += v;
    if (prev) {
      const dt = t - prev.t;
      const amount = total >= prev.total ? total - prev.total : total;
      if (dt >= MIN_DT_MS) out.push({ seq: r.seq, t, dt, amount });
    }
    prev = { t, total };
  }
  return out;
}

/** True when some observer's samples name this publisher at all. */
export function hasFromPeerCounters(observerStats: readonly StatsRecord[], publisher: number): boolean {
  return observerStats.some(
    (r) =>
      (r.raw as { sub?: { fromPeers?: Record<string, unknown> } } | undefined)?.sub?.fromPeers?.[
        String(publisher)
      ] !== undefined,
  );
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The gaps of a flow (see the file comment). The rate that interpolates the last packet's moment
 * is the median of the carrying samples just before the gap.
 */
export function findGaps(samples: readonly FlowSample[]): FlowGap[] {
  const gaps: FlowGap[] = [];
  const carrying: FlowSample[] = [];
  let i = 0;
  while (i < samples.length) {
    const s = samples[i]!;
    if (s.amount > 0) {
      carrying.push(s);
      if (carrying.length > 5) carrying.shift();
      i++;
      continue;
    }
    if (carrying.length < ESTABLISHED_SAMPLES) {
      i++;
      continue;
    }
    let j = i;
    while (j < samples.length && samples[j]!.amount === 0) j++;
    const lastGood = carrying[carrying.length - 1]!;
    const resumed = j < samples.length ? samples[j]! : null;
    const rate = median(carrying.map((c) => c.amount / c.dt));
    const start =
      lastGood.t - lastGood.dt + Math.min(lastGood.dt, rate > 0 ? lastGood.amount / rate : lastGood.dt);
    const end = resumed
      ? resumed.t - Math.min(resumed.dt, rate > 0 ? resumed.amount / rate : resumed.dt)
      : null;
    const silentUntil = resumed ? resumed.t : samples[j - 1]!.t;
    if (silentUntil - start >= MIN_GAP_MS) {
      const silent = samples.slice(i, j).map((x) => x.seq);
      gaps.push({
        start,
        end: end === null ? null : Math.max(start, end),
        firstSilentT: samples[i]!.t,
        evidence: [lastGood.seq, ...silent, ...(resumed ? [resumed.seq] : [])],
      });
    }
    carrying.length = 0;
    i = j;
  }
  return gaps;
}
