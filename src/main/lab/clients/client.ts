/**
 * The connection manager of one local UID: the facade the lab, the scenario runner and the UI
 * drive. It wires the state machine (every transition one `state` record), the signaling
 * client, the media session (pub/sub PCs, synthetic media), media recovery, the stats sampler
 * and the rejoin loop ({@link RejoinLoop}) into the behaviour of DESIGN.md "Connection model".
 */
import {
  MediaKindSchema,
  scaled,
  type ConnectionState,
  type DisconnectReason,
  type LabTiming,
  type MediaKind,
  type RecordSink,
  type ServerMessage,
  type ServerMessageOf,
} from '../../../shared';
import type { NetworkPath } from '../network-path';
import { isEngineName, type EngineName } from './engines';
import { ClientError, joinFailureReason, SignalingError } from './errors';
import { MediaRecovery } from './media-recovery';
import { MediaSession } from './media-session';
import { PeerDirectory, type PeerEvent } from './peers';
import { RejoinLoop } from './rejoin-loop';
import { scaledPolicy, type RandomSource } from './reconnect-policy';
import { SignalingClient, type SignalingCloseInfo } from './signaling';
import { ConnectionStateMachine, type TransitionDetail } from './state-machine';
import { StatsSampler } from './stats-sampler';
import { createSyntheticMedia, type SyntheticMedia } from './synthetic-media';
import { TimerGroup } from './timers';

/** Options of a {@link Client}. */
export interface ClientOptions {
  uid: number;
  channel: string;
  /** A token, or a function that issues one (called on every join and rejoin). */
  token: string | (() => string | Promise<string>);
  path: NetworkPath;
  timing: LabTiming;
  /** WebRTC engine (default `wrtc`). */
  engine?: EngineName;
  /** Subscribe to every `user-published` kind by itself (default true). */
  autoSubscribe?: boolean;
  sink: RecordSink;
  /** Jitter source (default Math.random); pass `seededRandom(n)` for reproducible runs. */
  random?: RandomSource;
}

type Joined = ServerMessageOf<'joined'>;

/** One local participant. */
export class Client {
  readonly uid: number;
  private readonly sm: ConnectionStateMachine;
  private readonly peers: PeerDirectory;
  private readonly media: MediaSession;
  private readonly synthetic: SyntheticMedia;
  private readonly recovery: MediaRecovery;
  private readonly sampler: StatsSampler;
  private readonly rejoin: RejoinLoop;
  private readonly timers = new TimerGroup();
  private readonly engine: EngineName;
  private readonly subscriptions = new Map<number, Set<MediaKind>>();
  private readonly desiredKinds = new Set<MediaKind>();
  private signaling: SignalingClient | null = null;
  private resume: string | undefined;
  /** Bumped whenever an operation supersedes the ones in flight (leave, kick, interruption). */
  private epoch = 0;
  private leaving: Promise<void> | null = null;
  private disposed = false;

