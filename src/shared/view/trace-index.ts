/**
 * The trace as the dashboard reads it: every record in seq order plus indexes built as
 * records arrive (by type, the uids seen, state timelines, fault windows, peer events per observer,
 * reconnect attempts, stats series). Ingest is O(batch); nothing is rebuilt. Pure (no Vue),
 * so the store, the charts' builders and the benchmarks share it.
 */
import type { ConnectionState } from '../model/states';
import type {
  FaultRecord,
  PeerRecord,
  ReconnectRecord,
  RecordType,
  StateRecord,
  TraceHeader,
  TraceRecord,
} from '../trace/records';
import { StatsSeries } from './series';

/** One stretch of time a client spent in one state. */
export interface StateSegment {
  uid: number;
  state: ConnectionState;
  startT: number;
  /** Null while it is the client's current state. */
  endT: number | null;
  /** Seq of the record that entered the state. */
  seq: number;
  reason?: string;
  cause?: string;
}

/** A fault as a window: its start and end records paired by id. */
export interface FaultSpan {
  id: string;
  kind: string;
  target: FaultRecord['target'];
  params: Record<string, unknown>;
  startT: number;
  endT: number | null;
  startSeq: number;
  endSeq: number | null;
}

/** One reconnect attempt of a client, assembled from its `reconnect` records. */
export interface ReconnectAttempt {
  uid: number;
  attempt: number;
  /** When it was scheduled, and the delay before it (as recorded). */
  scheduledT: number | null;
  delayMs: number;
  startT: number | null;
  endT: number | null;
  outcome: 'pending' | 'success' | 'failure' | 'giveup';
  error?: string;
  /** Seq of its first record. */
  seq: number;
}

/** See the file comment. */
export class TraceIndex {
  header: TraceHeader | null = null;
  /** Every record, in seq order. */
  readonly records: TraceRecord[] = [];
  readonly byType = new Map<RecordType, TraceRecord[]>();
  readonly timelines = new Map<number, StateSegment[]>();
  readonly faults: FaultSpan[] = [];
  readonly peerEvents = new Map<number, PeerRecord[]>();
  readonly attempts = new Map<number, ReconnectAttempt[]>();
  readonly stats = new Map<number, StatsSeries>();
  /** Local clients seen in any record, ascending. */
  readonly uids: number[] = [];
  private readonly faultById = new Map<string, FaultSpan>();
  lastSeq = 0;
  lastT = 0;
  /** Records skipped because their seq was not newer than the last one. */
  duplicates = 0;

  constructor(readonly statsCapacity = 50_000) {}

  /** Appends records (already in seq order); older or repeated seqs are skipped. */
  ingest(batch: readonly TraceRecord[]): number {
    let added = 0;
    for (const r of batch) {
      if (r.seq <= this.lastSeq) {
        this.duplicates++;
        continue;
      }
      this.add(r);
      added++;
    }
    return added;
  }

  /** Position of the record with `seq` in {@link records}, or -1. */
  indexOfSeq(seq: number): number {
    // Records are held in ascending seq (ingest skips anything not newer): a binary search, so
    // no map of a million entries is kept just for the odd lookup.
    const records = this.records;
    let lo = 0;
    let hi = records.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = records[mid]!.seq;
      if (at === seq) return mid;
      if (at < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The record with `seq`, if held. */
  bySeq(seq: number): TraceRecord | undefined {
    const i = this.indexOfSeq(seq);
    return i < 0 ? undefined : this.records[i];
  }

  /** Records of one type (empty array when none). */
  ofType<T extends RecordType>(type: T): ReadonlyArray<Extract<TraceRecord, { type: T }>> {
    return (this.byType.get(type) ?? []) as Array<Extract<TraceRecord, { type: T }>>;
  }

  private add(r: TraceRecord): void {
    this.records.push(r);
    this.lastSeq = r.seq;
    if (r.t > this.lastT) this.lastT = r.t;
    push(this.byType, r.type, r);
    if (r.uid !== null) this.noteUid(r.uid);
    switch (r.type) {
      case 'state':
        this.addState(r);
        break;
      case 'peer':
        if (r.uid !== null) push(this.peerEvents, r.uid, r);
        break;
      case 'fault':
        this.addFault(r);
        break;
      case 'reconnect':
        this.addReconnect(r);
        break;
      case 'stats':
        if (r.uid !== null) {
          let series = this.stats.get(r.uid);
          if (!series) this.stats.set(r.uid, (series = new StatsSeries(this.statsCapacity)));
          series.push(r.t, r.seq, r);
        }
        break;
      default:
        break;
    }
  }

  private noteUid(uid: number): void {
    if (this.uids.includes(uid)) return;
    const at = this.uids.findIndex((u) => u > uid);
    if (at < 0) this.uids.push(uid);
    else this.uids.splice(at, 0, uid);
  }

  private addState(r: StateRecord): void {
    if (r.uid === null) return;
    let lane = this.timelines.get(r.uid);
    if (!lane) this.timelines.set(r.uid, (lane = []));
    const open = lane[lane.length - 1];
    if (open && open.endT === null) open.endT = r.t;
    lane.push({
      uid: r.uid,
      state: r.to,
      startT: r.t,
      endT: null,
      seq: r.seq,
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
      ...(r.cause !== undefined ? { cause: r.cause } : {}),
    });
  }

  private addFault(r: FaultRecord): void {
    const known = this.faultById.get(r.id);
    if (r.phase === 'start') {
      if (known && known.endT === null) return;
      const span: FaultSpan = {
        id: r.id,
        kind: r.kind,
        target: r.target,
        params: r.params,
        startT: r.t,
        endT: null,
        startSeq: r.seq,
        endSeq: null,
      };
      this.faultById.set(r.id, span);
      this.faults.push(span);
    } else if (known && known.endT === null) {
      known.endT = r.t;
      known.endSeq = r.seq;
    }
  }

  private addReconnect(r: ReconnectRecord): void {
    if (r.uid === null) return;
    let list = this.attempts.get(r.uid);
    if (!list) this.attempts.set(r.uid, (list = []));
    let open: ReconnectAttempt | undefined;
    for (let i = list.length - 1; i >= 0 && i >= list.length - 3; i--) {
      const a = list[i]!;
      if (a.attempt === r.attempt && a.outcome === 'pending') {
        open = a;
        break;
      }
    }
    if (r.phase === 'giveup') {
      const last = list[list.length - 1];
      if (last && last.outcome === 'pending') {
        last.outcome = 'giveup';
        last.endT = r.t;
        if (r.error !== undefined) last.error = r.error;
      } else {
        list.push({ ...fresh(r), outcome: 'giveup', endT: r.t });
      }
      return;
    }
    if (!open || (r.phase === 'scheduled' && open.scheduledT !== null)) {
      open = fresh(r);
      list.push(open);
    }
    if (r.phase === 'scheduled') {
      open.scheduledT = r.t;
      open.delayMs = r.delayMs ?? 0;
    } else if (r.phase === 'start') {
      open.startT = r.t;
    } else {
      open.outcome = r.phase;
      open.endT = r.t;
      if (r.error !== undefined) open.error = r.error;
    }
  }
}

function fresh(r: ReconnectRecord): ReconnectAttempt {
  return {
    uid: r.uid!,
    attempt: r.attempt,
    scheduledT: null,
    delayMs: r.delayMs ?? 0,
    startT: null,
    endT: null,
    outcome: 'pending',
    seq: r.seq,
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
