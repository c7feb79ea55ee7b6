/**
 * Replay: the state of every local uid and every observer's view of its peers at a moment t.
 * {@link buildTimeline} precomputes one immutable snapshot per change point (state, peer and
 * fault records, sorted by time), so {@link Timeline.at} is a binary search: O(log n), plus one
 * search per observed peer for what it was receiving (src/shared/replay/receiving.ts).
 */
import type { ConnectionState } from '../model/states';
import type { FaultRecord, TraceRecord } from '../trace/records';
import { collectReceiveSamples, receiveRatesAt, type ReceiveRates } from './receiving';
import { lastIndexAtOrBefore } from './search';

/** A published kind; `media` when a `user-published` named no kind. */
export type PublishedKind = 'audio' | 'video' | 'media';

/** One local client's connection state at t. */
export interface UidState {
  uid: number;
  state: ConnectionState;
  /** Trace time of the transition into `state`. */
  since: number;
  from: ConnectionState;
  /** Reason of the last transition, if it had one. */
  reason?: string;
  /** Cause of the last transition, if it had one. */
  cause?: string;
}

/** A remote peer an observer considers present. */
export interface PeerPresence {
  peer: number;
  /** When the observer last heard `user-joined` (or first heard of it). */
  since: number;
  /** Kinds the peer has published, as the observer sees it (sorted). */
  published: PublishedKind[];
  /**
   * Packets per second the observer's client was receiving from the peer, by kind, over its
   * last stats interval (`raw.sub.fromPeers`); null when its stats have no such figure at t.
   */
  receiving: ReceiveRates | null;
}

/** What one observer (a local uid) believes about remote peers at t. */
export interface ObserverView {
  observer: number;
  peers: PeerPresence[];
}

/** A fault that has started and not yet ended at t. */
export interface ActiveFault {
  id: string;
  kind: string;
  target: FaultRecord['target'];
  params: Record<string, unknown>;
  startT: number;
}

/** The state of every uid and every peer at one moment. */
export interface ReplayState {
  /** The moment asked for. */
  t: number;
  /** Seq of the last change applied (null before the first change). */
  seq: number | null;
  /** Local clients, by uid. */
  uids: UidState[];
  /** Observers, by uid; peers by peer id. */
  observers: ObserverView[];
  /** Faults active at t, by start time. */
  faults: ActiveFault[];
}

/** Precomputed change points of a trace. */
export interface Timeline {
  /** First and last record time (0..0 for an empty trace). */
  readonly start: number;
  readonly end: number;
  /** Times of the change points, ascending. */
  readonly changes: readonly number[];
  /** The state at t (records with time ≤ t applied). O(log n). */
  at(t: number): ReplayState;
}

type Snapshot = Omit<ReplayState, 't' | 'observers'> & {
  observers: Array<{ observer: number; peers: Array<Omit<PeerPresence, 'receiving'>> }>;
};

const EMPTY: Snapshot = Object.freeze({ seq: null, uids: [], observers: [], faults: [] });

function byKey<T>(map: Map<number, T>): T[] {
  return [...map.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

/** The record types that change a timeline's state (stats: the peers' `receiving` rates). */
const TIMELINE_TYPES: ReadonlySet<TraceRecord['type']> = new Set(['state', 'peer', 'fault', 'stats']);

/**
 * Builds the replay timeline. Records may come in any order (sorted by t, then seq); records of
 * types that do not change state (logs…) and malformed peer events are skipped, never fatal.
 * Stats records feed each peer's `receiving` rates, looked up at `at(t)`.
 */
export function buildTimeline(records: readonly TraceRecord[]): Timeline {
  // Only these types change the state or feed `receiving`: a big trace is mostly logs and
  // signaling, which are not copied or sorted (200,000 records: the sort alone took 30 ms).
  let start = Infinity;
  let end = -Infinity;
  const sorted: TraceRecord[] = [];
  for (const r of records) {
    if (r.t < start) start = r.t;
    if (r.t > end) end = r.t;
    if (TIMELINE_TYPES.has(r.type)) sorted.push(r);
  }
  sorted.sort((a, b) => a.t - b.t || a.seq - b.seq);
  const uids = new Map<number, UidState>();
  const views = new Map<number, Map<number, { since: number; published: Set<PublishedKind> }>>();
  const faults = new Map<string, ActiveFault>();
  const times: number[] = [];
  const snapshots: Snapshot[] = [];

  const snapshot = (seq: number): Snapshot =>
    Object.freeze({
      seq,
      uids: byKey(uids).map((u) => ({ ...u })),
      observers: [...views.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([observer, peers]) => ({
          observer,
          peers: [...peers.entries()]
            .sort((a, b) => a[0] - b[0])
            .map(([peer, p]) => ({ peer, since: p.since, published: [...p.published].sort() })),
        })),
      faults: [...faults.values()].sort((a, b) => a.startT - b.startT),
    });

  for (const r of sorted) {
    let changed = false;
    if (r.type === 'state' && r.uid !== null) {
      const next: UidState = { uid: r.uid, state: r.to, from: r.from, since: r.t };
      if (r.reason !== undefined) next.reason = r.reason;
      if (r.cause !== undefined) next.cause = r.cause;
      uids.set(r.uid, next);
      changed = true;
    } else if (r.type === 'peer' && r.uid !== null) {
      let peers = views.get(r.uid);
      if (!peers) views.set(r.uid, (peers = new Map()));
      const known = peers.get(r.peer);
      if (r.event === 'user-joined') {
        peers.set(r.peer, { since: r.t, published: known?.published ?? new Set() });
      } else if (r.event === 'user-left') {
        peers.delete(r.peer);
      } else {
        const entry = known ?? { since: r.t, published: new Set<PublishedKind>() };
        peers.set(r.peer, entry);
        if (r.event === 'user-published') entry.published.add(r.mediaType ?? 'media');
        else if (r.mediaType) {
          entry.published.delete(r.mediaType);
          entry.published.delete('media');
        } else entry.published.clear();
      }
      changed = true;
    } else if (r.type === 'fault') {
      if (r.phase === 'start') {
        faults.set(r.id, { id: r.id, kind: r.kind, target: r.target, params: r.params, startT: r.t });
      } else faults.delete(r.id);
      changed = true;
    }
    if (!changed) continue;
    if (times.length > 0 && times[times.length - 1] === r.t)
      snapshots[snapshots.length - 1] = snapshot(r.seq);
    else {
      times.push(r.t);
      snapshots.push(snapshot(r.seq));
    }
  }

  const receive = collectReceiveSamples(sorted);
  return {
    start: records.length > 0 ? start : 0,
    end: records.length > 0 ? end : 0,
    changes: times,
    at(t: number): ReplayState {
      const found = lastIndexAtOrBefore(times, t);
      const snap = found < 0 ? EMPTY : snapshots[found]!;
      return {
        t,
        ...snap,
        observers: snap.observers.map(({ observer, peers }) => {
          const samples = receive.get(observer);
          return {
            observer,
            peers: peers.map((p) => ({
              ...p,
              receiving: samples ? receiveRatesAt(samples, p.peer, t) : null,
            })),
          };
        }),
      };
    },
  };
}

/** The state of every uid and peer at t (builds a timeline; use {@link buildTimeline} to scrub). */
export function stateAt(records: readonly TraceRecord[], t: number): ReplayState {
  return buildTimeline(records).at(t);
}