  constructor(private readonly opts: ClientOptions) {
    if (!Number.isInteger(opts.uid) || opts.uid < 0 || opts.uid > 2 ** 32 - 1) {
      throw new ClientError('BAD_ARGUMENT', `uid must be an integer in [0, 2^32-1], got ${String(opts.uid)}`);
    }
    if (typeof opts.channel !== 'string' || opts.channel.length < 1 || opts.channel.length > 64) {
      throw new ClientError('BAD_ARGUMENT', 'channel must be a string of 1–64 characters');
    }
    this.engine = opts.engine ?? 'wrtc';
    if (!isEngineName(this.engine)) {
      throw new ClientError('BAD_ARGUMENT', `engine must be 'wrtc' or 'werift', got ${JSON.stringify(opts.engine)}`);
    }
    this.uid = opts.uid;
    const { sink, timing } = opts;
    this.sm = new ConnectionStateMachine(this.uid, sink);
    this.peers = new PeerDirectory(this.uid, sink);
    this.synthetic = createSyntheticMedia(this.engine);
    this.media = new MediaSession({
      uid: this.uid,
      engine: this.engine,
      path: opts.path,
      sink,
      media: this.synthetic,
      negotiationTimeoutMs: scaled(timing, timing.joinTimeoutMs),
      signaling: {
        send: (m) => this.signaling?.send(m) ?? false,
        request: (m, ms) =>
          this.signaling?.request(m, ms) ?? Promise.reject(new SignalingError('CLOSED', 'no signaling')),
      },
    });
    const policy = scaledPolicy(timing);
    this.recovery = new MediaRecovery({
      uid: this.uid,
      sink,
      timers: this.timers,
      retryMs: Math.max(1000, policy.baseDelayMs),
      maxRetryMs: Math.max(2000, policy.maxDelayMs),
      enabled: () => this.sm.state === 'CONNECTED',
      signalingAlive: () => this.pingAlive(policy.probeTimeoutMs),
      interrupted: (cause) => this.interrupt(cause),
      restart: (pc) => (pc === 'pub' ? this.media.restartPubIce() : this.restartSub()),
    });
    this.media.onFault((f) => void this.recovery.fault(f));
    this.media.onConnected((pc) => this.recovery.connected(pc));
    this.sampler = new StatsSampler({
      uid: this.uid,
      engine: this.engine,
      sink,
      intervalMs: Math.max(50, scaled(timing, timing.statsIntervalMs)),
      sources: () => this.media.sources(),
      extras: () => ({ synthetic: this.synthetic.counters() }),
    });
    this.rejoin = new RejoinLoop({
      uid: this.uid,
      sink,
      policy,
      joinTimeoutMs: scaled(timing, timing.joinTimeoutMs),
      random: opts.random ?? Math.random,
      timers: this.timers,
      probe: (timeoutMs) => this.probe(timeoutMs),
      join: (socket, timeoutMs) => this.sendJoin(socket, timeoutMs, this.resume),
      succeeded: (socket, joined) => this.rejoined(socket, joined),
      refused: (reason) => this.finish(reason, 'rejoin-refused'),
      gaveUp: () => this.finish('NETWORK_ERROR', 'reconnect-budget-spent'),
    });
    this.peers.onEvent((e) => this.autoSubscribe(e));
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
    const { timing } = this.opts;
    const deadline = performance.now() + scaled(timing, timing.joinTimeoutMs);
    const probe = scaledPolicy(timing);
    let lastError: unknown = new SignalingError('TIMEOUT', 'join timed out');
    while (epoch === this.epoch) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) break;
      const started = performance.now();
      try {
        const { socket, joined } = await this.openAndJoin(remaining);
        if (epoch !== this.epoch) {
          await socket.close();
          break;
        }
        this.attach(socket, joined);
        this.sm.transition('CONNECTED');
        this.afterJoin(joined, false);
        return;
      } catch (err) {
        lastError = err;
        // Only an unreachable server is retried within the join timeout; answers are final.
        if (!(err instanceof SignalingError) || err.code !== 'CLOSED' || epoch !== this.epoch) break;
        const wait = Math.min(deadline - performance.now(), probe.probeIntervalMs - (performance.now() - started));
        if (wait > 0 && !(await this.timers.sleep(wait))) break;
      }
    }
    if (epoch !== this.epoch) throw new ClientError('LEAVE', 'join() was cut short by leave() or dispose()');
    const reason = joinFailureReason(lastError);
    this.finish(reason, errorCause(lastError));
    throw new ClientError(reason, `join failed: ${(lastError as Error).message ?? String(lastError)}`);
  }

  /** Leaves: DISCONNECTING → DISCONNECTED (LEAVE), sending `leave` when connected. */
  leave(): Promise<void> {
    if (this.leaving) return this.leaving;
    const state = this.sm.state;
    if (state === 'DISCONNECTED') return Promise.resolve();
    this.leaving = (async () => {
      this.epoch += 1;
      this.rejoin.stop();
      this.recovery.stop();
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
    const list = this.checkKinds(kinds);
    for (const k of list) this.desiredKinds.add(k);
    if (this.sm.state === 'RECONNECTING') return;
    this.assertConnected('publish');
    await this.media.publish(list);
    this.signaling?.send({ type: 'publish', kinds: list });
  }

  /** Stops publishing `kinds`. */
  async unpublish(kinds: MediaKind[]): Promise<void> {
    const list = this.checkKinds(kinds);
    for (const k of list) this.desiredKinds.delete(k);
    if (this.sm.state === 'RECONNECTING') return;
    this.assertConnected('unpublish');
    await this.media.unpublish(list);
    this.signaling?.send({ type: 'unpublish', kinds: list });
  }

  /** Asks for `peer`'s `kinds` on the sub PC; kept across rejoins until unsubscribed. */
  async subscribe(peer: number, kinds: MediaKind[]): Promise<void> {
    const list = this.checkKinds(kinds);
    checkUid(peer);
    const set = this.subscriptions.get(peer) ?? new Set<MediaKind>();
    for (const k of list) set.add(k);
    this.subscriptions.set(peer, set);
    if (this.sm.state === 'RECONNECTING') return;
    this.assertConnected('subscribe');
    await this.requestSubscription(peer, list);
  }

  /** Drops `peer`'s `kinds`. */
  async unsubscribe(peer: number, kinds: MediaKind[]): Promise<void> {
    const list = this.checkKinds(kinds);
    checkUid(peer);
    const set = this.subscriptions.get(peer);
    for (const k of list) set?.delete(k);
    if (set?.size === 0) this.subscriptions.delete(peer);
    if (this.sm.state === 'CONNECTED') this.signaling?.send({ type: 'unsubscribe', peer, kinds: list });
  }

  /**
   * Replaces the token (`renew-token`). Without an argument, a token function issues a new one.
   * The server answers only refusals: an `error` within a short wait rejects.
   */
  async renewToken(token?: string): Promise<void> {
    this.assertConnected('renewToken');
    const next = token ?? (await this.resolveToken());
    if (typeof next !== 'string' || next.length === 0) throw new ClientError('BAD_ARGUMENT', 'token must be a non-empty string');
    if (token !== undefined) this.opts.token = token;
    const { timing } = this.opts;
    await this.refusalWithin({ type: 'renew-token', token: next }, scaled(timing, timing.reconnect.probeTimeoutMs));
  }

  /** Remote members and what they publish. */
  remotePeers(): Map<number, { published: MediaKind[] }> {
    return this.peers.snapshot();
  }

  /** Subscribes to state changes; returns the unsubscribe function. */
  onStateChange(
    listener: (from: ConnectionState, to: ConnectionState, reason?: DisconnectReason, cause?: string) => void,
  ): () => void {
    return this.sm.onChange((from, to, d: TransitionDetail) => listener(from, to, d.reason, d.cause));
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
    this.synthetic.dispose();
    this.peers.dispose();
  }

  // ── joining ────────────────────────────────────────────────────────────────────────────

  private probe(timeoutMs: number): Promise<SignalingClient> {
    return SignalingClient.connect(this.opts.path.signalingUrl(), timeoutMs, { uid: this.uid, sink: this.opts.sink });
  }

  private async sendJoin(socket: SignalingClient, timeoutMs: number, resume: string | undefined): Promise<Joined> {
    const token = await this.resolveToken();
    const { channel } = this.opts;
    const msg = { type: 'join' as const, channel, uid: this.uid, token, ...(resume !== undefined ? { resume } : {}) };
    const reply = await socket.request(msg, timeoutMs);
    if (reply.type !== 'joined') throw new SignalingError('SERVER_ERROR', `unexpected answer ${reply.type} to join`);
    return reply;
  }

  private async openAndJoin(timeoutMs: number): Promise<{ socket: SignalingClient; joined: Joined }> {
    const { timing } = this.opts;
    const socket = await this.probe(Math.min(timeoutMs, scaled(timing, timing.reconnect.probeTimeoutMs)));
    try {
      return { socket, joined: await this.sendJoin(socket, timeoutMs, undefined) };
    } catch (err) {
      socket.terminate();
      throw err;
    }
  }

  private attach(socket: SignalingClient, joined: Joined): void {
    this.signaling = socket;
    this.resume = joined.resume;
    socket.onMessage((m) => this.onServerMessage(m));
    socket.onClose((info) => this.onSocketLost(socket, info));
    const { timing } = this.opts;
    const interval = joined.config.heartbeatIntervalMs * joined.config.timeScale;
    socket.startHeartbeat(interval, scaled(timing, timing.livenessTimeoutMs));
  }

  private afterJoin(joined: Joined, rejoin: boolean): void {
    this.peers.reconcile(joined.members);
    this.sampler.start();
    if (!rejoin) return;
    void this.restoreMedia().catch((err: unknown) => this.log('warn', `restoring media after rejoin failed: ${String(err)}`));
  }

  /** After a rejoin: new pub PC with the published kinds, and every subscription again. */
  private async restoreMedia(): Promise<void> {
    const kinds = [...this.desiredKinds];
    await this.media.rebuild();
    const epoch = this.epoch;
    if (kinds.length > 0) {
      await this.media.publish(kinds);
      if (epoch === this.epoch) this.signaling?.send({ type: 'publish', kinds });
    }
    for (const [peer, wanted] of this.subscriptions) {
      const available = this.peers.published(peer).filter((k) => wanted.has(k));
      if (available.length > 0 && epoch === this.epoch) this.signaling?.send({ type: 'subscribe', peer, kinds: available });
    }
  }

  private rejoined(socket: SignalingClient, joined: Joined): void {
    if (this.sm.state !== 'RECONNECTING') {
      socket.terminate();
      return;
    }
    this.attach(socket, joined);
    this.sm.transition('CONNECTED', { cause: 'REJOIN_SUCCESS' });
    this.afterJoin(joined, true);
  }

  // ── interruptions, kicks, endings ──────────────────────────────────────────────────────

  private onSocketLost(socket: SignalingClient, info: SignalingCloseInfo): void {
    if (socket !== this.signaling || this.sm.state !== 'CONNECTED') return;
    if (info.code === 4003) {
      this.finish('SAME_UID_LOGIN', 'replaced');
      return;
    }
    this.interrupt(info.code >= 4000 ? `${info.cause}-${info.code}` : info.cause);
  }

  /** CONNECTED → RECONNECTING: drop the socket, keep PCs, start the probe/rejoin loop. */
  private interrupt(cause: string): void {
    if (this.sm.state !== 'CONNECTED') return;
    this.epoch += 1;
    this.recovery.stop();
    this.signaling?.terminate();
    this.signaling = null;
    this.sm.transition('RECONNECTING', { cause });
    this.rejoin.start();
  }

  private onServerMessage(m: ServerMessage): void {
    switch (m.type) {
      case 'user-joined':
      case 'user-published':
      case 'user-unpublished':
      case 'user-left':
        this.peers.apply(m);
        return;
      case 'kicked':
        if (this.sm.state === 'CONNECTED') this.finish(m.reason, 'kicked');
        return;
      case 'sdp':
        this.media.handleSdp(m.pc, m.description).catch((err: unknown) => this.log('warn', `${m.pc} sdp failed: ${String(err)}`));
        return;
      case 'candidate':
        void this.media.handleCandidate(m.pc, m.candidate);
        return;
      case 'token-will-expire':
        if (typeof this.opts.token === 'function') {
          this.renewToken().catch((err: unknown) => this.log('warn', `automatic token renewal failed: ${String(err)}`));
        }
        return;
      case 'error':
        this.log('warn', `server error ${m.code}: ${m.message}`);
        return;
      default:
        return;
    }
  }

  /** Ends in DISCONNECTED with `reason` from CONNECTING, CONNECTED or RECONNECTING. */
  private finish(reason: DisconnectReason, cause: string): void {
    if (!this.sm.can('DISCONNECTED', reason)) {
      this.log('error', `cannot end ${this.sm.state} with ${reason} (${cause}); state kept`);
      return;
    }
    this.epoch += 1;
    this.rejoin.stop();
    this.recovery.stop();
    this.teardown();
    this.sm.transition('DISCONNECTED', { reason, cause });
  }

  /** Stops sockets, PCs, tracks and timers of the current session (the client stays usable). */
  private teardown(): void {
    this.signaling?.terminate();
    this.signaling = null;
    this.sampler.stop();
    this.timers.cancelAll();
    this.media.reset();
    this.peers.clear();
    this.desiredKinds.clear();
    this.subscriptions.clear();
    this.resume = undefined;
  }

  // ── helpers ────────────────────────────────────────────────────────────────────────────

  private async requestSubscription(peer: number, kinds: MediaKind[]): Promise<void> {
    const { timing } = this.opts;
    await this.refusalWithin({ type: 'subscribe', peer, kinds }, scaled(timing, timing.reconnect.probeTimeoutMs));
  }

  /** Sends a request the server answers only when it refuses; waits `ms` for a refusal. */
  private async refusalWithin(message: Parameters<SignalingClient['send']>[0], ms: number): Promise<void> {
    const socket = this.signaling;
    if (!socket) throw new ClientError('INVALID_STATE', 'not connected');
    try {
      await socket.request(message, ms);
    } catch (err) {
      if (err instanceof SignalingError && (err.code === 'TIMEOUT' || err.code === 'CLOSED')) return;
      throw new ClientError('SIGNALING', `${message.type} refused: ${(err as Error).message}`);
    }
  }

  private autoSubscribe(e: PeerEvent): void {
    if (e.event === 'user-published' && e.mediaType) {
      const wanted = this.subscriptions.get(e.peer);
      if (this.opts.autoSubscribe === false && !wanted?.has(e.mediaType)) return;
      if (this.sm.state !== 'CONNECTED') return;
      this.subscribe(e.peer, [e.mediaType]).catch((err: unknown) =>
        this.log('warn', `subscribe to ${e.peer} ${e.mediaType} failed: ${String(err)}`),
      );
    } else if (e.event === 'user-left' && e.reason !== 'ServerTimeOut' && e.reason !== 'member-list') {
      this.subscriptions.delete(e.peer);
    }
  }

  private async restartSub(): Promise<void> {
    this.media.resetSub();
    for (const [peer, kinds] of this.subscriptions) {
      const list = [...kinds];
      this.signaling?.send({ type: 'unsubscribe', peer, kinds: list });
      this.signaling?.send({ type: 'subscribe', peer, kinds: list });
    }
  }

  private async pingAlive(timeoutMs: number): Promise<boolean> {
    const socket = this.signaling;
    if (!socket?.open) return false;
    try {
      await socket.request({ type: 'ping', ts: Date.now() }, timeoutMs);
      return true;
    } catch {
      return false;
    }
  }

  private async resolveToken(): Promise<string> {
    const t = this.opts.token;
    const value = typeof t === 'function' ? await t() : t;
    if (typeof value !== 'string') throw new ClientError('BAD_ARGUMENT', 'the token function must return a string');
    return value;
  }

  private checkKinds(kinds: MediaKind[]): MediaKind[] {
    const parsed = MediaKindSchema.array().min(1).max(2).safeParse(kinds);
    if (!parsed.success) throw new ClientError('BAD_ARGUMENT', `kinds must be a non-empty list of 'audio'/'video', got ${JSON.stringify(kinds)}`);
    return [...new Set(parsed.data)];
  }

  private assertConnected(op: string): void {
    this.assertUsable();
    if (this.sm.state !== 'CONNECTED') throw new ClientError('INVALID_STATE', `${op}() needs CONNECTED; the client is ${this.sm.state}`);
  }

  private assertUsable(): void {
    if (this.disposed) throw new ClientError('DISPOSED', `client ${this.uid} is disposed`);
  }

  private log(level: 'warn' | 'error', msg: string): void {
    this.opts.sink({ type: 'log', uid: this.uid, level, msg });
  }
}

function checkUid(uid: number): void {
  if (!Number.isInteger(uid) || uid < 0 || uid > 2 ** 32 - 1) {
    throw new ClientError('BAD_ARGUMENT', `peer must be a uid (integer in [0, 2^32-1]), got ${String(uid)}`);
  }
}

function errorCause(err: unknown): string {
  if (err instanceof SignalingError) {
    if (err.code === 'TIMEOUT') return 'join-timeout';
    if (err.code === 'CLOSED') return 'server-unreachable';
    return 'join-refused';
  }
  return 'join-failed';
}
