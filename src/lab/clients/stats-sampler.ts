/**
 * Periodic media statistics of one client: every interval it reads `getStats()` of the client's
 * peer connections and turns counter deltas into one `stats` record (RTT, loss %, jitter,
 * send/receive kbps). A figure the engine does not give is null; engine extras go under `raw`.
 * Every sample's `raw` names the selected candidate pair (`candidatePair: 'host/udp'`,
 * `'relay/udp'`, `'relay/tcp'`…, per PC and overall), and a change of a PC's selected pair is
 * recorded once as a `media` record `candidate-pair` with both candidates' type, protocol,
 * relay protocol and address. Packets received are also counted per announced stream
 * (`raw.sub.fromPeers`: on the sub PC, per publisher UID and kind), so a test or a person can
 * tell which publisher's media stopped arriving, not only that the total dropped.
 */
import type { CandidateEnd, KindPackets, PcName, RecordSink } from '../../shared';
import { isUidKey } from '../../shared/trace/received';
import type { EngineName, PeerConnectionLike } from './engines';
import type { AnnouncedTrack } from './sdp';

/** A peer connection to sample, by name. */
export interface StatsSource {
  name: PcName;
  pc: PeerConnectionLike;
  /** The tracks its remote description announces, to attribute inbound RTP to a stream. */
  announced?: readonly AnnouncedTrack[];
}

/** One computed sample (the fields of a `stats` record). */
export interface StatsSample {
  rttMs: number | null;
  lossPct: number | null;
  jitterMs: number | null;
  sendKbps: number | null;
  recvKbps: number | null;
  /** Real ms the deltas cover (the longest PC interval sampled); absent on a PC's first sample. */
  intervalMs?: number;
  /** Packet deltas per media kind over `intervalMs`, summed over the PCs. */
  kinds?: { audio?: KindPackets; video?: KindPackets };
  raw: Record<string, unknown>;
}

/** One end of a selected candidate pair, as the engine's stats describe it. */
export type PairEnd = CandidateEnd;

/** The selected candidate pair of one PC. */
export interface SelectedPair {
  /**
   * `<route>/<transport to the first hop>`: `host/udp` (direct), `relay/udp`, `relay/tcp` (via
   * TURN), `srflx/udp`. The route comes from the local candidate, a peer-reflexive one counted
   * as `relay` when it has a relay protocol and as `host` otherwise.
   */
  label: string;
  local: PairEnd;
  remote: PairEnd;
}

/** Options of a {@link StatsSampler}. */
export interface StatsSamplerOptions {
  uid: number;
  engine: EngineName;
  sink: RecordSink;
  /** Real milliseconds between samples (already × timeScale); at least 50. */
  intervalMs: number;
  /** The peer connections to sample right now (they change across rejoins). */
  sources: () => StatsSource[];
  /** Extra figures merged into `raw` (e.g. synthetic media counters). */
  extras?: () => Record<string, unknown>;
}

interface Counter {
  bytes: number;
  packets: number;
  lost: number;
}

interface PcBaseline {
  at: number;
  counters: Map<string, Counter>;
}

type Stat = Record<string, unknown>;

/** Samples stats on a timer; `sampleOnce()` is public for tests and on-demand reads. */
export class StatsSampler {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private readonly baselines = new WeakMap<PeerConnectionLike, PcBaseline>();
  private readonly listeners = new Set<(s: StatsSample) => void>();
  private readonly lastPair = new Map<PcName, { pc: PeerConnectionLike; key: string }>();
  private pairs = new Map<PcName, { pc: PeerConnectionLike; pair: SelectedPair }>();

  constructor(private readonly opts: StatsSamplerOptions) {
    if (!Number.isFinite(opts.intervalMs) || opts.intervalMs <= 0) {
      throw new Error(`stats interval must be a positive number of ms, got ${opts.intervalMs}`);
    }
  }

