/**
 * The diagnosis's view of one trace: records in seq order grouped by subject and type, model time
 * (trace ms ÷ timeScale), who the subjects are (lab UIDs or imported PCs) and the lab's own stalls.
 * Built once per diagnosis; every detector reads it and none changes it.
 */
import type { ConnectionState } from '../model/states';
import type {
  LogRecord,
  MediaRecord,
  PeerRecord,
  ReconnectRecord,
  SignalRecord,
  StateRecord,
  StatsRecord,
  TraceHeader,
  TraceRecord,
} from '../trace/records';
import {
  importedPeerConnections,
  isImportedTrace,
  peerConnectionLabel,
} from '../support/import/peer-connections';
import { upperBound } from './evidence';

/** A subject the diagnosis looks at. */
export interface Subject {
  subject: number;
  label: string;
}

type Grouped<T> = Map<number, T[]>;

function push<T>(map: Grouped<T>, key: number, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Model milliseconds a `stall` record covers. */
export interface StallSpan {
  from: number;
  to: number;
  seq: number;
}

/** See the file comment. */
export class TraceView {
  readonly timeScale: number;
  readonly records: readonly TraceRecord[];
  readonly imported: boolean;
  readonly subjects: Subject[];
  readonly states: Grouped<StateRecord> = new Map();
  readonly stats: Grouped<StatsRecord> = new Map();
  readonly media: Grouped<MediaRecord> = new Map();
  readonly signals: Grouped<SignalRecord> = new Map();
  readonly reconnects: Grouped<ReconnectRecord> = new Map();
  readonly peers: Grouped<PeerRecord> = new Map();
  readonly logs: LogRecord[] = [];
  readonly stalls: StallSpan[] = [];
  private readonly stateTimes = new Map<number, number[]>();
  /** Model ms of the last record. */
  readonly endT: number;
  /** Model ms between heartbeats (the lab's config; 2000 when the trace does not say). */
  readonly heartbeatMs: number;

  constructor(
    readonly header: TraceHeader,
    records: readonly TraceRecord[],
  ) {
    this.timeScale = header.timeScale > 0 ? header.timeScale : 1;
    this.records = isSorted(records) ? records : [...records].sort((a, b) => a.seq - b.seq);
    this.imported = isImportedTrace(header);
    for (const r of this.records) this.file(r);
    this.endT = this.records.length > 0 ? this.model(this.records[this.records.length - 1]!.t) : 0;
    const hb = (header.config as { heartbeatIntervalMs?: unknown }).heartbeatIntervalMs;
    this.heartbeatMs = typeof hb === 'number' && hb > 0 ? hb : 2000;
    this.subjects = this.findSubjects();
  }

  /** Trace (real) ms → model ms. */
  model(t: number): number {
    return t / this.timeScale;
  }

  /** The label of a subject (`uid 7` when it is not one of {@link subjects}). */
  label(subject: number | null): string {
    if (subject === null) return 'server';
    return this.subjects.find((s) => s.subject === subject)?.label ?? `uid ${subject}`;
  }

  /** The subject's Agora-model state just after model time `t` (null before its first state). */
  stateAt(subject: number, t: number): ConnectionState | null {
    const states = this.states.get(subject) ?? [];
    let times = this.stateTimes.get(subject);
    if (!times) this.stateTimes.set(subject, (times = states.map((r) => this.model(r.t))));
    // The last state entered at or before t (records are in seq order, so in time order).
    const after = upperBound(times, t);
    return after === 0 ? null : states[after - 1]!.to;
  }

  /** True when a lab stall overlaps [from, to] (model ms). */
  stalledDuring(from: number, to: number): boolean {
    return this.stalls.some((s) => s.from <= to && s.to >= from);
  }

  private file(r: TraceRecord): void {
    const uid = r.uid;
    switch (r.type) {
      case 'state':
        if (uid !== null) push(this.states, uid, r);
        break;
      case 'stats':
        if (uid !== null) push(this.stats, uid, r);
        break;
      case 'media':
        if (uid !== null) push(this.media, uid, r);
        break;
      case 'signal':
        if (uid !== null) push(this.signals, uid, r);
        break;
      case 'reconnect':
        if (uid !== null) push(this.reconnects, uid, r);
        break;
      case 'peer':
        if (uid !== null) push(this.peers, uid, r);
        break;
      case 'log':
        this.logs.push(r);
        break;
      case 'stall':
        this.stalls.push({ from: this.model(Math.max(0, r.t - r.ms)), to: this.model(r.t), seq: r.seq });
        break;
      default:
        break;
    }
  }

  private findSubjects(): Subject[] {
    if (this.imported) {
      const pcs = importedPeerConnections(this.header);
      if (pcs.length > 0) return pcs.map((pc) => ({ subject: pc.uid, label: peerConnectionLabel(pc) }));
    }
    const uids = new Set<number>();
    for (const map of [this.states, this.stats, this.media]) for (const uid of map.keys()) uids.add(uid);
    return [...uids].sort((a, b) => a - b).map((uid) => ({ subject: uid, label: `uid ${uid}` }));
  }
}

function isSorted(records: readonly TraceRecord[]): boolean {
  for (let i = 1; i < records.length; i++) if (records[i]!.seq < records[i - 1]!.seq) return false;
  return true;
}
