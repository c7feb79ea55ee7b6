/**
 * What the checker reports: model violations, expectation verdicts and findings (measured
 * delays around each fault). Plain data, so the CLI prints it and the renderer shows it.
 */
import type { ConnectionState, DisconnectReason } from '../model/states';
import type { PeerEventName, Vocabulary } from '../model/vocabulary';
import type { Expectation } from '../scenario/schema';
import type { TraceHeader, TraceRecord } from '../trace/records';

/** Which seed vocabulary to present names in (`ng` = 4.x current, `legacy` = 2.5/3.x). */
export type CheckProfile = 'ng' | 'legacy';

/** The vocabulary of a profile. */
export function vocabularyOf(profile: CheckProfile | undefined): Vocabulary {
  return profile === 'legacy' ? 'legacy' : 'current';
}

/** What {@link checkTrace} reads: a header and its records. */
export interface CheckInput {
  header: TraceHeader;
  records: readonly TraceRecord[];
}

/** Options of {@link checkTrace}. */
export interface CheckOptions {
  /** Vocabulary of messages and labels; verdicts do not depend on it. Default `ng`. */
  profile?: CheckProfile;
  /** Expectations to verify; default: `header.scenario.expect`. */
  expectations?: readonly Expectation[];
  /**
   * Real-time jitter no time scale shrinks (a video frame interval, event-loop and IPC latency
   * on a loaded machine), in real ms. A trace recorded at timeScale s < 1 has its expectation
   * windows widened by `unscaledJitterMs × (1 − s)` real ms on each side; at s = 1 the windows
   * are exact. Default {@link DEFAULT_UNSCALED_JITTER_MS}.
   */
  unscaledJitterMs?: number;
}

/**
 * Default {@link CheckOptions.unscaledJitterMs}: 200 ms. Measured on this 2-core machine under
 * load: the server's media watchdog fired up to 106 ms (real) early at time scale 0.1, because the
 * last video packet before a fault left up to a 15 fps frame interval plus scheduling delay before it.
 */
export const DEFAULT_UNSCALED_JITTER_MS = 200;

/** A measured delay: in scenario ms (real ms ÷ timeScale) and in real (trace) ms. */
export interface Delay {
  /** Scenario milliseconds, comparable with the scenario's `withinMs`. */
  ms: number;
  /** Real milliseconds, as in the trace's `t`. */
  realMs: number;
}

/** Kinds of model violation. */
export type ViolationCode =
  | 'state-no-uid'
  | 'state-first'
  | 'state-chain'
  | 'state-transition'
  | 'state-reason'
  | 'peer-no-observer'
  | 'peer-self'
  | 'peer-not-joined'
  | 'peer-joined-twice'
  | 'peer-left-twice'
  | 'peer-published-twice'
  | 'peer-unpublished-not-published'
  | 'peer-while-disconnected'
  | 'fault-end-without-start'
  | 'fault-started-twice'
  | 'fault-ended-twice'
  | 'time-backwards';

/** Structured facts of a violation, for rendering its message in either vocabulary. */
export interface ViolationFacts {
  from?: ConnectionState;
  to?: ConnectionState;
  /** The previous state's `to` (chain breaks) or the first state expected. */
  expected?: ConnectionState;
  reason?: DisconnectReason;
  allowedReasons?: readonly DisconnectReason[];
  event?: PeerEventName;
  peer?: number;
  mediaType?: string;
  faultId?: string;
  previousT?: number;
}

/** One record that breaks the seed model. */
export interface Violation {
  code: ViolationCode;
  seq: number;
  t: number;
  /** The record's uid (the local client, or the observer of a peer event). */
  uid: number | null;
  /** One sentence for a person, in the report's vocabulary. */
  message: string;
  facts: ViolationFacts;
}

/** Where an expectation's window starts. */
export interface ExpectationAnchor {
  kind: 'start' | 'fault-start' | 'fault-end';
  /** The N of `afterFault` / `afterFaultEnd`. */
  fault?: number;
  faultId?: string;
  /** Trace time of the anchor (real ms), or null when the anchor is not in the trace. */
  t: number | null;
}

