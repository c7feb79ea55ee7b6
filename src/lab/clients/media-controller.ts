/**
 * Everything media of one client behind one object: the publish/subscribe intents, the
 * pub/sub peer connections ({@link MediaSession}) with synthetic media, media recovery (ICE
 * restarts while CONNECTED), auto-subscribe, restoring media after a rejoin, and the stats
 * sampler. The `Client` owns the connection lifecycle and calls in here.
 */
import {
  scaled,
  type ClientMessage,
  type LabTiming,
  type MediaKind,
  type RecordSink,
  type ServerMessageOf,
} from '../../shared';
import type { NetworkPath } from '../network-path';
import { ClientError, SignalingError } from './errors';
import { MediaIntents } from './intents';
import { MediaRecovery } from './media-recovery';
import { MediaSession } from './media-session';
import type { PeerDirectory, PeerEvent } from './peers';
import { scaledPolicy } from './reconnect-policy';
import type { SignalingClient } from './signaling';
import { StatsSampler } from './stats-sampler';
import type { SyntheticMedia } from './synthetic-media';
import type { TimerGroup } from './timers';
import type { WebRtcRuntime } from './webrtc-runtime';

/** Collaborators of a {@link MediaController}. */
export interface MediaControllerOptions {
  uid: number;
  runtime: WebRtcRuntime;
  path: NetworkPath;
  sink: RecordSink;
  timing: LabTiming;
  timers: TimerGroup;
  peers: PeerDirectory;
  autoSubscribe: boolean;
  /** The current signaling session (null while there is none). */
  signaling: () => SignalingClient | null;
  /** True while the client is CONNECTED. */
  connected: () => boolean;
  /** The connection is down (a media fault whose ping check failed). */
  interrupted: (cause: string) => void;
}

/** Media side of one client. */
export class MediaController {
  readonly intents = new MediaIntents();
  private readonly synthetic: SyntheticMedia;
  private readonly session: MediaSession;
  private readonly recovery: MediaRecovery;
  private readonly sampler: StatsSampler;
  /** Bumped by reset(): restores in flight stop sending. */
  private generation = 0;

  constructor(private readonly o: MediaControllerOptions) {
    const { uid, sink, timing, runtime } = o;
    const policy = scaledPolicy(timing);
    this.synthetic = runtime.createMedia();
    this.session = new MediaSession({
      uid,
      runtime,
      path: o.path,
      sink,
      media: this.synthetic,
      negotiationTimeoutMs: scaled(timing, timing.joinTimeoutMs),
      signaling: {
        send: (m) => this.send(m),
        request: (m, ms) =>
          o.signaling()?.request(m, ms) ?? Promise.reject(new SignalingError('CLOSED', 'no signaling')),
      },
    });
    this.recovery = new MediaRecovery({
      uid,
      sink,
      timers: o.timers,
      retryMs: Math.max(1000, policy.baseDelayMs),
      maxRetryMs: Math.max(2000, policy.maxDelayMs),
      enabled: o.connected,
      // Longer than the liveness rule waits (which ends a dead socket on its own): a busy
      // machine must not turn a media fault into a rejoin.
      signalingAlive: () => this.pingAlive(Math.max(1000, 2 * scaled(timing, timing.livenessTimeoutMs))),
      interrupted: o.interrupted,
      // The client cannot offer on sub (the server does): a sub episode waits for ICE to come
      // back by itself or for the server's `media-reset` and fresh offer.
      restart: (pc) => (pc === 'pub' ? this.session.restartPubIce() : Promise.resolve()),
    });
    this.session.onFault((f) => void this.recovery.fault(f));
    this.session.onConnected((pc) => this.recovery.connected(pc));
    this.sampler = new StatsSampler({
      uid,
      engine: runtime.engine,
      sink,
      intervalMs: Math.max(50, scaled(timing, timing.statsIntervalMs)),
      sources: () => this.session.sources(),
      extras: () => {
        const synthetic = this.synthetic.counters();
        return { ...runtime.describe(), ...(synthetic ? { synthetic } : {}) };
      },
    });
    o.peers.onEvent((e) => this.onPeer(e));
  }

  /** Publishes now (CONNECTED): pub PC negotiation, then `publish`. */
  async publish(kinds: MediaKind[]): Promise<void> {
    this.intents.addPublish(kinds);
    await this.session.publish(kinds);
    this.send({ type: 'publish', kinds });
  }

  /** Stops publishing now (CONNECTED). */
  async unpublish(kinds: MediaKind[]): Promise<void> {
    this.intents.removePublish(kinds);
    await this.session.unpublish(kinds);
    this.send({ type: 'unpublish', kinds });
  }

  /** Subscribes now (CONNECTED); rejects when the server refuses within the probe timeout. */
  async subscribe(peer: number, kinds: MediaKind[]): Promise<void> {
    this.intents.addSubscription(peer, kinds);
    await this.refusalWithin({ type: 'subscribe', peer, kinds });
  }

