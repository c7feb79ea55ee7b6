/**
 * The media side of one client: the `pub` peer connection (the client offers; one sendonly
 * transceiver per published kind, fed by synthetic media) and the `sub` peer connection (the
 * server offers; the client answers), per PROTOCOL.md "Media". It applies the network-path
 * seam to every candidate, queues remote candidates until the matching remote description is
 * set, records ICE and PC state changes, and reports media faults to its owner.
 */
import type { ClientMessage, MediaKind, PcName, RecordSink } from '../../../shared';
import type { CandidateInit, NetworkPath } from '../network-path';
import {
  createPeerConnection,
  type EngineName,
  type PeerConnectionLike,
  type RtpTransceiverLike,
  type SdpInit,
} from './engines';
import { ClientError } from './errors';
import { splitCandidates, stripCandidates } from './sdp';
import type { StatsSource } from './stats-sampler';
import type { SyntheticMedia } from './synthetic-media';

/** How the media session talks to the server (through the client's current signaling). */
export interface MediaSignaling {
  /** Sends a message now; false when there is no open signaling. */
  send(message: ClientMessage): boolean;
  /** Sends with an id; rejects on an `error` reply, `TIMEOUT` or `CLOSED`. */
  request(message: ClientMessage, timeoutMs: number): Promise<unknown>;
}

/** Options of a {@link MediaSession}. */
export interface MediaSessionOptions {
  uid: number;
  engine: EngineName;
  path: NetworkPath;
  sink: RecordSink;
  media: SyntheticMedia;
  signaling: MediaSignaling;
  /** Real ms to wait for an SDP answer. */
  negotiationTimeoutMs: number;
}

/** An ICE/PC state the owner should act on. */
export interface MediaFault {
  pc: PcName;
  /** 'disconnected' or 'failed'. */
  state: string;
}

interface PcSlot {
  pc: PeerConnectionLike;
  /** Remote candidates waiting for the remote description. */
  queued: CandidateInit[];
  /** Local candidates waiting until our description is sent. */
  localQueue: Array<CandidateInit | null>;
  localReady: boolean;
  /** Serializes every operation on this PC (descriptions and candidates in arrival order). */
  chain: Promise<unknown>;
  seen: Set<string>;
}

const CONNECTED = new Set(['connected', 'completed']);

/** Pub and sub peer connections of one client. */
export class MediaSession {
  private pub: PcSlot | null = null;
  private sub: PcSlot | null = null;
  private readonly transceivers = new Map<MediaKind, RtpTransceiverLike>();
  private readonly tracks = new Map<MediaKind, unknown>();
  private readonly published = new Set<MediaKind>();
  private readonly faultListeners = new Set<(f: MediaFault) => void>();
  private readonly recoveredListeners = new Set<(pc: PcName) => void>();
  private readonly subOfferListeners = new Set<() => void>();
  private answerWaiter: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private closed = false;

  constructor(private readonly opts: MediaSessionOptions) {}

  /** Kinds currently published (what a rejoin must publish again). */
  publishedKinds(): MediaKind[] {
    return [...this.published];
  }

  /** The live peer connections, for the stats sampler. */
  sources(): StatsSource[] {
    const out: StatsSource[] = [];
    if (this.pub) out.push({ name: 'pub', pc: this.pub.pc });
    if (this.sub) out.push({ name: 'sub', pc: this.sub.pc });
    return out;
  }

  /** ICE connection state of a PC, or null when it does not exist. */
  iceState(pc: PcName): string | null {
    return (pc === 'pub' ? this.pub : this.sub)?.pc.iceConnectionState ?? null;
  }

  /** Subscribes to media faults (ICE `disconnected` / `failed`). */
  onFault(listener: (f: MediaFault) => void): () => void {
    this.faultListeners.add(listener);
    return () => this.faultListeners.delete(listener);
  }

  /** Subscribes to a PC's ICE becoming connected again. */
  onConnected(listener: (pc: PcName) => void): () => void {
    this.recoveredListeners.add(listener);
    return () => this.recoveredListeners.delete(listener);
  }