/** The verdict on one expectation. */
export interface ExpectationResult {
  index: number;
  expectation: Expectation;
  /** The expectation's label, or a description generated in the report's vocabulary. */
  label: string;
  /**
   * `unreliable`: the lab itself stalled (see {@link StallFinding}) around this expectation for
   * longer than its window allows, so what was measured says nothing about the network; the
   * measured outcome is still in `outcome` and `message`.
   */
  verdict: 'pass' | 'fail' | 'unreliable';
  /**
   * What was found: `within` / `early` / `late` (first match vs the window), `missing` (no match
   * after the anchor), `absent` / `present` (for `absent` expectations), `no-anchor`.
   */
  outcome: 'within' | 'early' | 'late' | 'missing' | 'absent' | 'present' | 'no-anchor';
  anchor: ExpectationAnchor;
  /** The window in trace time (real ms), or null without an anchor. */
  window: { from: number; to: number } | null;
  /**
   * Real ms the window was widened by on each side for unscaled jitter (0 at timeScale 1 and for
   * `absent` expectations, whose window is never widened).
   */
  slackMs: number;
  /** The record measured (the first match at/after the anchor; for `absent`, the first in the window). */
  match: { seq: number; t: number } | null;
  /** Anchor → match. */
  delay: Delay | null;
  /** Why it passed or failed, for a person. */
  message: string;
  /** The stall that made the verdict `unreliable`. */
  stall?: StallFinding;
}

/** One stall of the lab's own event loops (a `stall` record): real time the lab could not keep. */
export interface StallFinding {
  seq: number;
  /** When the stall ended (trace ms). */
  t: number;
  /** When it began: `t − ms`. */
  fromT: number;
  /** Real ms the event loop was blocked. */
  ms: number;
  /** The same in model ms (`ms ÷ timeScale`). */
  modelMs: number;
  source: 'lab' | 'server' | 'page';
  /** The browser participant whose page stalled; null for the lab and the server. */
  uid: number | null;
  /** One sentence, e.g. "the lab stalled 480 ms (real) at t = 5.2 s; at time scale 0.1 that is 4.8 s of model time". */
  message: string;
}

/** What one observer saw of a faulted client. Delays are from the fault start unless noted. */
export interface ObserverImpact {
  observer: number;
  /** First `user-unpublished` (any kind). */
  unpublished: Delay | null;
  /** First `user-unpublished` per media kind. */
  unpublishedByKind: { audio?: Delay; video?: Delay };
  /** First `user-left`. */
  left: Delay | null;
  /**
   * First `user-joined` after the `user-left`, measured from the client's recovery (its next
   * → CONNECTED; the fault end when it never disconnected). May be slightly negative: the server
   * tells observers before the rejoining client records CONNECTED.
   */
  joined: Delay | null;
  /** First `user-published` after the drop, measured like {@link joined}. */
  published: Delay | null;
}

/** How one client went through a fault. */
export interface ClientImpact {
  uid: number;
  /** Fault start → the client's next CONNECTED → RECONNECTING. */
  detection: Delay | null;
  /** The client's state when the fault ended (null: no state before, or the fault never ended). */
  stateAtEnd: ConnectionState | null;
  /** Fault end → the client's next → CONNECTED (negative: back before the fault ended). */
  recovery: Delay | null;
  /** Interruption (detection, or the fault end) → back CONNECTED. */
  outage: Delay | null;
  /** Trace time of the recovery (→ CONNECTED), if any. */
  recoveredAt: number | null;
  /** Reconnect `start` records from the fault start until recovery (or the next fault). */
  reconnectAttempts: number;
  observers: ObserverImpact[];
}

/** One fault (a start/end pair of `fault` records) and its effects. */
export interface FaultFinding {
  /** N-th fault by start time (the N of `afterFault`). */
  index: number;
  id: string;
  kind: string;
  target: { uid: number | null; path?: string; direction?: string };
  params: Record<string, unknown>;
  startT: number;
  /** Null when the trace has no `end` record for it. */
  endT: number | null;
  duration: Delay | null;
  /** The client itself for a client fault; every client for a server fault. */
  clients: ClientImpact[];
}

/** One media-path reconnection (ICE restart) of a client. */
export interface MediaReconnectFinding {
  uid: number | null;
  pc?: string;
  startT: number;
  endT: number | null;
  duration: Delay | null;
  /** The fault it belongs to (the latest one on that client that started before it), if any. */
  faultIndex: number | null;
}

/** Everything measured around faults. */
export interface Findings {
  faults: FaultFinding[];
  mediaReconnects: MediaReconnectFinding[];
  /** The lab's own stalls, in trace order. */
  stalls: StallFinding[];
}

/** The checker's whole answer. */
export interface CheckReport {
  /** No violations and every expectation passed (an unreliable one is not a pass). */
  ok: boolean;
  /** How many expectations are `unreliable` because the lab stalled around them. */
  unreliable: number;
  violations: Violation[];
  expectations: ExpectationResult[];
  findings: Findings;
  /** Vocabulary of messages and labels. */
  vocabulary: Vocabulary;
  /** The trace's timeScale (delays in scenario ms = real ms ÷ timeScale). */
  timeScale: number;
  /** Problems with the input itself (e.g. unusable expectations in the header), for a person. */
  warnings: string[];
}
