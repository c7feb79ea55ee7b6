/**
 * Quality incidents: loss bursts, RTT spikes and bandwidth collapses, each an episode of
 * consecutive samples past a threshold relative to the subject's own baseline. Samples taken while
 * the subject was interrupted are left out: loss during an outage is the outage, not a lossy path.
 * A sampled episode starts where its first bad interval began (the previous sample's time): the
 * earliest moment the samples allow.
 */
import type { StatsRecord } from '../trace/records';
import type { TraceView } from './context';
import type { Outage } from './connectivity';
import { IntervalIndex, round1, uniqueSeqs } from './evidence';

/** One measurement of a series. */
interface Point {
  seq: number;
  t: number;
  /** Where the interval it measures began (model ms). */
  from: number;
  value: number;
}

/** A run of points past a threshold. */
export interface Episode {
  subject: number;
  direction: 'up' | 'down' | null;
  start: number;
  end: number | null;
  /** The median value over the episode, and the baseline before it. */
  value: number;
  baseline: number;
  evidence: number[];
}

/** Loss % from which a sample is lossy, and the % at which one sample alone makes an episode. */
const LOSS_PCT = 3;
const LOSS_ALONE_PCT = 10;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Model ms after an outage in which samples still carry its effects: counters catch up on the
 * first samples after media resumes (a burst of "lost" sequence numbers), two intervals at most.
 */
const AFTERMATH_MS = 2000;

/**
 * True when `t` lies in an outage: of the subject itself, or (`anyone`) of any subject, since
 * what a client receives is hurt by its publisher's outage too.
 */
function inOutage(outages: readonly Outage[], subject: number, t: number, anyone = false): boolean {
  let byKey = outageIndexes.get(outages);
  if (!byKey) outageIndexes.set(outages, (byKey = new Map()));
  const key = anyone ? 'anyone' : subject;
  let index = byKey.get(key);
  if (!index) {
    index = new IntervalIndex(anyone ? outages : outages.filter((o) => o.subject === subject));
    byKey.set(key, index);
  }
  return index.covers(t, 0, AFTERMATH_MS);
}

const outageIndexes = new WeakMap<readonly Outage[], Map<number | 'anyone', IntervalIndex>>();

/** Points of one numeric field of a subject's stats (the raw field first when given). */
function series(
  view: TraceView,
  stats: readonly StatsRecord[],
  pick: (r: StatsRecord) => number | null | undefined,
): Point[] {
  const out: Point[] = [];
  let prevT: number | null = null;
  for (const r of stats) {
    const t = view.model(r.t);
    const v = pick(r);
    const from = prevT ?? t - (typeof r.intervalMs === 'number' ? view.model(r.intervalMs) : 1000);
    prevT = t;
    if (typeof v === 'number' && Number.isFinite(v)) out.push({ seq: r.seq, t, from, value: v });
  }
  return out;
}

/**
 * Runs of points for which `bad(point, baseline)` holds, with at least `minPoints` bad points
 * (or one `alone`). With `weak`, a run also takes in the weak points just before it (where the
 * episode began: its first interval often holds only a little of it) and bridges one weak point
 * between two bad ones (a sample of few packets can read low by chance).
 */
function episodes(
  points: readonly Point[],
  bad: (p: Point, baseline: number) => boolean,
  opts: {
    minPoints: number;
    alone?: (p: Point, baseline: number) => boolean;
    weak?: (p: Point) => boolean;
    baseline: (before: Point[]) => number;
  },
): Array<{ start: number; end: number | null; points: Point[]; first: number; baseline: number }> {
  const out: Array<{ start: number; end: number | null; points: Point[]; first: number; baseline: number }> =
    [];
  const weak = opts.weak ?? (() => false);
  let i = 0;
  let prevEnd = 0;
  while (i < points.length) {
    const before = points.slice(Math.max(0, i - 8), i);
    const baseline = opts.baseline(before);
    if (!bad(points[i]!, baseline)) {
      i++;
      continue;
    }
    let j = i;
    let badCount = 0;
    for (;;) {
      while (j < points.length && bad(points[j]!, baseline)) {
        j++;
        badCount++;
      }
      const bridge = points[j];
      const after = points[j + 1];
      if (!bridge || !after || !weak(bridge) || !bad(after, baseline)) break;
      j++;
    }
    let from = i;
    while (from > prevEnd && weak(points[from - 1]!)) from--;
    const core = points.slice(i, j);
    if (badCount >= opts.minPoints || core.some((p) => opts.alone?.(p, baseline))) {
      const run = points.slice(from, j);
      const next = points[j];
      out.push({
        start: run[0]!.from,
        end: next ? run[run.length - 1]!.t : null,
        points: run,
        first: from,
        baseline,
      });
      prevEnd = j;
    }
    i = j;
  }
  return out;
}

