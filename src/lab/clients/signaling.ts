/**
 * The client end of protocol v1 over one WebSocket: open with a timeout, send, request/response
 * by `id`, heartbeat `ping` every interval, and liveness (no message from the server for
 * livenessTimeoutMs → the connection counts as lost). Every message sent or received becomes a
 * `signal` record (type only); every incoming frame is parsed with `ServerMessageSchema`, and
 * malformed input is logged, never thrown.
 */
import WebSocket from 'ws';
import {
  MAX_FRAME_BYTES,
  ServerMessageSchema,
  type ClientMessage,
  type RecordSink,
  type ServerMessage,
} from '../../shared';
import { SignalingError } from './errors';

/** Why a connection ended (delivered once through `onClose`). */
export interface SignalingCloseInfo {
  /** WebSocket close code (1006 when the socket died without a close frame). */
  code: number;
  reason: string;
  /** Trace `cause`: 'socket-closed', 'socket-error', 'heartbeat-timeout', 'kicked', … */
  cause: string;
}

/** Who is speaking, for records. */
export interface SignalingIdentity {
  uid: number;
  sink: RecordSink;
}

type Pending = {
  resolve: (m: ServerMessage) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
};

let nextRequestId = 1;

/** A new request id (unique per process). */
export function newRequestId(prefix = 'c'): string {
  return `${prefix}${(nextRequestId++).toString(36)}`;
}

/** One open signaling connection. Create with {@link SignalingClient.connect}. */
export class SignalingClient {
  private readonly pending = new Map<string, Pending>();
  private readonly messageListeners = new Set<(m: ServerMessage) => void>();
  /** Messages that arrived before anyone listened (e.g. right behind `joined`): kept, not lost. */
  private backlog: ServerMessage[] = [];
  private readonly closeListeners = new Set<(info: SignalingCloseInfo) => void>();
  private heartbeat: NodeJS.Timeout | undefined;
  private liveness: NodeJS.Timeout | undefined;
  private lastRx = performance.now();
  private ended = false;

  private constructor(
    private readonly ws: WebSocket,
    private readonly who: SignalingIdentity,
  ) {
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    ws.on('close', (code, reason) =>
      this.end({
        code,
        reason: reason.toString('utf8'),
        cause: code === 1006 ? 'socket-error' : 'socket-closed',
      }),
    );
    ws.on('error', (err) => this.log('warn', `signaling socket error: ${err.message}`));
  }

