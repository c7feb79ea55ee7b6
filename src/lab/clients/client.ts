/**
 * The connection manager of one local UID: the facade the lab, the scenario runner and the UI
 * drive. It wires the state machine (every transition one `state` record), the signaling
 * session ({@link Connector}, {@link SignalingClient}), the media session (pub/sub PCs,
 * synthetic media), media recovery, the stats sampler and the rejoin loop into the behaviour
 * of docs/MODEL.md.
 */
import {
  scaled,
  type ConnectionState,
  type DisconnectReason,
  type LabTiming,
  type MediaKind,
  type RecordSink,
  type ServerMessage,
} from '../../shared';
import type { NetworkPath } from '../network-path';
import { Connector, type Joined } from './connector';
import { isEngineName, type EngineName, type IceConfig } from './engines';
import { ClientError, joinFailureReason, SignalingError } from './errors';
import { checkKinds, checkUid } from './intents';
import { MediaController } from './media-controller';
import { PeerDirectory, type PeerEvent } from './peers';
import { scaledPolicy, type RandomSource } from './reconnect-policy';
import { RejoinLoop } from './rejoin-loop';
import type { SignalingClient, SignalingCloseInfo } from './signaling';
import { ConnectionStateMachine } from './state-machine';
import { TimerGroup } from './timers';
import { nodeRuntime, type WebRtcRuntime } from './webrtc-runtime';
import type { SyntheticMediaOptions } from './synthetic-media';

/** Options of a {@link Client}. */
export interface ClientOptions {
  uid: number;
  channel: string;
  /** A token, or a function that issues one (called on every join and rejoin). */
  token: string | (() => string | Promise<string>);
  path: NetworkPath;
  timing: LabTiming;
  /** WebRTC engine (default `wrtc`); ignored when `runtime` is given. */
  engine?: EngineName;
  /** ICE servers and policy of a Node engine (e.g. the lab's TURN server). */
  ice?: IceConfig;
  /** A ready engine runtime (the browser engine's, made around an open page); owned from now on. */
  runtime?: WebRtcRuntime;
  /** What a Node engine's synthetic media sends; ignored when `runtime` is given. */
  media?: SyntheticMediaOptions;
  /** Subscribe to every `user-published` kind by itself (default true). */
  autoSubscribe?: boolean;
  sink: RecordSink;
  /** Jitter source (default Math.random); pass `seededRandom(n)` for reproducible runs. */
  random?: RandomSource;
}

/** One local participant. */
export class Client {
  readonly uid: number;
  private readonly sm: ConnectionStateMachine;
  private readonly peers: PeerDirectory;
  private readonly media: MediaController;
  private readonly connector: Connector;
  private readonly rejoin: RejoinLoop;
  private readonly timers = new TimerGroup();
  private readonly runtime: WebRtcRuntime;
  private token: ClientOptions['token'];
  private signaling: SignalingClient | null = null;
  private resume: string | undefined;
  /** Bumped whenever something supersedes the operations in flight (leave, kick, interruption). */
  private epoch = 0;
  private leaving: Promise<void> | null = null;
  private disposed = false;

  constructor(private readonly opts: ClientOptions) {
    this.uid = checkUid(opts.uid);
    if (typeof opts.channel !== 'string' || opts.channel.length < 1 || opts.channel.length > 64) {
      throw new ClientError('BAD_ARGUMENT', 'channel must be a string of 1–64 characters');
    }
    this.runtime = opts.runtime ?? nodeRuntimeFor(opts.engine ?? 'wrtc', opts.ice, opts.media);
    this.token = opts.token;
    const { sink, timing } = opts;
    const uid = this.uid;
    const policy = scaledPolicy(timing);
    this.sm = new ConnectionStateMachine(uid, sink);
    this.peers = new PeerDirectory(uid, sink);
    this.media = new MediaController({
      uid,
      runtime: this.runtime,
      path: opts.path,
      sink,
      timing,
      timers: this.timers,
      peers: this.peers,
      autoSubscribe: opts.autoSubscribe ?? true,
      signaling: () => this.signaling,
      connected: () => this.sm.state === 'CONNECTED',
      interrupted: (cause) => this.interrupt(cause),
    });
    this.connector = new Connector({
      uid,
      channel: opts.channel,
      path: opts.path,
      sink,
      timing,
      timers: this.timers,
      token: () => this.resolveToken(),
    });
    this.rejoin = new RejoinLoop({
      uid,
      sink,
      policy,
      joinTimeoutMs: scaled(timing, timing.joinTimeoutMs),
      random: opts.random ?? Math.random,
      timers: this.timers,
      probe: (ms) => this.connector.probe(ms),
      join: (socket, ms) => this.connector.join(socket, ms, this.resume),
      succeeded: (socket, joined) => this.rejoined(socket, joined),
      refused: (reason) => this.finish(reason, 'rejoin-refused'),
      gaveUp: () => this.finish('NETWORK_ERROR', 'reconnect-budget-spent'),
    });
  }

  /** The current connection state. */
  get state(): ConnectionState {
    return this.sm.state;
  }

