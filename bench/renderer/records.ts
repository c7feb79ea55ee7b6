/**
 * A small deterministic generator of realistic trace records for the renderer benchmark: 2–4
 * local uids join and publish, then every 30 s of trace time one of them loses its network for
 * 6, 14 or 23 s (so its peers see nothing, `user-unpublished`, or `user-unpublished` and
 * `user-left`), goes RECONNECTING, retries with backoff and rejoins. Stats every second per uid,
 * and signaling, ICE and log chatter fill the stream up to the rate asked for.
 */
import type { RecordInput, TraceHeader, TraceRecord } from '../../src/shared/trace/records';
import { makeHeader } from '../../src/shared/trace/serialize';
import { mulberry32 } from '../../src/shared/random';

/** Options of a {@link RecordGenerator}. */
export interface RecordGeneratorOptions {
  /** Records per second of trace time, everything included. */
  recordsPerSec: number;
  /** Local uids 1..n (2–4; default 3). */
  uids?: number;
  /** PRNG seed (default 1): the same seed gives the same records. */
  seed?: number;
}

/** A record before its `seq` is known. */
type Draft = RecordInput & { t: number };

/** Trace ms between the starts of two fault cycles. */
export const CYCLE_MS = 30_000;
const STEP_MS = 10;
const FAULT_AT_MS = 5_000;
const DROPS_MS = [6_000, 14_000, 23_000] as const;

const round = (t: number): number => Math.round(t * 10) / 10;

/** See the file comment. `until(t)` for a live stream, `take(n)` for a trace of n records. */
export class RecordGenerator {
  /** The trace's header (fixed `startedAt`, so runs compare). */
  readonly header: TraceHeader;
  private readonly uids: number[];
  private readonly rng: () => number;
  private readonly fillerPerStep: number;
  /** Scripted records not yet due, in time order. */
  private scripted: Draft[] = [];
  private faults: Array<{ uid: number; startT: number; endT: number }> = [];
  private planned = 0;
  private stepT = 0;
  private carry = 0;
  private seq = 0;
  private ready: TraceRecord[] = [];

  constructor(options: RecordGeneratorOptions) {
    const n = Math.min(4, Math.max(2, options.uids ?? 3));
    this.uids = Array.from({ length: n }, (_, i) => i + 1);
    this.rng = mulberry32(options.seed ?? 1);
    this.fillerPerStep = Math.max(0, options.recordsPerSec - n) * (STEP_MS / 1000);
    this.header = makeHeader({
      startedAt: '2026-01-01T00:00:00.000Z',
      timeScale: 1,
      app: { name: 'faultline', version: 'bench' },
      env: { engine: 'wrtc', generator: 'bench/renderer/records.ts' },
      config: { heartbeatIntervalMs: 2000, heartbeatTimeoutMs: 20000, mediaTimeoutMs: 10000 },
    });
  }

  /** Every record with `t` below `untilT` (trace ms) not produced yet. */
  until(untilT: number): TraceRecord[] {
    while (this.stepT + STEP_MS <= untilT) this.step();
    const cut = this.ready.findIndex((r) => r.t >= untilT);
    const out = cut < 0 ? this.ready : this.ready.slice(0, cut);
    this.ready = cut < 0 ? [] : this.ready.slice(cut);
    return out;
  }

  /** The next `n` records. */
  take(n: number): TraceRecord[] {
    while (this.ready.length < n) this.step();
    const out = this.ready.slice(0, n);
    this.ready = this.ready.slice(n);
    return out;
  }

  /** One 10 ms step: the scripted records due, stats, then filler spread over the step. */
  private step(): void {
    const from = this.stepT;
    const to = from + STEP_MS;
    while (this.planned * CYCLE_MS < to) this.plan(this.planned++);
    const drafts: Draft[] = [];
    while (this.scripted.length && this.scripted[0]!.t < to) drafts.push(this.scripted.shift()!);
    for (const uid of this.uids) {
      const offset = 50 + 137 * uid;
      const k = Math.ceil((from - offset) / 1000);
      const due = offset + k * 1000;
      if (due >= from && due < to && due >= 0) drafts.push(this.stats(uid, due));
    }
    this.carry += this.fillerPerStep;
    const count = Math.floor(this.carry);
    this.carry -= count;
    for (let i = 0; i < count; i++)
      drafts.push(this.filler(round(from + ((i + this.rng()) * STEP_MS) / count)));
    drafts.sort((a, b) => a.t - b.t);
    for (const d of drafts) this.ready.push({ ...d, seq: ++this.seq } as TraceRecord);
    this.stepT = to;
  }

  private inFault(uid: number, t: number): boolean {
    return this.faults.some((f) => f.uid === uid && t >= f.startT && t < f.endT + 400);
  }

  private stats(uid: number, t: number): Draft {
    if (this.inFault(uid, t))
      return { t, type: 'stats', uid, rttMs: null, lossPct: 100, jitterMs: null, sendKbps: 0, recvKbps: 0 };
    const r = this.rng;
    return {
      t,
      type: 'stats',
      uid,
      rttMs: round(18 + r() * 22),
      lossPct: round(r() * 1.5),
      jitterMs: round(2 + r() * 6),
      sendKbps: Math.round(900 + r() * 250),
      recvKbps: Math.round(1700 + r() * 400),
      raw: { engine: 'wrtc', fps: 30, codec: 'VP8' },
    };
  }

