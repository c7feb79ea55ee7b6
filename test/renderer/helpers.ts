/** A fake FaultlineApi (the real transports are tested on their own) and small trace builders. */
import type {
  EventChannel,
  EventPayload,
  FaultlineApi,
  InvokeChannel,
  InvokeRequest,
  InvokeResponse,
} from '../../src/shared/ipc';
import { staticConnection, type ApiConnection, type TransportStatus } from '../../src/renderer/src/api';
import type { TraceHeader, TraceRecord } from '../../src/shared/trace/records';

type Handler = (request: unknown) => unknown;

/** Records every invoke; answers from `handlers`; `emit` plays main → renderer events. */
export class FakeApi implements FaultlineApi {
  readonly calls: Array<{ channel: string; request: unknown }> = [];
  readonly handlers = new Map<string, Handler>();
  private readonly listeners = new Map<string, Set<(payload: never) => void>>();

  handle<C extends InvokeChannel>(channel: C, fn: (request: InvokeRequest<C>) => unknown): this {
    this.handlers.set(channel, fn as Handler);
    return this;
  }

  async invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> {
    this.calls.push({ channel, request });
    const fn = this.handlers.get(channel);
    if (!fn) throw new Error(`no handler for ${channel}`);
    return (await fn(request)) as InvokeResponse<C>;
  }

  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit<C extends EventChannel>(channel: C, payload: EventPayload<C>): void {
    for (const l of this.listeners.get(channel) ?? []) l(payload as never);
  }

  listenerCount(channel: EventChannel): number {
    return this.listeners.get(channel)?.size ?? 0;
  }
}

/** A connection over a fake API whose transport status tests can drive. */
export function fakeConnection(api: FakeApi): ApiConnection & { setStatus(s: TransportStatus): void } {
  const base = staticConnection(api, 'browser');
  let current: TransportStatus = base.status();
  const listeners = new Set<(s: TransportStatus) => void>();
  return {
    ...base,
    status: () => current,
    onStatus: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    setStatus(s) {
      current = s;
      for (const l of listeners) l(s);
    },
  };
}

/** A lab status with defaults. */
export function labStatus(
  over: Partial<InvokeResponse<'lab:get-status'>> = {},
): InvokeResponse<'lab:get-status'> {
  return {
    running: false,
    server: null,
    engine: 'wrtc',
    channel: 'faultline',
    timeScale: 1,
    participants: [],
    faults: [],
    run: null,
    ...over,
  };
}

/** A header with config timeouts and a timeScale. */
export function header(over: Partial<TraceHeader> = {}): TraceHeader {
  return {
    format: 'faultline-trace',
    version: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    timeScale: 1,
    app: { name: 'faultline', version: '0.1.0' },
    env: {},
    config: { mediaTimeoutMs: 10_000, heartbeatTimeoutMs: 20_000 },
    scenario: null,
    ...over,
  };
}

/** Builds records with increasing seq. */
export class Records {
  readonly list: TraceRecord[] = [];
  private seq = 0;
  add(r: Record<string, unknown>): this {
    this.list.push({ seq: ++this.seq, uid: null, ...r } as TraceRecord);
    return this;
  }
  state(t: number, uid: number, from: string, to: string, extra: Record<string, unknown> = {}): this {
    return this.add({ t, type: 'state', uid, from, to, ...extra });
  }
  peer(t: number, observer: number, event: string, peer: number, extra: Record<string, unknown> = {}): this {
    return this.add({ t, type: 'peer', uid: observer, event, peer, ...extra });
  }
  fault(t: number, id: string, phase: 'start' | 'end', uid: number | null = 1, kind = 'blackhole'): this {
    return this.add({ t, type: 'fault', id, phase, kind, target: { uid, path: 'all' }, params: {} });
  }
  reconnect(
    t: number,
    uid: number,
    attempt: number,
    phase: string,
    extra: Record<string, unknown> = {},
  ): this {
    return this.add({ t, type: 'reconnect', uid, attempt, phase, ...extra });
  }
  mark(t: number, label: string): this {
    return this.add({ t, type: 'mark', label });
  }
  stats(t: number, uid: number, rttMs: number | null, lossPct = 0): this {
    return this.add({ t, type: 'stats', uid, rttMs, lossPct, jitterMs: 1, sendKbps: 500, recvKbps: 600 });
  }
}

/**
 * The seed timeline in miniature: uid 1 and 2 join, 1 publishes, a 25 s blackhole on uid 1,
 * uid 2 sees unpublished at +10 s and left at +20 s, uid 1 reconnects (one failed attempt).
 */
export function seedTrace(): Records {
  return new Records()
    .state(0, 1, 'DISCONNECTED', 'CONNECTING')
    .state(100, 2, 'DISCONNECTED', 'CONNECTING')
    .state(300, 1, 'CONNECTING', 'CONNECTED')
    .state(400, 2, 'CONNECTING', 'CONNECTED')
    .peer(410, 2, 'user-joined', 1)
    .peer(2100, 2, 'user-published', 1, { mediaType: 'video' })
    .fault(5000, 'f1', 'start')
    .state(9500, 1, 'CONNECTED', 'RECONNECTING', { cause: 'heartbeat timeout' })
    .reconnect(9500, 1, 1, 'scheduled', { delayMs: 0 })
    .reconnect(9600, 1, 1, 'start')
    .reconnect(11_100, 1, 1, 'failure', { error: 'probe timeout' })
    .reconnect(11_100, 1, 2, 'scheduled', { delayMs: 1000 })
    .peer(15_000, 2, 'user-unpublished', 1, { mediaType: 'video' })
    .peer(25_000, 2, 'user-left', 1, { reason: 'ServerTimeOut' })
    .fault(30_000, 'f1', 'end')
    .reconnect(30_200, 1, 2, 'start')
    .peer(30_450, 2, 'user-joined', 1)
    .reconnect(30_500, 1, 2, 'success')
    .state(30_500, 1, 'RECONNECTING', 'CONNECTED', { cause: 'REJOIN_SUCCESS' })
    .peer(31_000, 2, 'user-published', 1, { mediaType: 'video' });
}
