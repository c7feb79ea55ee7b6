/**
 * The peer connections of one client: `pub` (the client offers; one sendonly transceiver per
 * published kind, fed by synthetic media) and `sub` (the server offers; the client answers),
 * per PROTOCOL.md "Media". Each is a {@link PcSlot} (candidates through the network path);
 * this class negotiates them and reports media faults (ICE disconnected/failed) to its owner.
 */
import type { ClientMessage, MediaKind, PcName, RecordSink } from '../../shared';
import type { CandidateInit, NetworkPath } from '../network-path';
import type { RtpTransceiverLike, SdpInit } from './engines';
import { ClientError } from './errors';
import { PcSlot } from './pc-slot';
import { stripCandidates } from './sdp';
import type { StatsSource } from './stats-sampler';
import type { SyntheticMedia } from './synthetic-media';
import type { WebRtcRuntime } from './webrtc-runtime';

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
  runtime: WebRtcRuntime;
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
    if (this.sub) out.push({ name: 'sub', pc: this.sub.pc, announced: this.sub.announced });
    return out;
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

  /**
   * Publishes `kinds`: creates the pub PC on first use, adds a sendonly transceiver per new
   * kind and renegotiates, or puts a track back on an existing transceiver.
   */
  async publish(kinds: MediaKind[]): Promise<void> {
    this.assertOpen();
    const slot = this.pub ?? (this.pub = this.newSlot('pub'));
    let renegotiate = !slot.hasRemoteDescription;
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
   * After a rejoin: drops both PCs (the server may hold half-open ones) and publishes `kinds`
   * (what the user wants now) on a new pub PC; tracks of other kinds are released.
   */
  async rebuild(kinds: MediaKind[]): Promise<void> {
    this.closePcs();
    for (const [kind, track] of [...this.tracks]) {
      if (kinds.includes(kind)) continue;
      this.opts.media.releaseTrack(track);
      this.tracks.delete(kind);
    }
    this.published.clear();
    if (kinds.length > 0) await this.publish(kinds);
  }

  /** Replaces the pub PC with a new one carrying the published kinds (no-op when none). */
  async rebuildPub(): Promise<void> {
    const kinds = this.publishedKinds();
    this.pub?.close();
    this.pub = null;
    this.answerWaiter?.reject(new ClientError('SIGNALING', 'pub peer connection replaced'));
    this.answerWaiter = null;
    this.transceivers.clear();
    if (kinds.length > 0) await this.publish(kinds);
  }

  /** Drops the sub PC so the server's next offer builds a new one. */
  resetSub(): void {
    this.sub?.close();
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
      return slot.enqueue(async () => {
        await slot.applyRemote(description);
        slot.markLocalReady();
        this.answerWaiter?.resolve();
        this.answerWaiter = null;
      });
    }
    if (description.type !== 'offer') {
      this.log('warn', 'unexpected sub answer from the server; ignored');
      return Promise.resolve();
    }
    const slot = this.sub ?? (this.sub = this.newSlot('sub'));
    return slot.enqueue(async () => {
      await slot.applyRemote(description);
      const answer = await slot.pc.createAnswer();
      await slot.pc.setLocalDescription(answer);
      const sdp = stripCandidates(answer.sdp);
      this.opts.signaling.send({ type: 'sdp', pc: 'sub', description: { type: 'answer', sdp } });
      slot.markLocalReady();
    });
  }

  /** Applies a trickled candidate from the server (null = end of candidates: ignored). */
  handleCandidate(pc: PcName, candidate: CandidateInit | null): Promise<void> {
    if (this.closed || candidate === null) return Promise.resolve();
    const slot = pc === 'pub' ? this.pub : this.sub;
    if (!slot) {
      // The server may trickle a sub candidate before its first offer: keep it for the offer.
      if (pc === 'sub') (this.sub = this.newSlot('sub')).keepForLater(candidate);
      return Promise.resolve();
    }
    return slot.remoteCandidate(candidate);
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
  }

  private closePcs(): void {
    this.answerWaiter?.reject(new ClientError('SIGNALING', 'peer connection closed'));
    this.answerWaiter = null;
    this.pub?.close();
    this.sub?.close();
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
    await slot.enqueue(async () => {
      const offer = await slot.pc.createOffer(iceRestart ? { iceRestart: true } : undefined);
      await slot.pc.setLocalDescription(offer);
      const sdp = stripCandidates(offer.sdp);
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

  private newSlot(name: PcName): PcSlot {
    this.assertOpen();
    const { uid, runtime, path, sink } = this.opts;
    const slot: PcSlot = new PcSlot(name, {
      uid,
      runtime,
      path,
      sink,
      send: (m) => this.opts.signaling.send(m),
      onIceState: (state) => {
        if (!this.isCurrent(slot)) return;
        if (state === 'disconnected' || state === 'failed') this.emitFault({ pc: name, state });
        else if (CONNECTED.has(state)) for (const l of [...this.recoveredListeners]) l(name);
      },
      onPcState: (state) => {
        // werift never reports ICE `disconnected`; its PC state is the better signal there.
        if (this.isCurrent(slot) && state === 'failed' && slot.pc.iceConnectionState !== 'failed') {
          this.emitFault({ pc: name, state });
        }
      },
    });
    return slot;
  }

  private emitFault(f: MediaFault): void {
    for (const l of [...this.faultListeners]) l(f);
  }

  private isCurrent(slot: PcSlot): boolean {
    return (slot.name === 'pub' ? this.pub : this.sub) === slot && !this.closed;
  }

  private assertOpen(): void {
    if (this.closed) throw new ClientError('DISPOSED', 'media session is closed');
  }

  private log(level: 'warn' | 'error', msg: string): void {
    this.opts.sink({ type: 'log', uid: this.opts.uid, level, msg });
  }
}