  /** Signaling, ICE and log chatter of a random uid. */
  private filler(t: number): Draft {
    const r = this.rng();
    const uid = this.uids[Math.floor(this.rng() * this.uids.length)]!;
    if (r < 0.55)
      return { t, type: 'signal', uid, dir: r < 0.28 ? 'tx' : 'rx', msg: r < 0.28 ? 'ping' : 'pong' };
    if (r < 0.7) return { t, type: 'signal', uid, dir: 'rx', msg: r < 0.62 ? 'candidate' : 'sdp' };
    if (r < 0.85)
      return {
        t,
        type: 'media',
        uid,
        event: 'candidate-pair',
        pc: r < 0.78 ? 'pub' : 'sub',
        value: 'succeeded',
      };
    return { t, type: 'log', uid, level: 'debug', msg: `uid ${uid}: ${Math.floor(r * 1e6)} packets sent` };
  }

  /** Queues the scripted records of fault cycle `c` (and the joins, for the first). */
  private plan(c: number): void {
    const base = c * CYCLE_MS;
    const out: Draft[] = [];
    const others = (uid: number): number[] => this.uids.filter((o) => o !== uid);
    const published = (t: number, observer: number, peer: number): void => {
      out.push({ t: t, type: 'peer', uid: observer, event: 'user-published', peer, mediaType: 'audio' });
      out.push({ t: t + 2, type: 'peer', uid: observer, event: 'user-published', peer, mediaType: 'video' });
    };
    if (c === 0) {
      for (const uid of this.uids) {
        const at = 20 * uid;
        out.push({ t: at, type: 'state', uid, from: 'DISCONNECTED', to: 'CONNECTING' });
        out.push({ t: at + 1, type: 'signal', uid, dir: 'tx', msg: 'join' });
        out.push({ t: at + 300, type: 'signal', uid, dir: 'rx', msg: 'joined' });
        out.push({ t: at + 301, type: 'state', uid, from: 'CONNECTING', to: 'CONNECTED' });
        out.push({ t: at + 1500, type: 'signal', uid, dir: 'tx', msg: 'publish' });
        for (const o of others(uid)) {
          out.push({ t: 400 + 20 * Math.max(uid, o), type: 'peer', uid: o, event: 'user-joined', peer: uid });
          published(1700 + at + o, o, uid);
        }
      }
    }
    const uid = this.uids[c % this.uids.length]!;
    // Each uid meets every drop length in turn (c alone would pair uid and length for 3 uids).
    const drop = DROPS_MS[(c + Math.floor(c / this.uids.length)) % DROPS_MS.length]!;
    const start = base + FAULT_AT_MS + Math.round(this.rng() * 200);
    const end = start + drop;
    const id = `f${c + 1}`;
    this.faults.push({ uid, startT: start, endT: end });
    const target = { uid, path: 'all', direction: 'both' };
    out.push({
      t: start,
      type: 'fault',
      uid: null,
      id,
      phase: 'start',
      kind: 'blackhole',
      target,
      params: {},
    });
    out.push({ t: start + 2500, type: 'media', uid, event: 'ice-state', pc: 'pub', value: 'disconnected' });
    const detected = start + 4100;
    out.push({ t: detected - 1, type: 'log', uid, level: 'warn', msg: 'heartbeat missed twice' });
    out.push({
      t: detected,
      type: 'state',
      uid,
      from: 'CONNECTED',
      to: 'RECONNECTING',
      cause: 'heartbeat timeout',
    });
    let at = detected;
    let rejoined = 0;
    for (let attempt = 1; !rejoined; attempt++) {
      const delayMs = Math.min(4000, 500 * 2 ** (attempt - 1));
      out.push({ t: at + 1, type: 'reconnect', uid, attempt, phase: 'scheduled', delayMs });
      const begin = at + 1 + delayMs;
      out.push({ t: begin, type: 'reconnect', uid, attempt, phase: 'start' });
      if (begin >= end) {
        rejoined = begin + 250;
        out.push({ t: rejoined, type: 'reconnect', uid, attempt, phase: 'success' });
        out.push({
          t: rejoined + 1,
          type: 'state',
          uid,
          from: 'RECONNECTING',
          to: 'CONNECTED',
          cause: 'REJOIN_SUCCESS',
        });
        out.push({
          t: rejoined + 300,
          type: 'media',
          uid,
          event: 'ice-state',
          pc: 'pub',
          value: 'connected',
        });
      } else {
        at = begin + 300;
        out.push({ t: at, type: 'reconnect', uid, attempt, phase: 'failure', error: 'ECONNREFUSED' });
      }
    }
    out.push({ t: end, type: 'fault', uid: null, id, phase: 'end', kind: 'blackhole', target, params: {} });
    for (const o of others(uid)) {
      const skew = Math.round(this.rng() * 80);
      if (drop > 10_000) {
        out.push({
          t: start + 10_000 + skew,
          type: 'peer',
          uid: o,
          event: 'user-unpublished',
          peer: uid,
          mediaType: 'audio',
        });
        out.push({
          t: start + 10_002 + skew,
          type: 'peer',
          uid: o,
          event: 'user-unpublished',
          peer: uid,
          mediaType: 'video',
        });
      }
      if (drop > 20_000) {
        out.push({
          t: start + 20_000 + skew,
          type: 'peer',
          uid: o,
          event: 'user-left',
          peer: uid,
          reason: 'ServerTimeOut',
        });
        out.push({ t: rejoined + 100 + skew, type: 'peer', uid: o, event: 'user-joined', peer: uid });
      }
      if (drop > 10_000) published(rejoined + 600 + skew, o, uid);
    }
    this.scripted = [...this.scripted, ...out.map((d) => ({ ...d, t: round(d.t) }) as Draft)].sort(
      (a, b) => a.t - b.t,
    );
  }
}

/** A whole trace of `n` records (header and records) at `recordsPerSec` of trace time. */
export function generateTrace(
  n: number,
  options: RecordGeneratorOptions,
): { header: TraceHeader; records: TraceRecord[] } {
  const generator = new RecordGenerator(options);
  return { header: generator.header, records: generator.take(n) };
}