  /** Unsubscribes (sent only while connected). */
  unsubscribe(peer: number, kinds: MediaKind[]): void {
    this.intents.removeSubscription(peer, kinds);
    if (this.o.connected()) this.send({ type: 'unsubscribe', peer, kinds });
  }

  /**
   * Sends a request the server answers only when it refuses (subscribe, renew-token); waits the
   * probe timeout for a refusal, which rejects with a SIGNALING {@link ClientError}.
   */
  async refusalWithin(message: ClientMessage): Promise<void> {
    const socket = this.o.signaling();
    if (!socket) throw new ClientError('INVALID_STATE', 'not connected');
    const { timing } = this.o;
    try {
      await socket.request(message, scaled(timing, timing.reconnect.probeTimeoutMs));
    } catch (err) {
      if (err instanceof SignalingError && (err.code === 'TIMEOUT' || err.code === 'CLOSED')) return;
      throw new ClientError('SIGNALING', `${message.type} refused: ${(err as Error).message}`);
    }
  }

  /** Applies `sdp` / `candidate` / `media-reset` from the server. */
  handle(m: ServerMessageOf<'sdp'> | ServerMessageOf<'candidate'> | ServerMessageOf<'media-reset'>): void {
    if (m.type === 'media-reset') {
      this.mediaReset(m.pc, m.reason);
    } else if (m.type === 'sdp') {
      this.session
        .handleSdp(m.pc, m.description)
        .catch((err: unknown) => this.log(`${m.pc} sdp failed: ${String(err)}`));
    } else {
      void this.session.handleCandidate(m.pc, m.candidate);
    }
  }

  /** Starts the stats sampler (after a join). */
  startSampling(): void {
    this.sampler.start();
  }

  /** The client left CONNECTED: media recovery ends (PCs are kept for the rejoin). */
  pause(): void {
    this.recovery.stop();
  }

  /** After a rejoin: a new pub PC with the published kinds, and every subscription again. */
  async restore(): Promise<void> {
    const generation = this.generation;
    const kinds = this.intents.published();
    await this.session.rebuild(kinds);
    if (kinds.length > 0 && generation === this.generation) this.send({ type: 'publish', kinds });
    for (const [peer, wanted] of this.intents.subscriptions()) {
      const available = this.o.peers.published(peer).filter((k) => wanted.includes(k));
      if (available.length > 0 && generation === this.generation) {
        this.send({ type: 'subscribe', peer, kinds: available });
      }
    }
  }

  /** Leaving the channel: PCs, tracks, sampler and intents go; the controller stays usable. */
  reset(): void {
    this.generation += 1;
    this.recovery.stop();
    this.sampler.stop();
    this.session.reset();
    this.intents.clear();
  }

  /** Stops everything for good. */
  close(): void {
    this.reset();
    this.session.close();
    this.synthetic.dispose();
  }

  private onPeer(e: PeerEvent): void {
    if (e.event === 'user-published' && e.mediaType) {
      if (!this.o.autoSubscribe && !this.intents.wants(e.peer, e.mediaType)) return;
      if (!this.o.connected()) return;
      this.subscribe(e.peer, [e.mediaType]).catch((err: unknown) =>
        this.log(`subscribe to ${e.peer} ${e.mediaType} failed: ${String(err)}`),
      );
    } else if (e.event === 'user-left' && e.reason === 'Quit') {
      this.intents.removeSubscription(e.peer);
    }
  }

  /**
   * The server gave up its side of a PC (docs/PROTOCOL.md "Extensions"): `sub` → drop ours and
   * answer the server's next offer; `pub` → publish again from a new PC (a new DTLS identity
   * is what the server expects after it closed its side).
   */
  private mediaReset(pc: 'pub' | 'sub', reason: string): void {
    const episode = reason !== 'resumed' && this.o.connected() && !this.recovery.recovering(pc);
    if (episode) this.recovery.begin(pc, `server-${reason}`);
    if (pc === 'sub') {
      this.session.resetSub();
      return;
    }
    const generation = this.generation;
    this.session
      .rebuildPub()
      .catch(
        (err: unknown) => generation === this.generation && this.log(`pub rebuild failed: ${String(err)}`),
      );
  }

  private async pingAlive(timeoutMs: number): Promise<boolean> {
    const socket = this.o.signaling();
    if (!socket?.open) return false;
    try {
      await socket.request({ type: 'ping', ts: Date.now() }, timeoutMs);
      return true;
    } catch {
      return false;
    }
  }

  private send(message: ClientMessage): boolean {
    return this.o.signaling()?.send(message) ?? false;
  }

  private log(msg: string): void {
    this.o.sink({ type: 'log', uid: this.o.uid, level: 'warn', msg });
  }
}
