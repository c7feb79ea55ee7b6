/**
 * Small shared pieces of the detectors: a draft incident (an incident before ids, labels and the
 * stall check), signaling silences, and the ICE/PC state timeline of a subject.
 */
import type { MediaRecord } from '../trace/records';
import type { TraceView } from './context';
import type { Incident } from './types';

/** An incident as a detector proposes it; {@link finishIncidents} completes it. */
export type DraftIncident = Omit<Incident, 'id' | 'subjectLabel' | 'unreliable' | 'summary'> & {
  summary: string;
};

/** A stretch in which a client sent on its signaling socket and heard nothing back. */
export interface SignalingSilence {
  /** Model ms of the last message received before it. */
  start: number;
  /** Model ms of the next message received; null when none came. */
  end: number | null;
  evidence: number[];
}

/**
 * Silences of a client's signaling: a gap between received messages longer than 1.5 heartbeat
 * intervals during which the client kept sending (so the server should have answered).
 */
export function signalingSilences(view: TraceView, subject: number): SignalingSilence[] {
  const signals = view.signals.get(subject) ?? [];
  const out: SignalingSilence[] = [];
  let lastRx: { t: number; seq: number } | null = null;
  let txSince: number[] = [];
  const limit = view.heartbeatMs * 1.5;
  const close = (endT: number | null, endSeq: number | null): void => {
    if (!lastRx || txSince.length === 0) return;
    const until = endT ?? view.endT;
    if (until - lastRx.t < limit) return;
    out.push({ start: lastRx.t, end: endT, evidence: [lastRx.seq, ...txSince, ...(endSeq ? [endSeq] : [])] });
  };
  for (const s of signals) {
    const t = view.model(s.t);
    if (s.dir === 'rx') {
      close(t, s.seq);
      lastRx = { t, seq: s.seq };
      txSince = [];
    } else if (lastRx && (s.msg === 'ping' || txSince.length < 8)) {
      txSince.push(s.seq);
    }
  }
  // Open at the end only while the client still sent pings: a client that left stops sending.
  if (lastRx && txSince.length > 1) close(null, null);
  return out;
}

/** The browser-level states of a subject's PCs (ICE and PC), in order. */
export interface PcStateChange {
  seq: number;
  t: number;
  pc: string;
  event: 'ice-state' | 'pc-state';
  value: string;
}

/** Every `ice-state` / `pc-state` media record of a subject, in model time (built once per view). */
export function pcStates(view: TraceView, subject: number): readonly PcStateChange[] {
  return memoOnView(view, `pc-states:${subject}`, () => {
    const out: PcStateChange[] = [];
    for (const m of view.media.get(subject) ?? []) {
      if ((m.event === 'ice-state' || m.event === 'pc-state') && typeof m.value === 'string') {
        out.push({ seq: m.seq, t: view.model(m.t), pc: m.pc ?? '', event: m.event, value: m.value });
      }
    }
    return out;
  });
}

const memos = new WeakMap<TraceView, Map<string, unknown>>();

/**
 * `build()` once per view and key: the detectors' sorted lookup tables (times of departures,
 * reconnects, PC states…) are built on first use and reused for every gap they are asked about.
 */
export function memoOnView<T>(view: TraceView, key: string, build: () => T): T {
  let byKey = memos.get(view);
  if (!byKey) memos.set(view, (byKey = new Map()));
  if (byKey.has(key)) return byKey.get(key) as T;
  const value = build();
  byKey.set(key, value);
  return value;
}

/** Index of the first of `sorted` (ascending) that is ≥ `from`. */
export function lowerBound(sorted: readonly number[], from: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The items of `sorted` (ascending by `key`) whose key lies in [from, to]. */
export function inRange<T>(sorted: readonly T[], key: (x: T) => number, from: number, to: number): T[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(sorted[mid]!) < from) lo = mid + 1;
    else hi = mid;
  }
  const out: T[] = [];
  for (let i = lo; i < sorted.length && key(sorted[i]!) <= to; i++) out.push(sorted[i]!);
  return out;
}

/**
 * Which intervals cover a moment, answered in log time: built once from intervals `{start, end}`
 * (`end` null: open to the end of the trace).
 */
export class IntervalIndex {
  private readonly starts: number[];
  /** The latest end among the intervals up to each index (in start order). */
  private readonly reach: number[];

  constructor(intervals: Iterable<{ start: number; end: number | null }>) {
    const sorted = [...intervals].sort((a, b) => a.start - b.start);
    this.starts = sorted.map((x) => x.start);
    this.reach = [];
    let max = -Infinity;
    for (const x of sorted) this.reach.push((max = Math.max(max, x.end ?? Infinity)));
  }

  /** True when an interval has start − startSlack ≤ t ≤ end + endSlack. */
  covers(t: number, startSlack = 0, endSlack = 0): boolean {
    const last = upperBound(this.starts, t + startSlack) - 1;
    return last >= 0 && this.reach[last]! + endSlack >= t;
  }
}

/** Index of the first of `sorted` (ascending) that is > `x`. */
export function upperBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when some time of `sorted` (ascending) lies in [from, to]. */
export function anyWithin(sorted: readonly number[], from: number, to: number): boolean {
  const i = lowerBound(sorted, from);
  return i < sorted.length && sorted[i]! <= to;
}

/** The subject's `candidate-pair` records, per PC, in order. */
export function candidatePairs(view: TraceView, subject: number): MediaRecord[] {
  return (view.media.get(subject) ?? []).filter((m) => m.event === 'candidate-pair');
}

/** Rounds to one decimal (model ms in reports). */
export function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

/** Seconds with one decimal, for summaries: `12.3 s`. */
export function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Sorted unique seqs. */
export function uniqueSeqs(...lists: ReadonlyArray<readonly number[]>): number[] {
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}
