/** Hand-built traces for checker tests: records get seq in call order and the given t. */
import type { ConnectionState, DisconnectReason } from '../../../src/shared/model/states';
import type { PeerEventName } from '../../../src/shared/model/vocabulary';
import type { TraceHeader, TraceRecord } from '../../../src/shared/trace/records';
import { makeHeader } from '../../../src/shared/trace/serialize';

/** Fluent builder of a trace. */
export class TraceBuilder {
  readonly records: TraceRecord[] = [];
  private seq = 0;

  constructor(
    readonly timeScale = 1,
    readonly scenario: unknown = null,
  ) {}

  private add(r: Record<string, unknown>): this {
    this.records.push({ seq: ++this.seq, ...r } as TraceRecord);
    return this;
  }

  state(
    t: number,
    uid: number | null,
    from: ConnectionState,
    to: ConnectionState,
    reason?: DisconnectReason,
  ): this {
    return this.add({ t, type: 'state', uid, from, to, ...(reason ? { reason } : {}) });
  }

  peer(
    t: number,
    observer: number | null,
    event: PeerEventName,
    peer: number,
    mediaType?: 'audio' | 'video',
  ): this {
    return this.add({ t, type: 'peer', uid: observer, event, peer, ...(mediaType ? { mediaType } : {}) });
  }

  fault(
    t: number,
    id: string,
    phase: 'start' | 'end',
    kind = 'blackhole',
    targetUid: number | null = 1,
  ): this {
    return this.add({ t, type: 'fault', uid: null, id, phase, kind, target: { uid: targetUid }, params: {} });
  }

  reconnect(
    t: number,
    uid: number,
    attempt: number,
    phase: 'scheduled' | 'start' | 'success' | 'failure' | 'giveup',
  ): this {
    return this.add({ t, type: 'reconnect', uid, attempt, phase });
  }

  media(
    t: number,
    uid: number,
    event: 'media-reconnect-start' | 'media-reconnect-end',
    pc: 'pub' | 'sub',
  ): this {
    return this.add({ t, type: 'media', uid, event, pc });
  }

  mark(t: number, label: string, kind?: string): this {
    return this.add({ t, type: 'mark', uid: null, label, ...(kind ? { kind } : {}) });
  }

  /** A stall of `ms` real ms of one event loop, ending at `t`. */
  stall(t: number, ms: number, source: 'lab' | 'server' | 'page' = 'lab', uid: number | null = null): this {
    return this.add({ t, type: 'stall', uid, source, ms });
  }

  /** Joins `uid` (DISCONNECTED → CONNECTING at t, → CONNECTED at t + dt). */
  join(t: number, uid: number, dt = 30): this {
    return this.state(t, uid, 'DISCONNECTED', 'CONNECTING').state(t + dt, uid, 'CONNECTING', 'CONNECTED');
  }

  /** Leaves from CONNECTED. */
  leave(t: number, uid: number): this {
    return this.state(t, uid, 'CONNECTED', 'DISCONNECTING').state(
      t + 10,
      uid,
      'DISCONNECTING',
      'DISCONNECTED',
      'LEAVE',
    );
  }

  build(): { header: TraceHeader; records: TraceRecord[] } {
    return {
      header: makeHeader({
        startedAt: '2026-01-01T00:00:00.000Z',
        timeScale: this.timeScale,
        app: { name: 'faultline', version: 'test' },
        scenario: this.scenario,
      }),
      records: this.records,
    };
  }
}

/**
 * The seeds' T0–T10 timeline at timeScale 0.1 (real ms below; scenario ms = real × 10):
 * fault f1 (blackhole on uid 1) from 500 to 3000; uid 1 RECONNECTING at 950 (+4500 scenario),
 * three reconnect starts until CONNECTED at 3050 (+500 after the end); uid 2 sees
 * user-unpublished audio 1500 (+10000) / video 1501 (+10010), user-left 2500 (+20000),
 * user-joined 3045 (−50 from recovery), user-published 3100 / 3101 (+500 / +510);
 * an ICE restart of uid 1's pub PC from 600 to 3080.
 */
export function seedTrace(scenario: unknown = null): TraceBuilder {
  return new TraceBuilder(0.1, scenario)
    .state(0, 1, 'DISCONNECTED', 'CONNECTING')
    .state(10, 2, 'DISCONNECTED', 'CONNECTING')
    .state(40, 1, 'CONNECTING', 'CONNECTED')
    .state(50, 2, 'CONNECTING', 'CONNECTED')
    .peer(55, 2, 'user-joined', 1)
    .peer(210, 2, 'user-published', 1, 'audio')
    .peer(211, 2, 'user-published', 1, 'video')
    .fault(500, 'f1', 'start')
    .media(600, 1, 'media-reconnect-start', 'pub')
    .state(950, 1, 'CONNECTED', 'RECONNECTING')
    .reconnect(1000, 1, 1, 'start')
    .reconnect(1100, 1, 1, 'failure')
    .reconnect(1200, 1, 2, 'start')
    .peer(1500, 2, 'user-unpublished', 1, 'audio')
    .peer(1501, 2, 'user-unpublished', 1, 'video')
    .reconnect(1700, 1, 2, 'failure')
    .peer(2500, 2, 'user-left', 1)
    .fault(3000, 'f1', 'end')
    .reconnect(3010, 1, 3, 'start')
    .peer(3045, 2, 'user-joined', 1)
    .state(3050, 1, 'RECONNECTING', 'CONNECTED')
    .reconnect(3050, 1, 3, 'success')
    .media(3080, 1, 'media-reconnect-end', 'pub')
    .peer(3100, 2, 'user-published', 1, 'audio')
    .peer(3101, 2, 'user-published', 1, 'video')
    .leave(3500, 1)
    .peer(3520, 2, 'user-left', 1)
    .leave(3600, 2);
}
