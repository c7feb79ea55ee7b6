/**
 * Figures of one stats snapshot (standard `RTCStatsReport` entries keyed by id, as both Chrome
 * dumps carry them) against the previous one: RTT, loss, jitter and bitrates, the way the lab
 * computes them for its own clients.
 */
import type { CandidateEnd } from '../../trace/records';

/** One `RTCStats` dictionary (at least `type`; `timestamp` in ms). */
export type StatsReport = Record<string, unknown>;
/** A whole `getStats()` result: report id → report. */
export type StatsSnapshot = Map<string, StatsReport>;

/** Packet deltas of one media kind over a stats interval (the trace's `KindPackets`). */
export interface KindDeltas {
  sentPackets: number | null;
  receivedPackets: number | null;
  lostPackets: number | null;
}

/** The figures of a `stats` record. */
export interface StatsFigures {
  rttMs: number | null;
  lossPct: number | null;
  jitterMs: number | null;
  sendKbps: number | null;
  recvKbps: number | null;
  /** Real ms since the previous snapshot (absent on the first). */
  intervalMs?: number;
  /** Per-kind packet deltas since the previous snapshot (absent on the first). */
  kinds?: { audio?: KindDeltas; video?: KindDeltas };
}

/**
 * Every report field that {@link computeFigures}, {@link selectedPair} and {@link describePair}
 * read. A reader may keep only these of each report and get the same figures (the streamed
 * webrtc-internals import does, to hold less); a field read here must be listed here.
 */
export const FIGURE_FIELDS: ReadonlySet<string> = new Set([
  'type',
  'id',
  'selectedCandidatePairId',
  'state',
  'nominated',
  'selected',
  'localCandidateId',
  'remoteCandidateId',
  'candidateType',
  'protocol',
  'relayProtocol',
  'address',
  'ip',
  'port',
  'currentRoundTripTime',
  'roundTripTime',
  'jitter',
  'packetsLost',
  'packetsReceived',
  'packetsSent',
  'bytesSent',
  'bytesReceived',
  'kind',
  'mediaType',
]);

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

/** One end of a selected pair, as the trace's `candidate-pair` records carry it. */
export type PairEnd = CandidateEnd;

function pairEnd(c: StatsReport | undefined): PairEnd {
  const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
  return {
    type: str(c?.candidateType),
    protocol: str(c?.protocol),
    relayProtocol: str(c?.relayProtocol),
    address: str(c?.address) ?? str(c?.ip),
    port: num(c?.port),
  };
}

/**
 * A selected pair in the lab's label form `<route>/<transport>` (`host/udp`, `relay/udp`,
 * `relay/tcp`, `srflx/udp`: the route from the local candidate, the transport to the first hop)
 * with both ends.
 */
export function describePair(
  snap: StatsSnapshot,
  pair: StatsReport,
): { label: string; local: PairEnd; remote: PairEnd } {
  const local = pairEnd(
    typeof pair.localCandidateId === 'string' ? snap.get(pair.localCandidateId) : undefined,
  );
  const remote = pairEnd(
    typeof pair.remoteCandidateId === 'string' ? snap.get(pair.remoteCandidateId) : undefined,
  );
  const relayed = local.type === 'relay' || local.relayProtocol !== null;
  const route = relayed ? 'relay' : local.type === 'prflx' ? 'host' : (local.type ?? '?');
  const transport = relayed ? (local.relayProtocol ?? local.protocol) : local.protocol;
  return { label: `${route}/${transport ?? '?'}`, local, remote };
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
  const figures: StatsFigures = {
    rttMs: round(rttMs),
    lossPct,
    jitterMs: round(jitterMs),
    sendKbps,
    recvKbps,
  };
  if (prev && dtMs > 0) {
    figures.intervalMs = Math.round(dtMs * 10) / 10;
    const kinds = kindDeltas(cur, prev);
    if (kinds) figures.kinds = kinds;
  }
  return figures;
}

type KindName = 'audio' | 'video';

/** Sum of one counter per kind over the RTP reports of one type. */
function byKind(snap: StatsSnapshot, type: string, field: string): Map<KindName, number> {
  const out = new Map<KindName, number>();
  for (const r of snap.values()) {
    const kind = r.kind ?? r.mediaType;
    const v = num(r[field]);
    if (r.type !== type || (kind !== 'audio' && kind !== 'video') || v === null) continue;
    out.set(kind, (out.get(kind) ?? 0) + v);
  }
  return out;
}

/**
 * Per-kind packet deltas between two snapshots: sent from outbound-rtp, received and lost from
 * inbound-rtp. A counter that fell (a new RTP stream) counts from zero again, never negative.
 */
export function kindDeltas(cur: StatsSnapshot, prev: StatsSnapshot): StatsFigures['kinds'] | null {
  const fields: Array<[keyof KindDeltas, string, string]> = [
    ['sentPackets', 'outbound-rtp', 'packetsSent'],
    ['receivedPackets', 'inbound-rtp', 'packetsReceived'],
    ['lostPackets', 'inbound-rtp', 'packetsLost'],
  ];
  const out: { audio?: KindDeltas; video?: KindDeltas } = {};
  for (const [name, type, field] of fields) {
    const now = byKind(cur, type, field);
    const before = byKind(prev, type, field);
    for (const [kind, value] of now) {
      const entry = (out[kind] ??= { sentPackets: null, receivedPackets: null, lostPackets: null });
      const then = before.get(kind) ?? 0;
      entry[name] = value >= then ? value - then : name === 'lostPackets' ? 0 : value;
    }
  }
  return out.audio || out.video ? out : null;
}
