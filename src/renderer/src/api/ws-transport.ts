/**
 * Browser mode's transport: the {@link FaultlineApi} over one loopback WebSocket carrying the
 * wire frames of `src/shared/ipc/wire.ts`. Requests get ids and wait in a pending map with a
 * timeout; a dropped socket fails what was in flight and reconnects with backoff; events go to
 * the `on` listeners. Status changes are published so the page can show them.
 */
import {
  IpcError,
  WireResponseSchema,
  type EventChannel,
  type EventPayload,
  type FaultlineApi,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
} from '../../../shared/ipc';

/** The part of the DOM WebSocket the transport uses (so tests can hand in a fake). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

/** Opens a socket to `url`. */
export type SocketFactory = (url: string) => SocketLike;

/** Where the transport stands. `closed` only after dispose. */
export type TransportState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** What the page shows about the transport. */
export interface TransportStatus {
  state: TransportState;
  /** Reconnect attempts since the socket was last open (0 while open). */
  attempt: number;
  /** When the next reconnect attempt starts (epoch ms), while reconnecting. */
  retryAt: number | null;
  /** Why the socket dropped, for a person. */
  detail: string | null;
}

/** Options of {@link WsTransport}. */
export interface WsTransportOptions {
  url: string;
  createSocket?: SocketFactory;
  /** Default request timeout (ms). */
  timeoutMs?: number;
  /** Per-channel timeouts for slow requests (starting a lab spawns processes). */
  channelTimeoutsMs?: Partial<Record<InvokeChannel, number>>;
  /** Reconnect backoff: first delay, doubled per failure up to `maxMs`. */
  backoff?: { baseMs: number; maxMs: number };
}

const OPEN = 1;

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout>;
  /** The frame, kept until it could be sent (requests made while the socket is down wait). */
  frame: string | null;
}

/** Timeouts long enough for the slow invokes (lab start spawns the server and clients). */
export const SLOW_CHANNEL_TIMEOUTS: Partial<Record<InvokeChannel, number>> = {
  'lab:start': 120_000,
  'lab:stop': 60_000,
  'scenario:run': 60_000,
  'trace:get-snapshot': 60_000,
  'trace:export-bundle': 120_000,
  'trace:open-bytes': 300_000,
  'trace:open-chunk': 60_000,
  'trace:open-upload': 300_000,
};

