/**
 * Connectivity incidents of one subject: interruptions (the client's signaling went
 * RECONNECTING, or an imported PC's ICE went disconnected, while packets stopped), ICE failures,
 * and media stalls (one direction's packets stopped while the session stayed up). Each starts at
 * the last packet or message that got through, not at the moment a state machine noticed.
 */
import type { TraceView } from './context';
import type { SignalingSilence } from './evidence';
import {
  anyWithin,
  inRange,
  IntervalIndex,
  memoOnView,
  pcStates,
  secs,
  signalingSilences,
  uniqueSeqs,
} from './evidence';

const startOf = (x: { start: number }): number => x.start;
const timeOf = (x: { t: number }): number => x.t;
import type { FlowGap } from './flows';
import { findGaps, fromPeerFlow, kbpsFlow, kindFlow } from './flows';
import type { IncidentDirection } from './types';

/** Model ms before a detection in which a gap or silence still counts as its beginning. */
const LOOKBACK_MS = 30_000;
/** Model ms after a recovery in which media resuming still belongs to the incident. */
const RESUME_MS = 15_000;

/** A gap with the direction (from the subject's point of view) it was seen in. */
interface DirectedGap extends FlowGap {
  direction: 'up' | 'down';
}

/** The connectivity evidence of one subject, gathered once. */
export interface SubjectEvidence {
  subject: number;
  up: DirectedGap[];
  down: DirectedGap[];
  silences: SignalingSilence[];
  /** Whether the subject sent media / received media at all (so silence means something). */
  sends: boolean;
  receives: boolean;
}

function ownFlow(view: TraceView, subject: number, field: 'sentPackets' | 'receivedPackets') {
  const stats = view.stats.get(subject) ?? [];
  return (
    kindFlow(view, stats, field) ?? kbpsFlow(view, stats, field === 'sentPackets' ? 'sendKbps' : 'recvKbps')
  );
}

/** Packets others received from `subject` (lab: the observers' per-publisher counters). */
function observedUplinkGaps(view: TraceView, subject: number): { gaps: FlowGap[]; observed: boolean } {
  const gaps: FlowGap[] = [];
  let observed = false;
  for (const [observer, stats] of view.stats) {
    if (observer === subject) continue;
    const flow = fromPeerFlow(view, stats, subject);
    if (flow.some((s) => s.amount > 0)) observed = true;
    for (const gap of findGaps(flow)) {
      // The observer's own trouble (it was reconnecting itself, or lost its path and noticed
      // during the silence) is not the subject's uplink.
      const own = view.stateAt(observer, gap.start + 1);
      if (own !== null && own !== 'CONNECTED') continue;
      if (anyWithin(reconnectStarts(view, observer), gap.start, gap.end ?? Infinity)) continue;
      if (endsByDeparture(view, observer, subject, gap)) continue;
      gaps.push(gap);
    }
  }
  return { gaps: mergeGaps(gaps), observed };
}

/**
 * Model times (ascending) at which `observer` was told that `publisher` (any, when null) left or
 * unpublished for a reason other than a server timeout.
 */
function departures(view: TraceView, observer: number, publisher: number | null): number[] {
  return memoOnView(view, `departures:${observer}:${publisher ?? '*'}`, () =>
    (view.peers.get(observer) ?? [])
      .filter(
        (p) =>
          (publisher === null || p.peer === publisher) &&
          (p.event === 'user-left' || p.event === 'user-unpublished') &&
          p.reason !== 'ServerTimeOut',
      )
      .map((p) => view.model(p.t))
      .sort((a, b) => a - b),
  );
}

/** True when the silence is the publisher leaving or unpublishing, as the observer was told. */
function endsByDeparture(view: TraceView, observer: number, publisher: number | null, gap: FlowGap): boolean {
  return anyWithin(departures(view, observer, publisher), gap.start - 2000, gap.firstSilentT + 500);
}

/** Model times (ascending) at which a client went CONNECTED → RECONNECTING. */
function reconnectStarts(view: TraceView, uid: number): number[] {
  return memoOnView(view, `reconnects:${uid}`, () =>
    (view.states.get(uid) ?? [])
      .filter((s) => s.from === 'CONNECTED' && s.to === 'RECONNECTING')
      .map((s) => view.model(s.t)),
  );
}

/** Model times (ascending) at which the subject was leaving: DISCONNECTING, a LEAVE, a closed PC. */
function leavings(view: TraceView, subject: number): number[] {
  return memoOnView(view, `leavings:${subject}`, () =>
    [
      ...(view.states.get(subject) ?? [])
        .filter((s) => s.to === 'DISCONNECTING' || (s.to === 'DISCONNECTED' && s.reason === 'LEAVE'))
        .map((s) => view.model(s.t)),
      ...pcStates(view, subject)
        .filter((c) => c.value === 'closed')
        .map((c) => c.t),
    ].sort((a, b) => a - b),
  );
}