  /** Subscribes to sub-PC offers having been answered (a subscription took effect). */
  onSubAnswered(listener: () => void): () => void {
    this.subOfferListeners.add(listener);
    return () => this.subOfferListeners.delete(listener);
  }

  /**
   * Publishes `kinds`: creates the pub PC on first use, adds a sendonly transceiver per new
   * kind and renegotiates, or puts a track back on an existing transceiver.
   */
  async publish(kinds: MediaKind[]): Promise<void> {
    this.assertOpen();
    const slot = this.pub ?? (this.pub = this.newSlot('pub'));
    let renegotiate = slot.pc.remoteDescription === null;
    for (const kind of new Set(kinds)) {
      const track = this.tracks.get(kind) ?? this.opts.media.createTrack(kind);
      this.tracks.set(kind, track);
      const existing = this.transceivers.get(kind);
      if (existing) {
        if (existing.sender.track !== track) await existing.sender.replaceTrack(track);
      } else {
        this.transceivers.set(kind, slot.pc.addTransceiver(track, { direction: 'sendonly' }));
        renegotiate = true;
      }
      this.published.add(kind);
    }
    if (renegotiate) await this.negotiatePub(false);
  }

  /** Stops sending `kinds` (tracks released; transceivers stay for a later publish). */
  async unpublish(kinds: MediaKind[]): Promise<void> {
    for (const kind of new Set(kinds)) {
      this.published.delete(kind);
      const t = this.transceivers.get(kind);
      if (t) await t.sender.replaceTrack(null).catch(() => undefined);
      const track = this.tracks.get(kind);
      if (track !== undefined) this.opts.media.releaseTrack(track);
      this.tracks.delete(kind);
    }
  }

  /** Restarts ICE on the pub PC (new offer with `iceRestart`). */
  async restartPubIce(): Promise<void> {
    if (!this.pub) return;
    await this.negotiatePub(true);
  }

  /**
   * After a rejoin: drops both PCs (the server may hold half-open ones) and, when something
   * was published, publishes it again on a new pub PC.
   */
  async rebuild(): Promise<void> {
    const kinds = this.publishedKinds();
    this.closePcs();
    if (kinds.length > 0) await this.publish(kinds);
  }

  /** Replaces the pub PC with a new one carrying the published kinds (no-op when none). */
  async rebuildPub(): Promise<void> {
    const kinds = this.publishedKinds();
    if (this.pub) this.closeSlot(this.pub);
    this.pub = null;
    this.answerWaiter?.reject(new ClientError('SIGNALING', 'pub peer connection replaced'));
    this.answerWaiter = null;
    this.transceivers.clear();
    if (kinds.length > 0) await this.publish(kinds);
  }

  /** Drops the sub PC so the server's next offer builds a new one. */
  resetSub(): void {
    if (!this.sub) return;
    this.closeSlot(this.sub);
    this.sub = null;
  }