  /**
   * Opens a connection to `url`; rejects with a {@link SignalingError} (`CLOSED` when refused or
   * dropped, `TIMEOUT` when not open within `timeoutMs`). The socket never outlives a rejection.
   */
  static connect(url: string, timeoutMs: number, who: SignalingIdentity): Promise<SignalingClient> {
    return new Promise((resolve, reject) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(url, {
          maxPayload: 4 * MAX_FRAME_BYTES,
          handshakeTimeout: Math.max(1, timeoutMs),
        });
      } catch (err) {
        reject(new SignalingError('CLOSED', `cannot open ${url}: ${(err as Error).message}`));
        return;
      }
      const timer = setTimeout(
        () =>
          fail(new SignalingError('TIMEOUT', `no connection to ${url} within ${Math.round(timeoutMs)} ms`)),
        timeoutMs,
      );
      const fail = (err: Error) => {
        clearTimeout(timer);
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
        reject(err);
      };
      ws.once('error', (err) =>
        fail(new SignalingError('CLOSED', `cannot connect to ${url}: ${err.message}`)),
      );
      ws.once('close', (code) =>
        fail(new SignalingError('CLOSED', `connection to ${url} closed (${code}) before it opened`)),
      );
      ws.once('open', () => {
        clearTimeout(timer);
        ws.removeAllListeners();
        resolve(new SignalingClient(ws, who));
      });
    });
  }

  /** True while the socket is open. */
  get open(): boolean {
    return !this.ended && this.ws.readyState === WebSocket.OPEN;
  }

  /** Milliseconds since the server last said anything. */
  silenceMs(): number {
    return performance.now() - this.lastRx;
  }

  /** Sends one message (recorded as a `signal` tx); false when the socket is not open. */
  send(message: ClientMessage): boolean {
    if (!this.open) return false;
    try {
      this.ws.send(JSON.stringify(message));
    } catch {
      return false;
    }
    this.who.sink({ type: 'signal', uid: this.who.uid, dir: 'tx', msg: message.type });
    return true;
  }

  /**
   * Sends `message` with a fresh `id` and resolves with the server message carrying that id.
   * An `error` reply rejects with a {@link SignalingError} of its code; no reply within
   * `timeoutMs` rejects with `TIMEOUT`; a closed socket rejects with `CLOSED`.
   */
  request(message: ClientMessage, timeoutMs: number): Promise<ServerMessage> {
    const id = newRequestId();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new SignalingError('TIMEOUT', `no answer to ${message.type} within ${Math.round(timeoutMs)} ms`),
        );
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      if (!this.send({ ...message, id } as ClientMessage)) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new SignalingError('CLOSED', `cannot send ${message.type}: signaling is not open`));
      }
    });
  }

  /**
   * Sends `ping` every `intervalMs` and declares the connection lost (`heartbeat-timeout`) when
   * the server has been silent for `livenessMs`.
   */
  startHeartbeat(intervalMs: number, livenessMs: number): void {
    this.stopHeartbeat();
    this.lastRx = performance.now();
    this.heartbeat = setInterval(() => this.send({ type: 'ping', ts: Date.now() }), Math.max(10, intervalMs));
    this.liveness = setInterval(
      () => {
        if (this.silenceMs() > livenessMs) {
          this.end({ code: 1006, reason: 'server silent', cause: 'heartbeat-timeout' });
          this.ws.terminate();
        }
      },
      Math.max(10, Math.min(intervalMs, livenessMs / 4)),
    );
  }

  /** Subscribes to parsed server messages (every one, except `error` replies to requests). */
  onMessage(listener: (m: ServerMessage) => void): () => void {
    this.messageListeners.add(listener);
    if (this.backlog.length > 0) {
      const held = this.backlog;
      this.backlog = [];
      queueMicrotask(() => {
        for (const m of held) this.dispatch(m);
      });
    }
    return () => this.messageListeners.delete(listener);
  }

  /** Subscribes to the end of the connection (called at most once). */
  onClose(listener: (info: SignalingCloseInfo) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * Closes gracefully after the queued frames are written (bounded by `flushMs`). Listeners of
   * `onClose` are not called: a local close is not a lost connection.
   */
  async close(code = 1000, reason = '', flushMs = 200): Promise<void> {
    if (this.ended) return;
    this.closeListeners.clear();
    this.end({ code, reason, cause: 'local-close' });
    if (this.ws.readyState === WebSocket.OPEN) {
      const deadline = performance.now() + flushMs;
      while (this.ws.bufferedAmount > 0 && performance.now() < deadline) await sleep(5);
      this.ws.close(code, reason);
      // A peer that never answers the closing handshake must not hold the socket.
      const force = setTimeout(() => this.ws.terminate(), Math.max(50, flushMs));
      this.ws.once('close', () => clearTimeout(force));
    } else {
      this.ws.terminate();
    }
  }

  /** Drops the connection at once, without telling `onClose` listeners. */
  terminate(): void {
    this.closeListeners.clear();
    this.end({ code: 1006, reason: '', cause: 'local-close' });
    this.ws.terminate();
  }

  private receive(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.ended) return; // closing locally: what still trickles in is not ours to act on
    this.lastRx = performance.now();
    if (isBinary) {
      this.log('warn', 'server sent a binary frame (protocol v1 is text only); ignored');
      return;
    }
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (buffer.length > MAX_FRAME_BYTES) {
      this.log('warn', `server frame of ${buffer.length} bytes exceeds ${MAX_FRAME_BYTES}; ignored`);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(buffer.toString('utf8'));
    } catch {
      this.log('warn', 'server sent a frame that is not JSON; ignored');
      return;
    }
    const parsed = ServerMessageSchema.safeParse(value);
    if (!parsed.success) {
      const type = (value as { type?: unknown } | null)?.type;
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : 'message';
      this.log(
        'warn',
        `malformed server message (type ${typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : 'missing'}): ${where}: ${issue?.message ?? 'invalid'}; ignored`,
      );
      return;
    }
    const message = parsed.data;
    this.who.sink({ type: 'signal', uid: this.who.uid, dir: 'rx', msg: message.type });
    const id = 'id' in message ? message.id : undefined;
    const pending = id !== undefined ? this.pending.get(id) : undefined;
    if (pending && id !== undefined) {
      this.pending.delete(id);
      clearTimeout(pending.timer);
      if (message.type === 'error') {
        pending.reject(new SignalingError(message.code, message.message));
        return;
      }
      pending.resolve(message);
    }
    if (this.messageListeners.size === 0) {
      if (this.backlog.length < 256) this.backlog.push(message);
      return;
    }
    this.dispatch(message);
  }

  private dispatch(message: ServerMessage): void {
    if (this.ended) return;
    for (const listener of [...this.messageListeners]) {
      try {
        listener(message);
      } catch (err) {
        this.log('error', `handler of ${message.type} threw: ${String(err)}`);
      }
    }
  }

  private end(info: SignalingCloseInfo): void {
    if (this.ended) return;
    this.ended = true;
    this.stopHeartbeat();
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new SignalingError('CLOSED', `signaling closed (${info.cause}) before an answer`));
      this.pending.delete(id);
    }
    const listeners = [...this.closeListeners];
    this.closeListeners.clear();
    this.messageListeners.clear();
    for (const listener of listeners) listener(info);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.liveness) clearInterval(this.liveness);
    this.heartbeat = this.liveness = undefined;
  }

  private log(level: 'warn' | 'error', msg: string): void {
    this.who.sink({ type: 'log', uid: this.who.uid, level, msg });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
