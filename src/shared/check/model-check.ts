/**
 * Verifies a trace against the seed model: each client's states chain through allowed
 * transitions with the right reasons, and each observer's peer events make sense (a peer
 * joins before it publishes, leaves once, …).
 */
import { findTransition } from '../model/states';
import type { ConnectionState } from '../model/states';
import type { Vocabulary } from '../model/vocabulary';
import type { PeerRecord, StateRecord, TraceRecord } from '../trace/records';
import { violationMessage } from './messages';
import type { Violation, ViolationCode, ViolationFacts } from './types';

type Member = 'present' | 'absent' | 'unknown';
type KindState = 'on' | 'off' | 'unknown';

/** What one observer knows about one remote peer. */
interface PeerView {
  member: Member;
  kinds: Map<string, KindState>;
  /** Default for kinds not in the map. */
  kindDefault: KindState;
  everLeft: boolean;
}

function freshView(member: Member): PeerView {
  return { member, kinds: new Map(), kindDefault: member === 'unknown' ? 'unknown' : 'off', everLeft: false };
}

/** Checks the whole trace (records in seq order); returns violations in seq order. */
export function verifyModel(records: readonly TraceRecord[], vocabulary: Vocabulary): Violation[] {
  const out: Violation[] = [];
  const add = (r: TraceRecord, code: ViolationCode, facts: ViolationFacts = {}): void => {
    const v: Violation = { code, seq: r.seq, t: r.t, uid: r.uid, message: '', facts };
    v.message = violationMessage(v, vocabulary);
    out.push(v);
  };
  // A trace that does not start at seq 1 (a ring snapshot) starts mid-session: assume nothing.
  const partial = records.length > 0 && records[0]!.seq > 1;
  const states = new Map<number, ConnectionState>();
  const views = new Map<number, Map<number, PeerView>>();
  const viewsOf = (observer: number): Map<number, PeerView> => {
    let m = views.get(observer);
    if (!m) views.set(observer, (m = new Map()));
    return m;
  };
  let lastT = -Infinity;
  for (const r of records) {
    if (r.t < lastT) add(r, 'time-backwards', { previousT: lastT });
    lastT = Math.max(lastT, r.t);
    if (r.type === 'state') checkState(r, states, viewsOf, partial, add);
    else if (r.type === 'peer') checkPeer(r, states, viewsOf, partial, add);
  }
  return out;
}

function checkState(
  r: StateRecord,
  states: Map<number, ConnectionState>,
  viewsOf: (observer: number) => Map<number, PeerView>,
  partial: boolean,
  add: (r: TraceRecord, code: ViolationCode, facts?: ViolationFacts) => void,
): void {
  if (r.uid === null) {
    add(r, 'state-no-uid', { from: r.from, to: r.to });
    return;
  }
  const previous = states.get(r.uid);
  if (previous === undefined) {
    if (!partial && r.from !== 'DISCONNECTED')
      add(r, 'state-first', { from: r.from, to: r.to, expected: 'DISCONNECTED' });
  } else if (previous !== r.from) {
    add(r, 'state-chain', { from: r.from, to: r.to, expected: previous });
  }
  const rule = findTransition(r.from, r.to);
  if (!rule) {
    add(r, 'state-transition', { from: r.from, to: r.to });
  } else if (rule.reasons.length === 0 ? r.reason !== undefined : !rule.reasons.includes(r.reason!)) {
    add(r, 'state-reason', { from: r.from, to: r.to, reason: r.reason, allowedReasons: rule.reasons });
  }
  states.set(r.uid, r.to);
  const views = viewsOf(r.uid);
  if (r.to === 'DISCONNECTED') {
    // A new session starts clean: the observer has heard of nobody.
    views.clear();
  } else if (r.from === 'RECONNECTING' && r.to === 'CONNECTED') {
    // After its own rejoin the client re-learns the member list: the next event per peer is news.
    for (const [peer, view] of views) views.set(peer, { ...freshView('unknown'), everLeft: view.everLeft });
  }
}

function checkPeer(
  r: PeerRecord,
  states: Map<number, ConnectionState>,
  viewsOf: (observer: number) => Map<number, PeerView>,
  partial: boolean,
  add: (r: TraceRecord, code: ViolationCode, facts?: ViolationFacts) => void,
): void {
  const facts: ViolationFacts = { event: r.event, peer: r.peer, mediaType: r.mediaType };
  if (r.uid === null) {
    add(r, 'peer-no-observer', facts);
    return;
  }
  if (r.uid === r.peer) {
    add(r, 'peer-self', facts);
    return;
  }
  if (states.get(r.uid) === 'DISCONNECTED') add(r, 'peer-while-disconnected', facts);
  const views = viewsOf(r.uid);
  let view = views.get(r.peer);
  if (!view) views.set(r.peer, (view = freshView(partial ? 'unknown' : 'absent')));
  const kind = r.mediaType;
  const kindState = (k: string): KindState => view.kinds.get(k) ?? view.kindDefault;
  switch (r.event) {
    case 'user-joined':
      if (view.member === 'present') add(r, 'peer-joined-twice', facts);
      view.member = 'present';
      view.kinds.clear();
      view.kindDefault = 'off';
      break;
    case 'user-published':
      if (view.member === 'absent') add(r, 'peer-not-joined', facts);
      else if (kind !== undefined && kindState(kind) === 'on') add(r, 'peer-published-twice', facts);
      if (view.member === 'absent') view.kindDefault = 'off';
      view.member = 'present';
      view.kinds.set(kind ?? '*', 'on');
      break;
    case 'user-unpublished':
      if (view.member === 'absent') add(r, 'peer-not-joined', facts);
      else if (kind !== undefined && kindState(kind) === 'off' && kindState('*') !== 'on') {
        add(r, 'peer-unpublished-not-published', facts);
      }
      if (view.member === 'unknown') view.member = 'present';
      if (kind === undefined) {
        view.kinds.clear();
        view.kindDefault = 'off';
      } else {
        view.kinds.set(kind, 'off');
      }
      break;
    case 'user-left':
      if (view.member === 'absent') add(r, view.everLeft ? 'peer-left-twice' : 'peer-not-joined', facts);
      view.member = 'absent';
      view.kinds.clear();
      view.kindDefault = 'off';
      view.everLeft = true;
      break;
  }
}
