/**
 * What a client's sub PC received, read back from its `stats` records. The counters in `raw.sub`
 * are the engine's cumulative ones, which restart when a sub PC is replaced (a rejoin, a
 * `media-reset`); these helpers add the increases across such restarts. {@link fromPeersOf} is
 * the one reader of `raw.sub.fromPeers` (the replay, the CSV export and tests use it).
 */
import type { MediaKind } from '../protocol/messages';
import type { StatsRecord, TraceRecord } from './records';

/** Packets by kind (from one publisher). */
export type KindCounts = Partial<Record<MediaKind, number>>;

const KINDS: readonly MediaKind[] = ['audio', 'video'];

/** True for a key that names a UID in decimal (what keys `fromPeers`; never `__proto__`). */
export function isUidKey(key: string): boolean {
  return /^\d{1,15}$/.test(key);
}

/** The total a cumulative counter went through, counting a drop as a restart from zero. */
export function totalAcrossRestarts(values: Iterable<number>): number {
  let total = 0;
  let previous = 0;
  for (const value of values) {
    total += value >= previous ? value - previous : value;
    previous = value;
  }
  return total;
}

function subOf(record: TraceRecord): Record<string, unknown> | undefined {
  const sub = record.type === 'stats' ? record.raw?.['sub'] : undefined;
  return typeof sub === 'object' && sub !== null ? (sub as Record<string, unknown>) : undefined;
}

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * `raw.sub.fromPeers` of a stats record, validated: publisher UID → packets so far by kind
 * (UID keys and audio/video only, non-negative finite counts); null when the record has none.
 */
export function fromPeersOf(record: TraceRecord): Map<number, KindCounts> | null {
  const fromPeers = subOf(record)?.['fromPeers'];
  if (typeof fromPeers !== 'object' || fromPeers === null) return null;
  const out = new Map<number, KindCounts>();
  for (const [key, kinds] of Object.entries(fromPeers)) {
    if (!isUidKey(key) || typeof kinds !== 'object' || kinds === null) continue;
    const counts: KindCounts = {};
    for (const kind of KINDS) {
      const n = (kinds as Record<string, unknown>)[kind];
      if (typeof n === 'number' && Number.isFinite(n) && n >= 0) counts[kind] = n;
    }
    out.set(Number(key), counts);
  }
  return out;
}

/** Packets one client's sub PCs received over these stats records (one client's, in order). */
export function subPacketsReceived(records: readonly StatsRecord[]): number {
  return totalAcrossRestarts(records.map((r) => count(subOf(r)?.['packetsReceived'])));
}

/**
 * Packets one client's sub PCs received of `peer`'s `kind` (`raw.sub.fromPeers`, attributed by
 * the sub offer's msid and SSRCs) over these stats records (one client's, in order).
 */
export function packetsFromPeer(records: readonly StatsRecord[], peer: number, kind: MediaKind): number {
  return totalAcrossRestarts(
    records.map((r) => {
      const fromPeers = subOf(r)?.['fromPeers'] as
        Record<string, Record<string, unknown> | undefined> | undefined;
      return count(fromPeers?.[String(peer)]?.[kind]);
    }),
  );
}
