/**
 * Findings: what happened around each fault, measured from the trace. Detection latency,
 * recovery time and reconnect attempts of the faulted client, and what every observer saw
 * (user-unpublished, user-left, then user-joined / user-published after recovery); plus the
 * media-path reconnections (ICE restarts) and their durations.
 */
import type { ConnectionState } from '../model/states';
import type { PeerEventName } from '../model/vocabulary';
import type { PeerRecord, StateRecord, TraceRecord } from '../trace/records';
import { affects, horizonOf, toDelay } from './faults';
import type { FaultWindow } from './faults';
import type { ClientImpact, FaultFinding, Findings, MediaReconnectFinding, ObserverImpact } from './types';

/** Records split per uid, in seq order, for the lookups below. */
interface Index {
  states: Map<number, StateRecord[]>;
  /** Peer events keyed by `${observer}:${peer}`. */
  peers: Map<string, PeerRecord[]>;
  reconnectStarts: Map<number, number[]>;
  /** Uids that appear as local clients (state or peer records). */
  uids: Set<number>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function buildIndex(records: readonly TraceRecord[]): Index {
  const index: Index = { states: new Map(), peers: new Map(), reconnectStarts: new Map(), uids: new Set() };
  for (const r of records) {
    if (r.uid === null) continue;
    if (r.type === 'state') {
      push(index.states, r.uid, r);
      index.uids.add(r.uid);
    } else if (r.type === 'peer') {
      push(index.peers, `${r.uid}:${r.peer}`, r);
      index.uids.add(r.uid);
    } else if (r.type === 'reconnect' && r.phase === 'start') {
      push(index.reconnectStarts, r.uid, r.t);
    }
  }
  return index;
}

function first<T extends { t: number }>(
  list: readonly T[] | undefined,
  pred: (r: T) => boolean,
): T | undefined {
  return list?.find(pred);
}

function stateAt(states: readonly StateRecord[] | undefined, t: number): ConnectionState | null {
  let state: ConnectionState | null = null;
  for (const s of states ?? []) {
    if (s.t > t) break;
    state = s.to;
  }
  return state;
}

function clientImpact(
  fault: FaultWindow,
  uid: number,
  faults: readonly FaultWindow[],
  index: Index,
  ts: number,
): ClientImpact {
  const horizon = horizonOf(faults, fault, uid);
  const states = index.states.get(uid);
  const inRange = (t: number): boolean => t >= fault.startT && t < horizon;
  const detected = first(states, (s) => inRange(s.t) && s.from === 'CONNECTED' && s.to === 'RECONNECTING');
  const stateAtEnd = fault.endT === null ? null : stateAt(states, fault.endT);
  const interruptedAt =
    detected?.t ??
    (fault.endT !== null && (stateAtEnd === 'RECONNECTING' || stateAtEnd === 'CONNECTING')
      ? fault.endT
      : null);
  const recovered =
    interruptedAt === null
      ? undefined
      : first(states, (s) => s.t >= interruptedAt && s.t < horizon && s.to === 'CONNECTED');
  const recoveredAt = recovered?.t ?? null;
  const attemptsUntil = recoveredAt ?? horizon;
  const reconnectAttempts = (index.reconnectStarts.get(uid) ?? []).filter(
    (t) => t >= fault.startT && t <= attemptsUntil && t < horizon,
  ).length;

  const observers: ObserverImpact[] = [];
  for (const observer of [...index.uids].sort((a, b) => a - b)) {
    if (observer === uid) continue;
    const events = index.peers.get(`${observer}:${uid}`);
    if (!events) continue;
    const seen = (event: PeerEventName, after: number, kind?: string): PeerRecord | undefined =>
      first(
        events,
        (p) =>
          p.event === event && p.t >= after && p.t < horizon && (kind === undefined || p.mediaType === kind),
      );
    const unpublished = seen('user-unpublished', fault.startT);
    const audio = seen('user-unpublished', fault.startT, 'audio');
    const video = seen('user-unpublished', fault.startT, 'video');
    const left = seen('user-left', fault.startT);
    const back = recoveredAt ?? fault.endT;
    const joined = left
      ? first(events, (p) => p.event === 'user-joined' && p.t > left.t && p.t < horizon)
      : undefined;
    const dropT = left?.t ?? unpublished?.t;
    const published =
      dropT === undefined
        ? undefined
        : first(events, (p) => p.event === 'user-published' && p.t > dropT && p.t < horizon);
    const sinceStart = (r: PeerRecord | undefined) => (r ? toDelay(r.t - fault.startT, ts) : null);
    const sinceBack = (r: PeerRecord | undefined) => (r && back !== null ? toDelay(r.t - back, ts) : null);
    const byKind: ObserverImpact['unpublishedByKind'] = {};
    if (audio) byKind.audio = toDelay(audio.t - fault.startT, ts);
    if (video) byKind.video = toDelay(video.t - fault.startT, ts);
    observers.push({
      observer,
      unpublished: sinceStart(unpublished),
      unpublishedByKind: byKind,
      left: sinceStart(left),
      joined: sinceBack(joined),
      published: sinceBack(published),
    });
  }

  return {
    uid,
    detection: detected ? toDelay(detected.t - fault.startT, ts) : null,
    stateAtEnd,
    recovery: recoveredAt !== null && fault.endT !== null ? toDelay(recoveredAt - fault.endT, ts) : null,
    outage: recoveredAt !== null && interruptedAt !== null ? toDelay(recoveredAt - interruptedAt, ts) : null,
    recoveredAt,
    reconnectAttempts,
    observers,
  };
}

function mediaReconnects(
  records: readonly TraceRecord[],
  faults: readonly FaultWindow[],
  ts: number,
): MediaReconnectFinding[] {
  const out: MediaReconnectFinding[] = [];
  const open = new Map<string, MediaReconnectFinding>();
  for (const r of records) {
    if (r.type !== 'media') continue;
    const key = `${r.uid}:${r.pc ?? ''}`;
    if (r.event === 'media-reconnect-start') {
      if (open.has(key)) continue; // already reconnecting: a repeated start is the same episode
      let faultIndex: number | null = null;
      for (const f of faults) {
        if (f.startT > r.t) break;
        if (r.uid === null || affects(f, r.uid)) faultIndex = f.index;
      }
      const finding: MediaReconnectFinding = {
        uid: r.uid,
        startT: r.t,
        endT: null,
        duration: null,
        faultIndex,
      };
      if (r.pc !== undefined) finding.pc = r.pc;
      open.set(key, finding);
      out.push(finding);
    } else if (r.event === 'media-reconnect-end') {
      const finding = open.get(key);
      if (!finding) continue;
      finding.endT = r.t;
      finding.duration = toDelay(r.t - finding.startT, ts);
      open.delete(key);
    }
  }
  return out;
}

/** Measures everything around each fault. `records` must be in seq order. */
export function computeFindings(
  records: readonly TraceRecord[],
  faults: readonly FaultWindow[],
  timeScale: number,
): Omit<Findings, 'stalls'> {
  const index = buildIndex(records);
  const findings: FaultFinding[] = faults.map((f) => {
    const uids = f.server
      ? [...index.states.keys()].sort((a, b) => a - b)
      : f.target.uid === null
        ? []
        : [f.target.uid];
    return {
      index: f.index,
      id: f.id,
      kind: f.kind,
      target: f.target,
      params: f.params,
      startT: f.startT,
      endT: f.endT,
      duration: f.endT === null ? null : toDelay(f.endT - f.startT, timeScale),
      clients: uids.map((uid) => clientImpact(f, uid, faults, index, timeScale)),
    };
  });
  return { faults: findings, mediaReconnects: mediaReconnects(records, faults, timeScale) };
}