/** The WebSocket URL of browser mode for a page location: `ws(s)://host/ipc?token=…`. */
export function wireUrlFor(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ipc?token=${encodeURIComponent(token)}`;
}

/** See the file comment. */
export class WsTransport implements FaultlineApi {
  private socket: SocketLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(payload: never) => void>>();
  private readonly statusListeners = new Set<(status: TransportStatus) => void>();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  private current: TransportStatus = { state: 'connecting', attempt: 0, retryAt: null, detail: null };
  private readonly createSocket: SocketFactory;
  private readonly timeoutMs: number;
  private readonly channelTimeouts: Partial<Record<InvokeChannel, number>>;
  private readonly backoff: { baseMs: number; maxMs: number };

  constructor(private readonly options: WsTransportOptions) {
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.channelTimeouts = options.channelTimeoutsMs ?? SLOW_CHANNEL_TIMEOUTS;
    this.backoff = options.backoff ?? { baseMs: 500, maxMs: 10_000 };
    this.connect();
  }

  /** The transport's current status. */
  get status(): TransportStatus {
    return this.current;
  }

  /** Calls `listener` on every status change; returns its unsubscribe. */
  onStatus(listener: (status: TransportStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Sends one request; resolves with its value or rejects with an {@link IpcError}. */
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> {
    if (this.disposed)
      return Promise.reject(new IpcError('The connection to Faultline was closed.', 'CLOSED'));
    const id = this.nextId++;
    const frame = JSON.stringify({ kind: 'invoke', id, channel, payload: request });
    const ms = this.channelTimeouts[channel] ?? this.timeoutMs;
    return new Promise<InvokeResponse<C>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new IpcError(
            `${channel} got no answer within ${Math.round(ms / 1000)} s. Check that Faultline is still running, then try again.`,
            'TIMEOUT',
          ),
        );
      }, ms);
      const entry: Pending = { resolve: resolve as (v: unknown) => void, reject, timer, frame };
      this.pending.set(id, entry);
      if (this.socket?.readyState === OPEN) this.flush(id, entry);
    });
  }

  /** Adds an event listener; returns its unsubscribe. */
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    const fn = listener as (payload: never) => void;
    set.add(fn);
    return () => set.delete(fn);
  }

  /** Closes the socket for good; pending requests fail, no reconnect. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onclose = socket.onerror = socket.onmessage = null;
      socket.close(1000, 'disposed');
    }
    this.failAll(new IpcError('The connection to Faultline was closed.', 'CLOSED'), true);
    this.setStatus({ state: 'closed', attempt: 0, retryAt: null, detail: null });
    this.statusListeners.clear();
    this.listeners.clear();
  }

  /** Requests in flight or waiting for the socket (for tests and diagnostics). */
  get pendingCount(): number {
    return this.pending.size;
  }

  private connect(): void {
    let socket: SocketLike;
    try {
      socket = this.createSocket(this.options.url);
    } catch (error) {
      this.scheduleReconnect(`could not open the socket: ${(error as Error).message}`);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.setStatus({ state: 'open', attempt: 0, retryAt: null, detail: null });
      for (const [id, entry] of this.pending) if (entry.frame !== null) this.flush(id, entry);
    };
    socket.onmessage = (ev) => this.receive(ev.data);
    socket.onerror = () => {
      /* onclose follows and carries what we can say */
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      const why = ev.reason ? `${ev.reason} (code ${ev.code})` : `code ${ev.code ?? 'unknown'}`;
      this.failAll(
        new IpcError(
          `The connection to Faultline dropped (${why}); the request may not have run.`,
          'DISCONNECTED',
        ),
        false,
      );
      this.scheduleReconnect(`connection dropped: ${why}`);
    };
  }

  private scheduleReconnect(detail: string): void {
    if (this.disposed) return;
    const attempt = this.current.attempt + 1;
    const delay = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (attempt - 1));
    this.setStatus({ state: 'reconnecting', attempt, retryAt: Date.now() + delay, detail });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private flush(id: number, entry: Pending): void {
    if (entry.frame === null) return;
    try {
      this.socket!.send(entry.frame);
      entry.frame = null;
    } catch (error) {
      clearTimeout(entry.timer);
      this.pending.delete(id);
      entry.reject(new IpcError(`Could not send the request: ${(error as Error).message}`, 'DISCONNECTED'));
    }
  }

  /** Fails requests already sent (their answers are lost); with `all`, also the unsent ones. */
  private failAll(error: IpcError, all: boolean): void {
    for (const [id, entry] of this.pending) {
      if (!all && entry.frame !== null) continue;
      clearTimeout(entry.timer);
      this.pending.delete(id);
      entry.reject(error);
    }
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = WireResponseSchema.safeParse(json);
    if (!parsed.success) return;
    const frame = parsed.data;
    if (frame.kind === 'event') {
      const set = this.listeners.get(frame.channel);
      if (!set) return;
      for (const listener of [...set]) {
        try {
          listener(frame.payload as never);
        } catch (error) {
          console.error(`listener of ${frame.channel} failed`, error);
        }
      }
      return;
    }
    const entry = this.pending.get(frame.id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(frame.id);
    if (frame.ok) entry.resolve(frame.value);
    else entry.reject(IpcError.from(frame.error));
  }

  private setStatus(status: TransportStatus): void {
    this.current = status;
    for (const listener of [...this.statusListeners]) listener(status);
  }
}
