/**
 * State swimlanes: one lane per local uid, one floating bar per stretch in a state, coloured by
 * state; fault windows shaded behind. Also the plain segment list the page renders as an
 * accessible table (and end-to-end tests read).
 */
import { CONNECTION_STATES, type ConnectionState } from '../../model/states';
import type { Vocabulary } from '../../model/vocabulary';
import type { FaultSpan, StateSegment, TraceIndex } from '../trace-index';
import { STATE_COLORS, fmtScaledDuration, laneLabel, stateLabel } from './labels';

/** One bar: x is [start, end] in trace ms, y the lane label. */
export interface SwimlaneBar {
  x: [number, number];
  y: string;
  seq: number;
  uid: number;
  state: ConnectionState;
  reason?: string;
  cause?: string;
  /** True while the client is still in this state (the bar ends at the trace's last time). */
  open: boolean;
}

/** One dataset per state (so the legend names the colours). */
export interface SwimlaneDataset {
  state: ConnectionState;
  label: string;
  color: string;
  data: SwimlaneBar[];
}

/** What the swimlane chart draws. */
export interface SwimlaneData {
  lanes: string[];
  datasets: SwimlaneDataset[];
  faults: FaultSpan[];
  /** Segments per uid, in time order (for the hidden table). */
  segments: Array<{ uid: number; bars: SwimlaneBar[] }>;
  endT: number;
  summary: string;
}

function toBar(s: StateSegment, endT: number): SwimlaneBar {
  return {
    x: [s.startT, s.endT ?? Math.max(endT, s.startT)],
    y: laneLabel(s.uid),
    seq: s.seq,
    uid: s.uid,
    state: s.state,
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
    ...(s.cause !== undefined ? { cause: s.cause } : {}),
    open: s.endT === null,
  };
}

/** Builds the swimlanes of every uid with a state record. */
export function buildSwimlanes(index: TraceIndex, vocabulary: Vocabulary): SwimlaneData {
  const endT = index.lastT;
  const uids = [...index.timelines.keys()].sort((a, b) => a - b);
  const byState = new Map<ConnectionState, SwimlaneBar[]>(CONNECTION_STATES.map((s) => [s, []]));
  const segments = uids.map((uid) => {
    const bars = index.timelines.get(uid)!.map((s) => toBar(s, endT));
    for (const bar of bars) byState.get(bar.state)!.push(bar);
    return { uid, bars };
  });
  const datasets = CONNECTION_STATES.filter((s) => byState.get(s)!.length > 0).map((state) => ({
    state,
    label: stateLabel(state, vocabulary),
    color: STATE_COLORS[state],
    data: byState.get(state)!,
  }));
  return {
    lanes: uids.map(laneLabel),
    datasets,
    faults: index.faults,
    segments,
    endT,
    summary: summarize(segments, index.faults.length, vocabulary),
  };
}

function summarize(segments: SwimlaneData['segments'], faults: number, vocabulary: Vocabulary): string {
  if (segments.length === 0) return 'No connection states yet.';
  const parts = segments.map(({ uid, bars }) => {
    const last = bars[bars.length - 1]!;
    const reconnects = bars.filter((b) => b.state === 'RECONNECTING').length;
    return `uid ${uid}: ${bars.length} state change${bars.length === 1 ? '' : 's'}, now ${stateLabel(last.state, vocabulary)}${
      reconnects ? `, ${reconnects} interruption${reconnects === 1 ? '' : 's'}` : ''
    }`;
  });
  return `${parts.join('; ')}. ${faults} fault window${faults === 1 ? '' : 's'}.`;
}

/**
 * Tooltip lines of one bar: state and duration (in the scenario's time for a scaled trace, with
 * the real time beside it), then reason and cause when recorded.
 */
export function swimlaneTooltip(bar: SwimlaneBar, vocabulary: Vocabulary, timeScale = 1): string[] {
  const lines = [
    `${laneLabel(bar.uid)} ${stateLabel(bar.state, vocabulary)} for ${fmtScaledDuration(bar.x[1] - bar.x[0], timeScale)}${bar.open ? ' (still)' : ''}`,
  ];
  if (bar.reason) lines.push(`reason: ${bar.reason}`);
  if (bar.cause) lines.push(`cause: ${bar.cause}`);
  return lines;
}