function rawNumber(r: StatsRecord, key: string): number | null | undefined {
  const v = (r.raw as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'number' ? v : v === null ? null : undefined;
}

/** Packets a loss measurement needs: fewer, and one lost packet reads as several percent. */
const MIN_LOSS_PACKETS = 20;

/**
 * Downlink loss from the per-kind packet deltas, in bins of at least {@link MIN_LOSS_PACKETS}
 * packets (consecutive samples merged), each dated from where its first lossy sample's interval
 * began. Null when the samples have no per-kind counts.
 */
function binnedDownlinkLoss(view: TraceView, stats: readonly StatsRecord[]): Point[] | null {
  if (!stats.some((r) => r.kinds)) return null;
  const out: Point[] = [];
  let bin: {
    seq: number;
    t: number;
    from: number;
    firstLossFrom: number | null;
    lost: number;
    total: number;
  } | null = null;
  let prevT: number | null = null;
  for (const r of stats) {
    const t = view.model(r.t);
    const from = prevT ?? t;
    prevT = t;
    if (!r.kinds) continue;
    let lost = 0;
    let got = 0;
    for (const k of [r.kinds.audio, r.kinds.video]) {
      lost += Math.max(0, k?.lostPackets ?? 0);
      got += Math.max(0, k?.receivedPackets ?? 0);
    }
    bin ??= { seq: r.seq, t, from, firstLossFrom: null, lost: 0, total: 0 };
    bin.lost += lost;
    bin.total += lost + got;
    bin.t = t;
    bin.seq = r.seq;
    if (lost > 0 && bin.firstLossFrom === null) bin.firstLossFrom = from;
    if (bin.total >= MIN_LOSS_PACKETS) {
      const value = (100 * bin.lost) / bin.total;
      out.push({ seq: bin.seq, t: bin.t, from: bin.firstLossFrom ?? bin.from, value: round1(value) });
      bin = null;
    }
  }
  return out;
}

/** Loss bursts per subject and direction (uplink from the far end's reports, downlink measured). */
export function lossEpisodes(view: TraceView, outages: readonly Outage[]): Episode[] {
  const out: Episode[] = [];
  for (const [subject, stats] of view.stats) {
    const upRaw = series(view, stats, (r) => rawNumber(r, 'uplinkLossPct'));
    const downRaw =
      binnedDownlinkLoss(view, stats) ?? series(view, stats, (r) => rawNumber(r, 'downlinkLossPct'));
    const down = downRaw.length > 0 || upRaw.length > 0 ? downRaw : series(view, stats, (r) => r.lossPct);
    for (const [direction, points] of [
      ['up', upRaw],
      ['down', down],
    ] as const) {
      const usable = points.filter((p) => !inOutage(outages, subject, p.t, direction === 'down'));
      for (const e of episodes(usable, (p) => p.value >= LOSS_PCT, {
        minPoints: 2,
        alone: (p) => p.value >= LOSS_ALONE_PCT,
        // Any loss at all next to a lossy run is part of it (see episodes()).
        weak: (p) => p.value > 0,
        baseline: () => 0,
      })) {
        out.push({
          subject,
          direction,
          start: e.start,
          end: e.end,
          value: round1(median(e.points.map((p) => p.value))),
          baseline: 0,
          evidence: e.points.map((p) => p.seq),
        });
      }
    }
  }
  return attributeDownlinks(out);
}

/**
 * An observer's downlink loss while a publisher reports uplink loss over the same time is the
 * publisher's uplink: it joins the publisher's episode (which it usually dates earlier, since
 * receiver reports reach the publisher a sample or two late).
 */
function attributeDownlinks(all: Episode[]): Episode[] {
  const ups = all.filter((e) => e.direction === 'up');
  const out: Episode[] = [...ups];
  for (const e of all) {
    if (e.direction !== 'down') continue;
    const up = ups.find(
      (u) =>
        u.subject !== e.subject &&
        u.start <= (e.end ?? Infinity) + 3000 &&
        e.start <= (u.end ?? Infinity) + 3000,
    );
    if (!up) {
      out.push(e);
      continue;
    }
    up.start = Math.min(up.start, e.start);
    // The far end's reports go stale when the loss ends; the observer measured the end itself.
    if (e.end !== null && (up.end === null || e.end < up.end)) up.end = e.end;
    up.value = Math.max(up.value, e.value);
    up.evidence = uniqueSeqs(up.evidence, e.evidence);
  }
  return out;
}

/** One round trip of a client's heartbeat: ping sent at `t`, pong back `rtt` model ms later. */
function heartbeatRtts(view: TraceView, subject: number): Point[] {
  const out: Point[] = [];
  let ping: { t: number; seq: number } | null = null;
  for (const s of view.signals.get(subject) ?? []) {
    if (s.dir === 'tx' && s.msg === 'ping') ping = { t: view.model(s.t), seq: s.seq };
    else if (s.dir === 'rx' && s.msg === 'pong' && ping) {
      out.push({ seq: s.seq, t: ping.t, from: ping.t, value: view.model(s.t) - ping.t });
      ping = null;
    }
  }
  return out;
}

/**
 * Model ms of round trip a loaded machine adds by itself: event-loop and scheduling delays are
 * real milliseconds no time scale shrinks, so at time scale 0.1 each counts ten times.
 */
function noiseFloorMs(view: TraceView): number {
  return Math.max(100, 25 / view.timeScale);
}

/** RTT spikes: heartbeat round trips where the lab has them (sampled stats RTT lags), else stats. */
export function rttEpisodes(view: TraceView, outages: readonly Outage[]): Episode[] {
  const out: Episode[] = [];
  const floor = noiseFloorMs(view);
  for (const subject of new Set([...view.stats.keys(), ...view.signals.keys()])) {
    const beats = heartbeatRtts(view, subject);
    const points = (
      beats.length >= 3
        ? beats
        : series(view, view.stats.get(subject) ?? [], (r) =>
            r.rttMs === null ? null : r.rttMs / view.timeScale,
          )
    ).filter((p) => !inOutage(outages, subject, p.t));
    const high = (p: Point, baseline: number) => p.value >= Math.max(baseline * 3, baseline + floor);
    for (const e of episodes(points, high, {
      minPoints: 2,
      baseline: (before) => (before.length > 0 ? Math.min(...before.map((p) => p.value)) : 0),
    })) {
      const previous = points[e.first - 1];
      // The last normal measurement and the first slow one bracket the start: take the middle.
      const start = previous ? (previous.t + e.points[0]!.t) / 2 : e.points[0]!.t;
      out.push({
        subject,
        direction: null,
        start,
        end: e.end,
        value: round1(median(e.points.map((p) => p.value))),
        baseline: round1(e.baseline),
        evidence: e.points.map((p) => p.seq),
      });
    }
  }
  return out;
}

/** Bandwidth collapses: send or receive rate below 40 % of the rate before, but not zero. */
export function bandwidthEpisodes(view: TraceView, outages: readonly Outage[]): Episode[] {
  const out: Episode[] = [];
  for (const [subject, stats] of view.stats) {
    for (const [direction, field] of [
      ['up', 'sendKbps'],
      ['down', 'recvKbps'],
    ] as const) {
      const points = series(view, stats, (r) => r[field]).filter((p) => !inOutage(outages, subject, p.t));
      const collapsed = (p: Point, baseline: number) =>
        baseline >= 50 && p.value > 0 && p.value < baseline * 0.4;
      for (const e of episodes(points, collapsed, {
        minPoints: 3,
        baseline: (before) => median(before.filter((p) => p.value > 0).map((p) => p.value)),
      })) {
        out.push({
          subject,
          direction,
          start: e.start,
          end: e.end,
          value: round1(median(e.points.map((p) => p.value))),
          baseline: round1(e.baseline),
          evidence: e.points.map((p) => p.seq),
        });
      }
    }
  }
  return out;
}