  /**
   * Joins the channel: CONNECTING, then CONNECTED when the server answers `joined`. Rejects
   * with a {@link ClientError} whose code is the disconnect reason (INVALID_TOKEN, …,
   * NETWORK_ERROR when no answer came within joinTimeoutMs; LEAVE when leave() cut it short).
   */
  async join(): Promise<void> {
    this.assertUsable();
    if (this.sm.state !== 'DISCONNECTED') {
      throw new ClientError('INVALID_STATE', `join() needs DISCONNECTED; the client is ${this.sm.state}`);
    }
    const epoch = ++this.epoch;
    this.resume = undefined;
    this.sm.transition('CONNECTING');
    try {
      const { socket, joined } = await this.connector.initialJoin(() => epoch !== this.epoch);
      this.attach(socket, joined);
      this.sm.transition('CONNECTED');
      this.peers.reconcile(joined.members);
      this.media.startSampling();
    } catch (err) {
      if (epoch !== this.epoch)
        throw new ClientError('LEAVE', 'join() was cut short by leave() or dispose()');
      const reason = joinFailureReason(err);
      this.finish(reason, joinCause(err));
      throw new ClientError(reason, `join failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Leaves: DISCONNECTING → DISCONNECTED (LEAVE), sending `leave` when connected. */
  leave(): Promise<void> {
    if (this.leaving) return this.leaving;
    const state = this.sm.state;
    if (state === 'DISCONNECTED') return Promise.resolve();
    this.leaving = (async () => {
      this.epoch += 1;
      this.rejoin.stop();
      this.media.pause();
      this.sm.transition('DISCONNECTING');
      const socket = this.signaling;
      this.signaling = null;
      if (socket?.open && state === 'CONNECTED') socket.send({ type: 'leave' });
      await socket?.close(1000, 'leave');
      this.teardown();
      this.sm.transition('DISCONNECTED', { reason: 'LEAVE' });
    })().finally(() => {
      this.leaving = null;
    });
    return this.leaving;
  }

  /** Publishes synthetic media of `kinds` (while RECONNECTING: remembered for the rejoin). */
  async publish(kinds: MediaKind[]): Promise<void> {
    const list = checkKinds(kinds);
    if (this.sm.state === 'RECONNECTING') return this.media.intents.addPublish(list);
    this.assertConnected('publish');
    await this.media.publish(list);
  }

  /** Stops publishing `kinds`. */
  async unpublish(kinds: MediaKind[]): Promise<void> {
    const list = checkKinds(kinds);
    if (this.sm.state === 'RECONNECTING') return this.media.intents.removePublish(list);
    this.assertConnected('unpublish');
    await this.media.unpublish(list);
  }

  /**
   * Asks for `peer`'s `kinds` on the sub PC; kept across rejoins until unsubscribed. The server
   * answers only refusals: an `error` within the probe timeout rejects.
   */
  async subscribe(peer: number, kinds: MediaKind[]): Promise<void> {
    const list = checkKinds(kinds);
    checkUid(peer, 'peer');
    if (this.sm.state === 'RECONNECTING') return this.media.intents.addSubscription(peer, list);
    this.assertConnected('subscribe');
    await this.media.subscribe(peer, list);
  }

  /** Drops `peer`'s `kinds`. */
  async unsubscribe(peer: number, kinds: MediaKind[]): Promise<void> {
    this.media.unsubscribe(checkUid(peer, 'peer'), checkKinds(kinds));
  }

  /**
   * Replaces the token (`renew-token`); without an argument a token function issues a new one.
   * A given token is also used for later rejoins. An `error` answer rejects.
   */
  async renewToken(token?: string): Promise<void> {
    this.assertConnected('renewToken');
    if (token !== undefined && (typeof token !== 'string' || token.length === 0)) {
      throw new ClientError('BAD_ARGUMENT', 'token must be a non-empty string');
    }
    const next = token ?? (await this.resolveToken());
    if (token !== undefined) this.token = token;
    await this.media.refusalWithin({ type: 'renew-token', token: next });
  }

  /** Remote members and what they publish. */
  remotePeers(): Map<number, { published: MediaKind[] }> {
    return this.peers.snapshot();
  }

  /** Subscribes to state changes; returns the unsubscribe function. */
  onStateChange(
    listener: (from: ConnectionState, to: ConnectionState, reason?: DisconnectReason, cause?: string) => void,
  ): () => void {
    return this.sm.onChange((from, to, d) => listener(from, to, d.reason, d.cause));
  }

  /** Subscribes to remote peer events; returns the unsubscribe function. */
  onPeerEvent(listener: (e: PeerEvent) => void): () => void {
    return this.peers.onEvent(listener);
  }

  /** Leaves if needed, then stops sockets, PCs, timers and media. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.leave().catch(() => undefined);
    this.disposed = true;
    this.epoch += 1;
    this.teardown();
    this.media.close();
    this.peers.dispose();
    await this.runtime.dispose();
  }

  // ── sessions ───────────────────────────────────────────────────────────────────────────

  private attach(socket: SignalingClient, joined: Joined): void {
    this.signaling = socket;
    this.resume = joined.resume;
    socket.onMessage((m) => this.onServerMessage(m));
    socket.onClose((info) => this.onSocketLost(socket, info));
    const { timing } = this.opts;
    const interval = joined.config.heartbeatIntervalMs * joined.config.timeScale;
    socket.startHeartbeat(interval, scaled(timing, timing.livenessTimeoutMs));
  }

  private rejoined(socket: SignalingClient, joined: Joined): void {
    if (this.sm.state !== 'RECONNECTING') {
      socket.terminate();
      return;
    }
    this.attach(socket, joined);
    this.sm.transition('CONNECTED', { cause: 'REJOIN_SUCCESS' });
    this.peers.reconcile(joined.members);
    this.media
      .restore()
      .catch((err: unknown) => this.log('warn', `restoring media after rejoin failed: ${String(err)}`));
  }

  private onSocketLost(socket: SignalingClient, info: SignalingCloseInfo): void {
    if (socket !== this.signaling || this.sm.state !== 'CONNECTED') return;
    if (info.code === 4003) return this.finish('SAME_UID_LOGIN', 'replaced');
    this.interrupt(info.code >= 4000 ? `${info.cause}-${info.code}` : info.cause);
  }

  /** CONNECTED → RECONNECTING: drop the socket, keep the PCs, start probing and rejoining. */
  private interrupt(cause: string): void {
    if (this.sm.state !== 'CONNECTED') return;
    this.epoch += 1;
    this.media.pause();
    this.signaling?.terminate();
    this.signaling = null;
    this.sm.transition('RECONNECTING', { cause });
    this.rejoin.start();
  }

  /** Ends in DISCONNECTED with `reason` (refusal, kick, give-up). */
  private finish(reason: DisconnectReason, cause: string): void {
    if (!this.sm.can('DISCONNECTED', reason)) {
      this.log('error', `cannot end ${this.sm.state} with ${reason} (${cause}); state kept`);
      return;
    }
    this.epoch += 1;
    this.rejoin.stop();
    this.teardown();
    this.sm.transition('DISCONNECTED', { reason, cause });
  }

  /** Stops the socket, PCs, tracks and timers of the session (the client stays usable). */
  private teardown(): void {
    this.signaling?.terminate();
    this.signaling = null;
    this.timers.cancelAll();
    this.media.reset();
    this.peers.clear();
    this.resume = undefined;
  }

  private onServerMessage(m: ServerMessage): void {
    switch (m.type) {
      case 'user-joined':
      case 'user-published':
      case 'user-unpublished':
      case 'user-left':
        return this.peers.apply(m);
      case 'kicked':
        if (this.sm.state === 'CONNECTED') this.finish(m.reason, 'kicked');
        return;
      case 'sdp':
      case 'candidate':
      case 'media-reset':
        return this.media.handle(m);
      case 'token-will-expire':
        if (typeof this.token === 'function') {
          this.renewToken().catch((err: unknown) =>
            this.log('warn', `automatic token renewal failed: ${String(err)}`),
          );
        }
        return;
      case 'error':
        return this.log('warn', `server error ${m.code}: ${m.message}`);
      default:
        return;
    }
  }

  // ── helpers ────────────────────────────────────────────────────────────────────────────

  private async resolveToken(): Promise<string> {
    const t = this.token;
    const value = typeof t === 'function' ? await t() : t;
    if (typeof value !== 'string')
      throw new ClientError('BAD_ARGUMENT', 'the token function must return a string');
    return value;
  }

  private assertConnected(op: string): void {
    this.assertUsable();
    if (this.sm.state !== 'CONNECTED') {
      throw new ClientError('INVALID_STATE', `${op}() needs CONNECTED; the client is ${this.sm.state}`);
    }
  }

  private assertUsable(): void {
    if (this.disposed) throw new ClientError('DISPOSED', `client ${this.uid} is disposed`);
  }

  private log(level: 'warn' | 'error', msg: string): void {
    this.opts.sink({ type: 'log', uid: this.uid, level, msg });
  }
}

function joinCause(err: unknown): string {
  if (err instanceof SignalingError) {
    if (err.code === 'TIMEOUT') return 'join-timeout';
    if (err.code === 'CLOSED') return 'server-unreachable';
    return 'join-refused';
  }
  return 'join-failed';
}

/** The runtime of a Node engine by name, with a clear error for anything else. */
function nodeRuntimeFor(
  engine: unknown,
  ice: IceConfig | undefined,
  media: SyntheticMediaOptions | undefined,
): WebRtcRuntime {
  if (!isEngineName(engine)) {
    throw new ClientError(
      'BAD_ARGUMENT',
      `engine must be 'wrtc', 'werift' or 'browser', got ${JSON.stringify(engine)}`,
    );
  }
  if (engine === 'browser') {
    throw new ClientError(
      'BAD_ARGUMENT',
      'the browser engine needs a page: add the participant through a Lab',
    );
  }
  return nodeRuntime(engine, ice, media);
}