/** True when the subject itself was leaving when its flow went silent. */
function leftAround(view: TraceView, subject: number, gap: FlowGap): boolean {
  return anyWithin(leavings(view, subject), gap.start - 2000, gap.firstSilentT + 500);
}

function mergeGaps(gaps: FlowGap[]): FlowGap[] {
  const sorted = [...gaps].sort((a, b) => a.start - b.start);
  const out: FlowGap[] = [];
  for (const g of sorted) {
    const last = out[out.length - 1];
    const lastEnd = last ? (last.end ?? Infinity) : -Infinity;
    if (last && g.start <= lastEnd) {
      last.end = last.end === null || g.end === null ? null : Math.max(last.end, g.end);
      last.firstSilentT = Math.min(last.firstSilentT, g.firstSilentT);
      last.evidence = uniqueSeqs(last.evidence, g.evidence);
    } else out.push({ ...g, evidence: [...g.evidence] });
  }
  return out;
}

/** Gathers the gaps and silences of one subject. */
export function gatherEvidence(view: TraceView, subject: number): SubjectEvidence {
  const sent = ownFlow(view, subject, 'sentPackets');
  const received = ownFlow(view, subject, 'receivedPackets');
  const observedUp = observedUplinkGaps(view, subject);
  const up: DirectedGap[] = [...observedUp.gaps, ...findGaps(sent)]
    .filter((g) => !leftAround(view, subject, g))
    .map((g) => ({ ...g, direction: 'up' as const }));
  const down: DirectedGap[] = findGaps(received)
    .sort((a, b) => a.start - b.start)
    .filter((g) => !leftAround(view, subject, g) && !endsByDeparture(view, subject, null, g))
    .map((g) => ({ ...g, direction: 'down' as const }));
  return {
    subject,
    up: mergeGaps(up).map((g) => ({ ...g, direction: 'up' as const })),
    down,
    silences: signalingSilences(view, subject),
    sends: observedUp.observed || sent.some((s) => s.amount > 0),
    receives: received.some((s) => s.amount > 0),
  };
}

/**
 * Drops a subject's downlink gaps that its publishers' uplink gaps explain (every publisher it
 * heard from went silent at the same time): the trouble is theirs.
 */
export function explainDownlinks(all: Map<number, SubjectEvidence>): void {
  for (const ev of all.values()) {
    ev.down = ev.down.filter((g) => {
      const others = [...all.values()].filter((o) => o.subject !== ev.subject && o.sends);
      if (others.length === 0) return true;
      return !others.every((o) => o.up.some((u) => overlaps(u, g)));
    });
  }
}

function overlaps(a: FlowGap, b: FlowGap): boolean {
  const aEnd = a.end ?? Infinity;
  const bEnd = b.end ?? Infinity;
  return a.start <= bEnd + 1000 && b.start <= aEnd + 1000;
}

/** One detected loss of connectivity, before its cause is classified. */
export interface Outage {
  subject: number;
  kind: 'interruption' | 'ice-failure' | 'media-stall';
  start: number;
  end: number | null;
  detectedAt: number | null;
  direction: IncidentDirection;
  /** The state cause the client gave (`heartbeat-timeout`, `socket-error`, …). */
  stateCause?: string;
  /** How the client got out of it, when it did: `REJOIN_SUCCESS`, ICE `connected`, … */
  recoveredBy?: string;
  /** The media kinds that went silent, when only some did. */
  kinds?: string;
  evidence: number[];
  /** True when both directions' silence was seen directly (not inferred from signaling). */
  confirmed: boolean;
}

function directionOf(
  up: FlowGap[],
  down: FlowGap[],
  silences: SignalingSilence[],
  ev: SubjectEvidence,
): IncidentDirection {
  if (up.length > 0 && down.length > 0) return 'both';
  if (up.length > 0) return ev.receives ? 'up' : silences.length > 0 ? 'both' : 'up';
  if (down.length > 0) return ev.sends ? 'down' : silences.length > 0 ? 'both' : 'down';
  return silences.length > 0 ? 'both' : null;
}

