/** Hand-built records for the replay tests: the seed timeline in miniature. */
import type { TraceHeader, TraceRecord } from '../../../src/shared/trace/records';

/** A header with a timeScale and optional scenario expectations. */
export function header(expect?: unknown[]): TraceHeader {
  return {
    format: 'faultline-trace',
    version: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    timeScale: 1,
    app: { name: 'faultline', version: '0.1.0' },
    env: {},
    config: {},
    scenario: expect ? { name: 's', expect } : null,
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
  fault(t: number, id: string, phase: 'start' | 'end', uid: number | null = 1): this {
    return this.add({
      t,
      type: 'fault',
      id,
      phase,
      kind: 'blackhole',
      target: { uid, path: 'all' },
      params: {},
    });
  }
  reconnect(t: number, uid: number, attempt: number, phase: string): this {
    return this.add({ t, type: 'reconnect', uid, attempt, phase });
  }
}

/**
 * uid 1 and 2 join and both publish; a blackhole on uid 1 from `f0`; uid 1 detects after
 * `detect`, uid 2 sees unpublished/left; uid 1 is back `recover` ms after the fault ends.
 */
export function seed(f0 = 5000, detect = 4500, recover = 500, attempts = 2): Records {
  const r = new Records()
    .state(0, 1, 'DISCONNECTED', 'CONNECTING')
    .state(100, 2, 'DISCONNECTED', 'CONNECTING')
    .state(300, 1, 'CONNECTING', 'CONNECTED')
    .state(400, 2, 'CONNECTING', 'CONNECTED')
    .peer(410, 2, 'user-joined', 1)
    .peer(420, 1, 'user-joined', 2)
    .peer(2000, 2, 'user-published', 1, { mediaType: 'audio' })
    .peer(2100, 2, 'user-published', 1, { mediaType: 'video' })
    .peer(2200, 1, 'user-published', 2, { mediaType: 'video' })
    .add({ t: 2500, type: 'stats', uid: 1, rttMs: 20, lossPct: 0, jitterMs: 1, sendKbps: 1, recvKbps: 1 })
    .fault(f0, 'f1', 'start')
    .state(f0 + detect, 1, 'CONNECTED', 'RECONNECTING', { cause: 'heartbeat timeout' });
  for (let i = 1; i <= attempts; i++) r.reconnect(f0 + detect + i * 100, 1, i, 'start');
  return r
    .peer(f0 + 10_000, 2, 'user-unpublished', 1, { mediaType: 'video' })
    .peer(f0 + 10_001, 2, 'user-unpublished', 1, { mediaType: 'audio' })
    .peer(f0 + 20_000, 2, 'user-left', 1, { reason: 'ServerTimeOut' })
    .fault(f0 + 25_000, 'f1', 'end')
    .peer(f0 + 25_000 + recover - 50, 2, 'user-joined', 1)
    .state(f0 + 25_000 + recover, 1, 'RECONNECTING', 'CONNECTED', { cause: 'REJOIN_SUCCESS' })
    .peer(f0 + 25_000 + recover + 500, 2, 'user-published', 1, { mediaType: 'video' });
}
