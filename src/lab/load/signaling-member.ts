/**
 * A light, signaling-only channel member for load tests: it speaks protocol v1 over one
 * WebSocket (join, heartbeats, leave), publishes nothing and opens no peer connection, and
 * records what a load test needs — join latency, heartbeat round trips, the peer events it
 * saw, and whether the server ever dropped anyone for silence. Whatever the server sends, it
 * never throws: garbage is counted, not acted on.
 */
import WebSocket from 'ws';
import { performance } from 'node:perf_hooks';
import { CodedError } from '../../shared/errors';

/** Where a member is in its life. */
export type MemberState = 'idle' | 'connecting' | 'joined' | 'left' | 'failed' | 'closed';

/** How one member connects. */
export interface SignalingMemberOptions {
  /** Server WebSocket URL (`ws://host:port/v1/channel`). */
  url: string;
  channel: string;
  uid: number;
  /** A token the server accepts for this channel and uid (see `Lab.issueToken`). */
  token: string;
  /**
   * Real milliseconds between heartbeats; default: the server's `heartbeatIntervalMs` ×
   * `timeScale` from `joined.config`.
   */
  heartbeatIntervalMs?: number;
  /** Real milliseconds a join may take (socket open + `joined`); default 10 000. */
  joinTimeoutMs?: number;
}

/** What a member counted (every field only grows). */
export interface MemberCounters {
  /** `user-joined` messages. */
  userJoined: number;
  /** `user-left` messages, whatever the reason. */
  userLeft: number;
  /** `user-left` with reason `ServerTimeOut` (a member the server dropped for silence). */
  userLeftTimeout: number;
  userPublished: number;
  userUnpublished: number;
  /** `ping`s sent and `pong`s received. */
  pingsSent: number;
  pongs: number;
  /** `error` replies from the server. */
  errors: number;
  /** Frames that were not a JSON object with a string `type`. */
  garbage: number;
}

/** Failure of a member's join, with what went wrong. */
export class MemberJoinError extends CodedError<'TIMEOUT' | 'REFUSED' | 'SOCKET' | 'STATE'> {
  override readonly name = 'MemberJoinError';
  constructor(
    readonly uid: number,
    code: MemberJoinError['code'],
    message: string,
  ) {
    super(code, `member ${uid}: ${message}`);
  }
}

/** Most heartbeat round trips a member keeps (the latest ones). */
const MAX_RTT_SAMPLES = 256;

/** One signaling-only member; always {@link SignalingMember.dispose}. */
export class SignalingMember {
  /** Where the member is. */
  state: MemberState = 'idle';
  /** Real ms from sending `join` to receiving `joined` (null until joined). */
  joinLatencyMs: number | null = null;
  /** Real ms from creating the socket to its `open` (null until open). */
  connectMs: number | null = null;
  /** Heartbeat round trips (ping sent → pong received), real ms, the latest {@link MAX_RTT_SAMPLES}. */
  readonly rttMs: number[] = [];
  /** Longest real gap between two of our own pings (shows a starved load generator). */
  maxPingGapMs = 0;
  /** Uids the server reported as `user-left` `ServerTimeOut`. */
  readonly timedOutPeers = new Set<number>();
  /** Close code and reason when the socket closed without us asking. */
  unexpectedClose: { code: number; reason: string } | null = null;
  /** The counters. */
  readonly counts: MemberCounters = {
    userJoined: 0,
    userLeft: 0,
    userLeftTimeout: 0,
    userPublished: 0,
    userUnpublished: 0,
    pingsSent: 0,
    pongs: 0,
    errors: 0,
    garbage: 0,
  };

  private socket: WebSocket | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private lastPingAt = 0;
  private closing = false;
  private pendingJoin: { resolve: () => void; reject: (e: MemberJoinError) => void } | null = null;

  constructor(private readonly opts: SignalingMemberOptions) {}

  /** The uid. */
  get uid(): number {
    return this.opts.uid;
  }

  /** Opens the socket and joins; resolves with the join latency (real ms). */
  async join(): Promise<number> {
    if (this.state !== 'idle') throw new MemberJoinError(this.uid, 'STATE', `cannot join when ${this.state}`);
    this.state = 'connecting';
    const timeoutMs = this.opts.joinTimeoutMs ?? 10_000;
    const openedAt = performance.now();
    let sentAt = 0;
    const socket = new WebSocket(this.opts.url);
    this.socket = socket;
    const joined = new Promise<void>((resolve, reject) => {
      this.pendingJoin = { resolve, reject };
    });
    const timer = setTimeout(() => this.failJoin('TIMEOUT', `no joined within ${timeoutMs} ms`), timeoutMs);
    socket.on('open', () => {
      this.connectMs = performance.now() - openedAt;
      sentAt = performance.now();
      const { channel, uid, token } = this.opts;
      this.sendJson({ type: 'join', channel, uid, token, id: 'join' });
    });
    socket.on('message', (data, isBinary) => this.onFrame(isBinary ? null : String(data), sentAt));
    socket.on('error', (error) => this.failJoin('SOCKET', error.message));
    socket.on('close', (code, reason) => this.onClose(code, String(reason)));
    try {
      await joined;
    } finally {
      clearTimeout(timer);
    }
    return this.joinLatencyMs!;
  }