  /** Applies an `sdp` message from the server: the answer for `pub`, an offer for `sub`. */
  handleSdp(pc: PcName, description: SdpInit): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (pc === 'pub') {
      const slot = this.pub;
      if (!slot || description.type !== 'answer') {
        this.log('warn', `unexpected pub ${description.type} from the server; ignored`);
        return Promise.resolve();
      }
      return this.enqueue(slot, async () => {
        await this.applyRemote(slot, description);
        this.localReady(slot);
        this.answerWaiter?.resolve();
        this.answerWaiter = null;
      });
    }
    if (description.type !== 'offer') {
      this.log('warn', 'unexpected sub answer from the server; ignored');
      return Promise.resolve();
    }
    const slot = this.sub ?? (this.sub = this.newSlot('sub'));
    return this.enqueue(slot, async () => {
      await this.applyRemote(slot, description);
      const answer = await slot.pc.createAnswer();
      await slot.pc.setLocalDescription(answer);
      const sdp = stripCandidates(slot.pc.localDescription?.sdp ?? answer.sdp);
      this.opts.signaling.send({ type: 'sdp', pc: 'sub', description: { type: 'answer', sdp } });
      this.localReady(slot);
      for (const l of [...this.subOfferListeners]) l();
    });
  }

  /** Applies a trickled candidate from the server (null = end of candidates: ignored). */
  handleCandidate(pc: PcName, candidate: CandidateInit | null): Promise<void> {
    if (this.closed || candidate === null) return Promise.resolve();
    const slot = pc === 'pub' ? this.pub : this.sub;
    if (!slot) {
      // The server may trickle a sub candidate before its first offer: keep it for the offer.
      if (pc === 'sub') {
        this.sub = this.newSlot('sub');
        this.sub.queued.push(candidate);
      }
      return Promise.resolve();
    }
    return this.enqueue(slot, async () => {
      if (slot.pc.remoteDescription === null) slot.queued.push(candidate);
      else await this.addRemote(slot, candidate);
    });
  }

  /** Closes both PCs and releases every track; the session stays usable (a later join). */
  reset(): void {
    this.closePcs();
    for (const track of this.tracks.values()) this.opts.media.releaseTrack(track);
    this.tracks.clear();
    this.published.clear();
  }

  /** Closes both PCs and every track. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closePcs();
    for (const track of this.tracks.values()) this.opts.media.releaseTrack(track);
    this.tracks.clear();
    this.published.clear();
    this.faultListeners.clear();
    this.recoveredListeners.clear();
    this.subOfferListeners.clear();
  }

  private closePcs(): void {
    this.answerWaiter?.reject(new ClientError('SIGNALING', 'peer connection closed'));
    this.answerWaiter = null;
    if (this.pub) this.closeSlot(this.pub);
    if (this.sub) this.closeSlot(this.sub);
    this.pub = this.sub = null;
    this.transceivers.clear();
  }

  private negotiation: Promise<unknown> = Promise.resolve();

  /** Offer/answer rounds on the pub PC, one at a time (no glare with ourselves). */
  private negotiatePub(iceRestart: boolean): Promise<void> {
    const run = this.negotiation.then(
      () => this.negotiateOnce(iceRestart),
      () => this.negotiateOnce(iceRestart),
    );
    this.negotiation = run.catch(() => undefined);
    return run;
  }

  private async negotiateOnce(iceRestart: boolean): Promise<void> {
    const slot = this.pub;
    if (!slot) return;
    let wait: Promise<void> = Promise.resolve();
    await this.enqueue(slot, async () => {
      const offer = await slot.pc.createOffer(iceRestart ? { iceRestart: true } : undefined);
      await slot.pc.setLocalDescription(offer);
      const sdp = stripCandidates(slot.pc.localDescription?.sdp ?? offer.sdp);
      const answered = new Promise<void>((resolve, reject) => (this.answerWaiter = { resolve, reject }));
      const refused = this.opts.signaling.request(
        { type: 'sdp', pc: 'pub', description: { type: 'offer', sdp } },
        this.opts.negotiationTimeoutMs,
      );
      // Local candidates go out once the answer is applied: a werift PC does not answer checks
      // before it knows the remote credentials, and the server starts checking at once.
      // The answer arrives through handleSdp (a later task on this chain): wait outside it.
      wait = this.waitAnswer(answered, refused);
    });
    await wait;
  }

  /** Settles with the answer; rejects on an `error` reply or when none comes in time. */
  private waitAnswer(answered: Promise<void>, refused: Promise<unknown>): Promise<void> {
    const timeoutMs = this.opts.negotiationTimeoutMs;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.answerWaiter = null;
        reject(new ClientError('SIGNALING', `no pub answer within ${Math.round(timeoutMs)} ms`));
      }, timeoutMs);
      answered.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (err: Error) => {
          clearTimeout(timer);
          reject(err);
        },
      );
      refused.then(
        () => undefined, // a reply carrying our id is the answer itself: `answered` settles
        (err: Error) => {
          if ((err as { code?: string }).code === 'TIMEOUT') return; // the timer above decides
          clearTimeout(timer);
          this.answerWaiter = null;
          reject(new ClientError('SIGNALING', `pub offer refused: ${err.message}`));
        },
      );
    });
  }

  private async applyRemote(slot: PcSlot, description: SdpInit): Promise<void> {
    const { sdp, candidates } = splitCandidates(description.sdp);
    await slot.pc.setRemoteDescription({ type: description.type, sdp });
    slot.seen.clear();
    const queued = slot.queued.splice(0);
    for (const c of [...candidates, ...queued]) await this.addRemote(slot, c);
  }

  private async addRemote(slot: PcSlot, candidate: CandidateInit): Promise<void> {
    if (slot.seen.has(candidate.candidate)) return;
    slot.seen.add(candidate.candidate);
    let mapped: CandidateInit | null;
    try {
      mapped = await this.opts.path.mapRemoteCandidate(candidate);
    } catch (err) {
      this.log('warn', `network path could not map a remote candidate: ${String(err)}`);
      return;
    }
    if (!mapped) return;
    try {
      await slot.pc.addIceCandidate(mapped);
    } catch (err) {
      this.log('warn', `remote candidate rejected by the engine: ${(err as Error).message}`);
    }
  }

  private newSlot(name: PcName): PcSlot {
    this.assertOpen();
    const pc = createPeerConnection(this.opts.engine);
    const slot: PcSlot = {
      pc,
      queued: [],
      localQueue: [],
      localReady: false,
      chain: Promise.resolve(),
      seen: new Set(),
    };
    const { uid, sink } = this.opts;
    pc.onicecandidate = (event) => {
      const c = event.candidate;
      const init: CandidateInit | null = c
        ? {
            candidate: c.candidate,
            sdpMid: c.sdpMid ?? null,
            sdpMLineIndex: c.sdpMLineIndex ?? null,
            usernameFragment: c.usernameFragment ?? null,
          }
        : null;
      if (init && (!init.candidate || !this.opts.path.shouldSendLocalCandidate(init))) return;
      if (slot.localReady) this.opts.signaling.send({ type: 'candidate', pc: name, candidate: init });
      else slot.localQueue.push(init);
    };
    pc.oniceconnectionstatechange = () => {
      const state = pc.iceConnectionState;
      sink({ type: 'media', uid, event: 'ice-state', pc: name, value: state });
      if (!this.isCurrent(name, slot)) return;
      if (state === 'disconnected' || state === 'failed') {
        for (const l of [...this.faultListeners]) l({ pc: name, state });
      } else if (CONNECTED.has(state)) {
        for (const l of [...this.recoveredListeners]) l(name);
      }
    };
    pc.onconnectionstatechange = () => {
      const state = pc.connectionState;
      sink({ type: 'media', uid, event: 'pc-state', pc: name, value: state });
      // werift never reports ICE `disconnected`; its PC state is the better signal there.
      if (this.isCurrent(name, slot) && state === 'failed' && pc.iceConnectionState !== 'failed') {
        for (const l of [...this.faultListeners]) l({ pc: name, state });
      }
    };
    pc.ontrack = () => undefined;
    return slot;
  }

  private isCurrent(name: PcName, slot: PcSlot): boolean {
    return (name === 'pub' ? this.pub : this.sub) === slot && !this.closed;
  }

  private localReady(slot: PcSlot): void {
    slot.localReady = true;
    const name: PcName = slot === this.pub ? 'pub' : 'sub';
    for (const c of slot.localQueue.splice(0))
      this.opts.signaling.send({ type: 'candidate', pc: name, candidate: c });
  }

  private enqueue(slot: PcSlot, task: () => Promise<void>): Promise<void> {
    const run = slot.chain.then(task, task);
    slot.chain = run.catch(() => undefined);
    return run;
  }

  private closeSlot(slot: PcSlot): void {
    slot.pc.onicecandidate = null;
    slot.pc.oniceconnectionstatechange = null;
    slot.pc.onconnectionstatechange = null;
    slot.pc.ontrack = null;
    try {
      void Promise.resolve(slot.pc.close()).catch(() => undefined);
    } catch {
      // already closed
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new ClientError('DISPOSED', 'media session is closed');
  }

  private log(level: 'warn' | 'error', msg: string): void {
    this.opts.sink({ type: 'log', uid: this.opts.uid, level, msg });
  }
}