/** Interruptions and ICE failures of one subject, and the media stalls outside them. */
export function detectOutages(view: TraceView, ev: SubjectEvidence): Outage[] {
  const outages: Outage[] = [];
  const used = new Set<FlowGap>();
  const detections = view.imported ? pcDetections(view, ev.subject) : stateDetections(view, ev.subject);
  let previousEnd = -Infinity;
  for (const d of detections) {
    const from = Math.max(previousEnd, d.at - LOOKBACK_MS);
    const near = (g: { start: number; end: number | null }) =>
      g.start >= from && g.start <= d.at + 1000 && (g.end === null || g.end >= d.at - 3000);
    const window = <T extends { start: number; end: number | null }>(list: readonly T[]): T[] =>
      inRange(list, startOf, from, d.at + 1000).filter(near);
    const up = window(ev.up);
    const down = window(ev.down);
    const silences = window(ev.silences);
    for (const g of [...up, ...down]) used.add(g);
    const starts = [...up, ...down].map((g) => g.start);
    // Signaling is sampled every heartbeat: its silence only dates the start without media evidence.
    if (starts.length === 0) starts.push(...silences.map((s) => s.start));
    const start = Math.min(d.at, ...starts);
    // Over when the session is back and media flows again (within RESUME_MS of the session).
    let end = d.recoveredAt;
    for (const g of [...up, ...down]) {
      if (end !== null && g.end !== null && g.end > end && g.end <= end + RESUME_MS) end = g.end;
    }
    outages.push({
      subject: ev.subject,
      kind: d.failed ? 'ice-failure' : 'interruption',
      start,
      end,
      detectedAt: d.at,
      direction: directionOf(up, down, silences, ev),
      ...(d.cause ? { stateCause: d.cause } : {}),
      ...(d.recoveredBy ? { recoveredBy: d.recoveredBy } : {}),
      evidence: uniqueSeqs(
        d.evidence,
        ...up.map((g) => g.evidence),
        ...down.map((g) => g.evidence),
        ...silences.map((s) => s.evidence),
      ),
      confirmed: up.length > 0 && down.length > 0,
    });
    previousEnd = end ?? Infinity;
  }
  const connectivity = new IntervalIndex(outages);
  const changes = pcStates(view, ev.subject);
  for (const g of [...ev.up, ...ev.down]) {
    if (used.has(g)) continue;
    if (connectivity.covers(g.start, 1000, 0)) continue;
    const ice = inRange(changes, timeOf, g.start, g.end ?? Infinity).find((c) => c.value === 'disconnected');
    outages.push({
      subject: ev.subject,
      kind: 'media-stall',
      start: g.start,
      end: g.end,
      detectedAt: ice ? ice.t : null,
      direction: g.direction,
      evidence: uniqueSeqs(g.evidence, ice ? [ice.seq] : []),
      confirmed: true,
    });
  }
  return outages.sort((a, b) => a.start - b.start);
}

interface Detection {
  at: number;
  recoveredAt: number | null;
  cause?: string;
  recoveredBy?: string;
  failed: boolean;
  evidence: number[];
}

/** Lab clients: each CONNECTED → RECONNECTING, to the next CONNECTED (or the end). */
function stateDetections(view: TraceView, subject: number): Detection[] {
  const states = view.states.get(subject) ?? [];
  const out: Detection[] = [];
  for (let i = 0; i < states.length; i++) {
    const s = states[i]!;
    if (s.from !== 'CONNECTED' || s.to !== 'RECONNECTING') continue;
    const next = states.slice(i + 1).find((n) => n.from === 'RECONNECTING');
    const back = next && next.to === 'CONNECTED' ? next : undefined;
    out.push({
      at: view.model(s.t),
      recoveredAt: next ? view.model(next.t) : null,
      ...(s.cause ? { cause: s.cause } : {}),
      ...(back?.cause ? { recoveredBy: back.cause } : {}),
      failed: false,
      evidence: uniqueSeqs([s.seq], next ? [next.seq] : []),
    });
  }
  return out;
}

const UP_STATES = new Set(['connected', 'completed']);

/** Imported PCs: ICE / PC state leaving connected, to its return (or failure and the end). */
function pcDetections(view: TraceView, subject: number): Detection[] {
  const changes = pcStates(view, subject);
  const out: Detection[] = [];
  let connected = false;
  let open: Detection | null = null;
  for (const c of changes) {
    if (UP_STATES.has(c.value)) {
      if (open) {
        open.recoveredAt = c.t;
        open.recoveredBy = `${c.event === 'pc-state' ? 'PC' : 'ICE'} ${c.value}`;
        open.evidence.push(c.seq);
        out.push(open);
        open = null;
      }
      connected = true;
      continue;
    }
    if (!connected) continue;
    if (c.value === 'disconnected' || c.value === 'failed') {
      if (!open)
        open = {
          at: c.t,
          recoveredAt: null,
          cause: `${c.event} ${c.value}`,
          failed: false,
          evidence: [c.seq],
        };
      else open.evidence.push(c.seq);
      if (c.value === 'failed') open.failed = true;
    } else if (c.value === 'closed') {
      if (open) {
        open.evidence.push(c.seq);
        out.push(open);
        open = null;
      }
      connected = false;
    }
  }
  if (open) out.push(open);
  return out;
}

/** A sentence fragment for an outage's duration. */
export function spanText(start: number, end: number | null): string {
  return end === null
    ? `from ${secs(start)}, never recovered`
    : `${secs(start)}–${secs(end)} (${secs(end - start)})`;
}