  /** Starts sampling (idempotent). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), Math.max(50, this.opts.intervalMs));
  }

  /** Stops sampling (idempotent); an in-flight sample still completes but is not recorded. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Subscribes to samples; returns the unsubscribe function. */
  onSample(listener: (s: StatsSample) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads every source once and returns the sample (null when there is nothing to sample). */
  async sampleOnce(): Promise<StatsSample | null> {
    const sources = this.opts.sources();
    if (sources.length === 0) return null;
    const acc = new Accumulator();
    for (const { name, pc, announced } of sources) {
      let report;
      try {
        report = await pc.getStats();
      } catch {
        continue; // closed between listing and reading
      }
      const stats: Stat[] = [];
      report.forEach((s) => stats.push(s));
      acc.addPc(name, pc, stats, this.baselines, announced ?? []);
    }
    this.pairs = acc.pairs;
    return acc.result(this.opts.engine, this.opts.extras?.() ?? {});
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const sample = await this.sampleOnce();
      if (!sample || !this.timer) return;
      this.recordPairChanges();
      this.opts.sink({ type: 'stats', uid: this.opts.uid, ...sample });
      for (const l of [...this.listeners]) l(sample);
    } catch (err) {
      this.opts.sink({
        type: 'log',
        uid: this.opts.uid,
        level: 'warn',
        msg: `stats sample failed: ${String(err)}`,
      });
    } finally {
      this.busy = false;
    }
  }