  /** Sends `leave` and closes the socket (others see `user-left` Quit). Never throws. */
  async leave(): Promise<void> {
    if (this.state === 'joined') {
      this.sendJson({ type: 'leave', id: 'leave' });
      this.state = 'left';
    }
    await this.close();
  }

  /** Stops the heartbeat and closes the socket without `leave`. Idempotent; never throws. */
  async dispose(): Promise<void> {
    await this.close();
    if (this.state !== 'failed' && this.state !== 'left') this.state = 'closed';
  }

  private async close(): Promise<void> {
    this.stopHeartbeat();
    this.closing = true;
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const fallback = setTimeout(() => {
        socket.terminate();
        resolve();
      }, 1000);
      socket.once('close', () => {
        clearTimeout(fallback);
        resolve();
      });
      try {
        socket.close(1000, 'bye');
      } catch {
        socket.terminate();
      }
    });
  }

  private onFrame(text: string | null, sentAt: number): void {
    let msg: Record<string, unknown>;
    try {
      const value: unknown = text === null ? null : JSON.parse(text);
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new Error('not an object');
      msg = value as Record<string, unknown>;
      if (typeof msg.type !== 'string') throw new Error('no type');
    } catch {
      this.counts.garbage++;
      return;
    }
    const c = this.counts;
    switch (msg.type) {
      case 'joined':
        if (this.state === 'connecting') this.onJoined(msg, sentAt);
        break;
      case 'error':
        c.errors++;
        if (this.state === 'connecting') this.failJoin('REFUSED', `refused: ${String(msg.code)}`);
        break;
      case 'pong':
        c.pongs++;
        if (typeof msg.ts === 'number') this.sampleRtt(performance.timeOrigin + performance.now() - msg.ts);
        break;
      case 'user-joined':
        c.userJoined++;
        break;
      case 'user-left':
        c.userLeft++;
        if (msg.reason === 'ServerTimeOut') {
          c.userLeftTimeout++;
          if (typeof msg.uid === 'number') this.timedOutPeers.add(msg.uid);
        }
        break;
      case 'user-published':
        c.userPublished++;
        break;
      case 'user-unpublished':
        c.userUnpublished++;
        break;
      default:
        break; // kicked, sdp, candidate…: not ours to act on; the close handler covers kicks
    }
  }

  private onJoined(msg: Record<string, unknown>, sentAt: number): void {
    this.joinLatencyMs = performance.now() - sentAt;
    this.state = 'joined';
    this.startHeartbeat(this.heartbeatMs(msg.config));
    this.pendingJoin?.resolve();
    this.pendingJoin = null;
  }

  private heartbeatMs(config: unknown): number {
    if (this.opts.heartbeatIntervalMs !== undefined) return this.opts.heartbeatIntervalMs;
    const cfg = (typeof config === 'object' && config !== null ? config : {}) as Record<string, unknown>;
    const interval = typeof cfg.heartbeatIntervalMs === 'number' ? cfg.heartbeatIntervalMs : 2000;
    const scale = typeof cfg.timeScale === 'number' ? cfg.timeScale : 1;
    return Math.max(10, interval * scale);
  }

  private startHeartbeat(intervalMs: number): void {
    this.lastPingAt = performance.now();
    this.heartbeat = setInterval(() => {
      const now = performance.now();
      this.maxPingGapMs = Math.max(this.maxPingGapMs, now - this.lastPingAt);
      this.lastPingAt = now;
      // Wall-clock ms, as a client would send; the pong echoes it.
      if (this.sendJson({ type: 'ping', ts: performance.timeOrigin + now })) this.counts.pingsSent++;
    }, intervalMs);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private sampleRtt(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    if (this.rttMs.length >= MAX_RTT_SAMPLES) this.rttMs.shift();
    this.rttMs.push(ms);
  }

  private sendJson(message: object): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    try {
      socket.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  private failJoin(code: MemberJoinError['code'], message: string): void {
    if (!this.pendingJoin) return;
    this.state = 'failed';
    this.stopHeartbeat();
    this.socket?.terminate();
    this.pendingJoin.reject(new MemberJoinError(this.uid, code, message));
    this.pendingJoin = null;
  }

  private onClose(code: number, reason: string): void {
    this.stopHeartbeat();
    if (!this.closing) this.unexpectedClose = { code, reason };
    this.failJoin('SOCKET', `socket closed (${code}${reason ? ` ${reason}` : ''}) before joined`);
    if (this.state === 'joined') this.state = 'closed';
  }
}
