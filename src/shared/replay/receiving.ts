/**
 * What each observer was receiving from each publisher around a moment: packets per second by
 * kind, from the `raw.sub.fromPeers` counters of its `stats` records (the last two samples at or
 * before t). The client's own view, next to the server's announcements the replay table shows.
 */
import { fromPeersOf, type KindCounts } from '../trace/received';
import type { TraceRecord } from '../trace/records';
import { lastIndexAtOrBefore } from './search';

/** Packets per second from one publisher, by kind. */
export type ReceiveRates = KindCounts;

/** Per observer, the stats samples that carry per-publisher counters, in time order. */
export interface ReceiveSamples {
  times: number[];
  counts: Array<Map<number, KindCounts>>;
}

const KINDS = ['audio', 'video'] as const;

/** Collects every observer's samples from records sorted by time. */
export function collectReceiveSamples(sorted: readonly TraceRecord[]): Map<number, ReceiveSamples> {
  const byObserver = new Map<number, ReceiveSamples>();
  for (const r of sorted) {
    if (r.uid === null) continue;
    const counts = fromPeersOf(r);
    if (!counts) continue;
    let samples = byObserver.get(r.uid);
    if (!samples) byObserver.set(r.uid, (samples = { times: [], counts: [] }));
    samples.times.push(r.t);
    samples.counts.push(counts);
  }
  return byObserver;
}

/**
 * Packets per second from `peer` in the sample interval that ends at or before `t`; null when
 * there are not two samples yet, or the last one is stale (older than twice its interval: the
 * client stopped sampling, e.g. it left). A counter that went down restarted (a new sub PC).
 */
export function receiveRatesAt(samples: ReceiveSamples, peer: number, t: number): ReceiveRates | null {
  const { times, counts } = samples;
  const i = lastIndexAtOrBefore(times, t);
  if (i < 1) return null;
  const dt = times[i]! - times[i - 1]!;
  if (dt <= 0 || t - times[i]! > 2 * dt) return null;
  const now = counts[i]!.get(peer);
  const before = counts[i - 1]!.get(peer) ?? {};
  const rates: ReceiveRates = {};
  for (const kind of KINDS) {
    const n = now?.[kind];
    if (n === undefined) continue;
    const previous = before[kind] ?? 0;
    rates[kind] = Math.round(((n >= previous ? n - previous : n) * 1000) / dt);
  }
  return rates;
}