  /** One `candidate-pair` record per PC whose selected pair differs from the last one seen. */
  private recordPairChanges(): void {
    for (const [name, { pc, pair }] of this.pairs) {
      const key = JSON.stringify(pair);
      const last = this.lastPair.get(name);
      if (last && last.pc === pc && last.key === key) continue;
      this.lastPair.set(name, { pc, key });
      const { label, local, remote } = pair;
      this.opts.sink({
        type: 'media',
        uid: this.opts.uid,
        event: 'candidate-pair',
        pc: name,
        value: label,
        local,
        remote,
      });
    }
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The announced track an `inbound-rtp` stat belongs to: by SSRC, else by mid. */
function announcedTrackOf(s: Stat, announced: readonly AnnouncedTrack[]): AnnouncedTrack | undefined {
  const ssrc = num(s.ssrc);
  const bySsrc = ssrc === undefined ? undefined : announced.find((t) => t.ssrcs.includes(ssrc));
  if (bySsrc) return bySsrc;
  return typeof s.mid === 'string' ? announced.find((t) => t.mid === s.mid) : undefined;
}

const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** Sums the figures of several peer connections into one sample. */
class Accumulator {
  private sendBits = 0;
  private recvBits = 0;
  private sendSeen = false;
  private recvSeen = false;
  private sendDt = 0;
  private recvDt = 0;
  private downLost = 0;
  private downTotal = 0;
  private readonly upFraction: number[] = [];
  private readonly jitter: number[] = [];
  private readonly remoteJitter: number[] = [];
  private rtt: number | undefined;
  private remoteRtt: number | undefined;
  private intervalMs = 0;
  private readonly kinds = new KindDeltas();
  private readonly raw: Record<string, unknown> = {};
  /** The selected pair of each PC sampled. */
  readonly pairs = new Map<PcName, { pc: PeerConnectionLike; pair: SelectedPair }>();

  addPc(
    name: PcName,
    pc: PeerConnectionLike,
    stats: Stat[],
    baselines: WeakMap<PeerConnectionLike, PcBaseline>,
    announced: readonly AnnouncedTrack[],
  ): void {
    const now = performance.now();
    const prev = baselines.get(pc);
    const next: PcBaseline = { at: now, counters: new Map() };
    const dt = prev ? now - prev.at : 0;
    if (dt > 0) this.intervalMs = Math.max(this.intervalMs, dt);
    const byId = new Map(stats.map((s) => [String(s.id), s]));
    let selectedPair: string | undefined;
    let framesDecoded = 0;
    let fps: number | undefined;
    let packetsReceived = 0;
    let packetsSent = 0;
    const fromPeers: Record<string, Record<string, number>> = {};

    for (const s of stats) {
      const id = String(s.id);
      switch (s.type) {
        case 'outbound-rtp': {
          const c = { bytes: num(s.bytesSent) ?? 0, packets: num(s.packetsSent) ?? 0, lost: 0 };
          next.counters.set(id, c);
          packetsSent += c.packets;
          const p = prev?.counters.get(id);
          if (p && dt > 0 && c.bytes >= p.bytes) {
            this.sendBits += (c.bytes - p.bytes) * 8;
            this.sendSeen = true;
            this.sendDt = Math.max(this.sendDt, dt);
          }
          if (p && dt > 0) this.kinds.add(s.kind, 'sentPackets', c.packets - p.packets);
          break;
        }
        case 'inbound-rtp': {
          const c = {
            bytes: num(s.bytesReceived) ?? 0,
            packets: num(s.packetsReceived) ?? 0,
            lost: num(s.packetsLost) ?? 0,
          };
          next.counters.set(id, c);
          packetsReceived += c.packets;
          // Only a UID (digits) keys the map and only audio/video names a kind: the stream id
          // comes from the server's SDP, and `__proto__` must not become a key.
          const track = announcedTrackOf(s, announced);
          const kind = typeof s.kind === 'string' ? s.kind : track?.kind;
          if (track?.streamId && isUidKey(track.streamId) && (kind === 'audio' || kind === 'video')) {
            const peer = (fromPeers[track.streamId] ??= {});
            peer[kind] = (peer[kind] ?? 0) + c.packets;
          }
          framesDecoded += num(s.framesDecoded) ?? 0;
          fps = num(s.framesPerSecond) ?? fps;
          const j = num(s.jitter);
          if (j !== undefined) this.jitter.push(j * 1000);
          const p = prev?.counters.get(id);
          if (p && dt > 0 && c.bytes >= p.bytes) {
            this.recvBits += (c.bytes - p.bytes) * 8;
            this.recvSeen = true;
            this.recvDt = Math.max(this.recvDt, dt);
            const lost = Math.max(0, c.lost - p.lost);
            const got = Math.max(0, c.packets - p.packets);
            this.downLost += lost;
            this.downTotal += lost + got;
          }
          if (p && dt > 0) {
            this.kinds.add(kind, 'receivedPackets', c.packets - p.packets);
            this.kinds.add(kind, 'lostPackets', c.lost - p.lost);
          }
          break;
        }
        case 'remote-inbound-rtp': {
          const f = num(s.fractionLost);
          if (f !== undefined) this.upFraction.push(f * 100);
          const r = num(s.roundTripTime);
          if (r !== undefined && this.remoteRtt === undefined) this.remoteRtt = r * 1000;
          const j = num(s.jitter);
          if (j !== undefined) this.remoteJitter.push(j * 1000);
          break;
        }
        case 'transport':
          if (typeof s.selectedCandidatePairId === 'string') selectedPair = s.selectedCandidatePairId;
          break;
      }
    }
    const pair = selectedPair
      ? byId.get(selectedPair)
      : stats.find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded');
    const selected = pair ? describeSelectedPair(pair, byId) : null;
    if (selected) this.pairs.set(name, { pc, pair: selected });
    const pairRtt = pair ? num(pair.currentRoundTripTime) : undefined;
    // werift keeps some pair RTTs at 0 until its first refresh: treat 0 as "no figure".
    if (pairRtt !== undefined && pairRtt > 0 && this.rtt === undefined) this.rtt = pairRtt * 1000;
    baselines.set(pc, next);
    this.raw[name] = {
      ice: pc.iceConnectionState,
      pc: pc.connectionState,
      packetsSent,
      packetsReceived,
      ...(selected ? { candidatePair: selected.label } : {}),
      ...(framesDecoded > 0 ? { framesDecoded } : {}),
      ...(Object.keys(fromPeers).length > 0 ? { fromPeers } : {}),
      ...(fps !== undefined ? { framesPerSecond: fps } : {}),
    };
  }

  result(engine: EngineName, extras: Record<string, unknown>): StatsSample {
    const downlinkLossPct = this.downTotal > 0 ? round((100 * this.downLost) / this.downTotal, 2) : null;
    const uplinkLossPct = this.upFraction.length ? round(Math.max(...this.upFraction), 2) : null;
    const jitters = this.jitter.length ? this.jitter : this.remoteJitter;
    const rtt = this.rtt ?? this.remoteRtt;
    return {
      rttMs: rtt === undefined ? null : round(rtt),
      lossPct: downlinkLossPct ?? uplinkLossPct,
      jitterMs: jitters.length ? round(Math.max(...jitters)) : null,
      sendKbps: this.sendSeen && this.sendDt > 0 ? round(this.sendBits / this.sendDt) : null,
      recvKbps: this.recvSeen && this.recvDt > 0 ? round(this.recvBits / this.recvDt) : null,
      ...(this.intervalMs > 0 ? { intervalMs: round(this.intervalMs) } : {}),
      ...this.kinds.result(),
      raw: {
        engine,
        uplinkLossPct,
        downlinkLossPct,
        candidatePair: this.overallPair(),
        ...this.raw,
        ...extras,
      },
    };
  }

  /** The publisher's pair when there is one (it carries the client's own media), else the subscriber's. */
  private overallPair(): string | null {
    return (this.pairs.get('pub') ?? this.pairs.get('sub'))?.pair.label ?? null;
  }
}

type KindField = keyof KindPackets;

/**
 * Per-kind packet deltas of one sample, summed over PCs. A kind appears once any of its counters
 * moved or was read; a counter never read stays null (the engine has no such figure).
 */
class KindDeltas {
  private readonly byKind = new Map<'audio' | 'video', KindPackets>();

  add(kind: unknown, field: KindField, delta: number): void {
    if ((kind !== 'audio' && kind !== 'video') || !Number.isFinite(delta)) return;
    const entry = this.byKind.get(kind) ?? { sentPackets: null, receivedPackets: null, lostPackets: null };
    // Counters restart with a new RTP stream (a rejoin): a negative delta is a restart, not a figure.
    const value = field === 'lostPackets' ? delta : Math.max(0, delta);
    entry[field] = (entry[field] ?? 0) + value;
    this.byKind.set(kind, entry);
  }

  result(): { kinds?: { audio?: KindPackets; video?: KindPackets } } {
    if (this.byKind.size === 0) return {};
    return { kinds: Object.fromEntries(this.byKind) };
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

function pairEnd(c: Stat | undefined): PairEnd {
  return {
    type: str(c?.candidateType),
    protocol: str(c?.protocol),
    relayProtocol: str(c?.relayProtocol),
    address: str(c?.address) ?? str(c?.ip),
    port: num(c?.port) ?? null,
  };
}

/** The selected pair's two ends and its label (see {@link SelectedPair}). */
function describeSelectedPair(pair: Stat, byId: Map<string, Stat>): SelectedPair | null {
  const local = pairEnd(byId.get(String(pair.localCandidateId)));
  const remote = pairEnd(byId.get(String(pair.remoteCandidateId)));
  if (local.type === null) return null;
  // A relayed local candidate may show as prflx (the media server's mapped address of the TURN
  // relay); a prflx one without relayProtocol is a host socket seen through a NAT (the injector).
  const relayed = local.type === 'relay' || local.relayProtocol !== null;
  const route = relayed ? 'relay' : local.type === 'prflx' ? 'host' : local.type;
  const transport = relayed ? (local.relayProtocol ?? local.protocol) : local.protocol;
  return { label: `${route}/${transport ?? '?'}`, local, remote };
}
