/**
 * Figures of one stats snapshot (standard `RTCStatsReport` entries keyed by id, as both Chrome
 * dumps carry them) against the previous one: RTT, loss, jitter and bitrates, the way the lab
 * computes them for its own clients.
 */

/** One `RTCStats` dictionary (at least `type`; `timestamp` in ms). */
export type StatsReport = Record<string, unknown>;
/** A whole `getStats()` result: report id → report. */
export type StatsSnapshot = Map<string, StatsReport>;

/** The figures of a `stats` record. */
export interface StatsFigures {
  rttMs: number | null;
  lossPct: number | null;
  jitterMs: number | null;
  sendKbps: number | null;
  recvKbps: number | null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The selected candidate pair: the transport's `selectedCandidatePairId`, else a nominated succeeded pair. */
export function selectedPair(snap: StatsSnapshot): { id: string; report: StatsReport } | null {
  for (const r of snap.values()) {
    if (r.type === 'transport' && typeof r.selectedCandidatePairId === 'string') {
      const pair = snap.get(r.selectedCandidatePairId);
      if (pair) return { id: r.selectedCandidatePairId, report: pair };
    }
  }
  for (const [id, r] of snap) {
    if (
      r.type === 'candidate-pair' &&
      r.state === 'succeeded' &&
      (r.nominated === true || r.selected === true)
    ) {
      return { id, report: r };
    }
  }
  return null;
}

/** A short description of a candidate pair (types and protocol only, never addresses). */
export function describePair(snap: StatsSnapshot, id: string, pair: StatsReport): string {
  const local = typeof pair.localCandidateId === 'string' ? snap.get(pair.localCandidateId) : undefined;
  const remote = typeof pair.remoteCandidateId === 'string' ? snap.get(pair.remoteCandidateId) : undefined;
  const kind = (c: StatsReport | undefined): string =>
    typeof c?.candidateType === 'string' ? c.candidateType : '?';
  const proto = typeof local?.protocol === 'string' ? ` ${local.protocol}` : '';
  return `${kind(local)}->${kind(remote)}${proto} (${id})`;
}

function sum(snap: StatsSnapshot, type: string, field: string): number | null {
  let total: number | null = null;
  for (const r of snap.values()) {
    if (r.type !== type) continue;
    const v = num(r[field]);
    if (v !== null) total = (total ?? 0) + v;
  }
  return total;
}

function rate(cur: number | null, prev: number | null, dtMs: number): number | null {
  if (cur === null || prev === null || dtMs <= 0 || cur < prev) return null;
  return Math.round((((cur - prev) * 8) / dtMs) * 10) / 10; // bytes → kbit/s (bits per ms)
}

/** Figures of `cur`, rates against `prev` (null without a previous snapshot). */
export function computeFigures(cur: StatsSnapshot, prev: StatsSnapshot | null, dtMs: number): StatsFigures {
  const pair = selectedPair(cur)?.report;
  let rttMs: number | null = null;
  const pairRtt = num(pair?.currentRoundTripTime);
  if (pairRtt !== null) rttMs = pairRtt * 1000;
  else {
    for (const r of cur.values()) {
      const v = r.type === 'remote-inbound-rtp' ? num(r.roundTripTime) : null;
      if (v !== null) rttMs = Math.max(rttMs ?? 0, v * 1000);
    }
  }
  let jitterMs: number | null = null;
  for (const r of cur.values()) {
    const v = r.type === 'inbound-rtp' ? num(r.jitter) : null;
    if (v !== null) jitterMs = Math.max(jitterMs ?? 0, v * 1000);
  }
  let lossPct: number | null = null;
  let sendKbps: number | null = null;
  let recvKbps: number | null = null;
  if (prev) {
    const lost = (s: StatsSnapshot): number | null => sum(s, 'inbound-rtp', 'packetsLost');
    const got = (s: StatsSnapshot): number | null => sum(s, 'inbound-rtp', 'packetsReceived');
    const [l1, l0, g1, g0] = [lost(cur), lost(prev), got(cur), got(prev)];
    if (l1 !== null && l0 !== null && g1 !== null && g0 !== null) {
      const dl = Math.max(0, l1 - l0);
      const dg = Math.max(0, g1 - g0);
      lossPct = dl + dg > 0 ? Math.round((dl / (dl + dg)) * 1000) / 10 : 0;
    }
    const prevPair = selectedPair(prev)?.report;
    const sent = (s: StatsSnapshot, p: StatsReport | undefined): number | null =>
      num(p?.bytesSent) ?? sum(s, 'outbound-rtp', 'bytesSent');
    const received = (s: StatsSnapshot, p: StatsReport | undefined): number | null =>
      num(p?.bytesReceived) ?? sum(s, 'inbound-rtp', 'bytesReceived');
    sendKbps = rate(sent(cur, pair), sent(prev, prevPair), dtMs);
    recvKbps = rate(received(cur, pair), received(prev, prevPair), dtMs);
  }
  const round = (v: number | null): number | null => (v === null ? null : Math.round(v * 10) / 10);
  return { rttMs: round(rttMs), lossPct, jitterMs: round(jitterMs), sendKbps, recvKbps };
}
