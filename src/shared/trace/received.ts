/**
 * What a client's sub PC received, read back from its `stats` records. The counters in `raw.sub`
 * are the engine's cumulative ones, which restart when a sub PC is replaced (a rejoin, a
 * `media-reset`); these helpers add the increases across such restarts.
 */
import type { MediaKind } from '../protocol/messages';
import type { StatsRecord } from './records';

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

function subOf(record: StatsRecord): Record<string, unknown> | undefined {
  const sub = record.raw?.['sub'];
  return typeof sub === 'object' && sub !== null ? (sub as Record<string, unknown>) : undefined;
}

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

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
