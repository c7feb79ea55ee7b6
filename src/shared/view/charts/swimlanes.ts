/**
 * State swimlanes: one lane per local uid, one floating bar per stretch in a state, coloured by
 * state; fault windows shaded behind. An imported browser dump adds one lane per peer connection
 * with the browser's own states (see pc-lanes). Also the plain segment list the page renders as
 * an accessible table (and end-to-end tests read).
 */
import { CONNECTION_STATES, type ConnectionState } from '../../model/states';
import type { Vocabulary } from '../../model/vocabulary';
import type { FaultSpan, StateSegment, TraceIndex } from '../trace-index';
import { STATE_COLORS, fmtScaledDuration, laneLabel, stateLabel } from './labels';
import { PC_LANE_STATES, PC_STATE_COLORS, buildPcLanes, type PcLaneState, type PcSegment } from './pc-lanes';

/** What a lane follows: the lab's connection-state model, or an imported PC's browser states. */
export type LaneKind = 'model' | 'pc';

/** One bar: x is [start, end] in trace ms, y the lane label. */
export interface SwimlaneBar {
  x: [number, number];
  y: string;
  seq: number;
  uid: number;
  kind: LaneKind;
  /** A lab connection state (`kind` model) or a browser PC/ICE state (`kind` pc). */
  state: ConnectionState | PcLaneState;
  reason?: string;
  cause?: string;
  /** True while the client is still in this state (the bar ends at the trace's last time). */
  open: boolean;
}

/** One dataset per state (so the legend names the colours). */
export interface SwimlaneDataset {
  kind: LaneKind;
  state: ConnectionState | PcLaneState;
  label: string;
  color: string;
  data: SwimlaneBar[];
}

/** What the swimlane chart draws. */
export interface SwimlaneData {
  lanes: string[];
  datasets: SwimlaneDataset[];
  faults: FaultSpan[];
  /** Segments per lane, in time order (for the hidden table): the lab's uids, then imported PCs. */
  segments: Array<{ uid: number; kind: LaneKind; label: string; bars: SwimlaneBar[] }>;
  endT: number;
  summary: string;
}

function toBar(s: StateSegment, endT: number): SwimlaneBar {
  return {
    x: [s.startT, s.endT ?? Math.max(endT, s.startT)],
    y: laneLabel(s.uid),
    seq: s.seq,
    uid: s.uid,
    kind: 'model',
    state: s.state,
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
    ...(s.cause !== undefined ? { cause: s.cause } : {}),
    open: s.endT === null,
  };
}

function pcBar(s: PcSegment, lane: string, endT: number): SwimlaneBar {
  return {
    x: [s.startT, s.endT ?? Math.max(endT, s.startT)],
    y: lane,
    seq: s.seq,
    uid: s.uid,
    kind: 'pc',
    state: s.state,
    ...(s.source === 'ice-state' ? { cause: 'ICE state (the dump has no PC state)' } : {}),
    open: s.endT === null,
  };
}

/** A bar's state as the legend and tooltips name it. */
export function barStateLabel(bar: Pick<SwimlaneBar, 'kind' | 'state'>, vocabulary: Vocabulary): string {
  return bar.kind === 'pc' ? `PC ${bar.state}` : stateLabel(bar.state as ConnectionState, vocabulary);
}

/** Builds the swimlanes of every uid with a state record, then of every imported PC. */
export function buildSwimlanes(index: TraceIndex, vocabulary: Vocabulary): SwimlaneData {
  const endT = index.lastT;
  const uids = [...index.timelines.keys()].sort((a, b) => a - b);
  const byState = new Map<ConnectionState, SwimlaneBar[]>(CONNECTION_STATES.map((s) => [s, []]));
  const segments: SwimlaneData['segments'] = uids.map((uid) => {
    const bars = index.timelines.get(uid)!.map((s) => toBar(s, endT));
    for (const bar of bars) byState.get(bar.state as ConnectionState)!.push(bar);
    return { uid, kind: 'model' as const, label: laneLabel(uid), bars };
  });
  const datasets: SwimlaneDataset[] = CONNECTION_STATES.filter((s) => byState.get(s)!.length > 0).map(
    (state) => ({
      kind: 'model' as const,
      state,
      label: stateLabel(state, vocabulary),
      color: STATE_COLORS[state],
      data: byState.get(state)!,
    }),
  );
  const pcLanes = buildPcLanes(index);
  const byPcState = new Map<PcLaneState, SwimlaneBar[]>(PC_LANE_STATES.map((s) => [s, []]));
  for (const lane of pcLanes) {
    const bars = lane.segments.map((s) => pcBar(s, lane.label, endT));
    for (const bar of bars) byPcState.get(bar.state as PcLaneState)!.push(bar);
    segments.push({ uid: lane.uid, kind: 'pc', label: lane.label, bars });
  }
  for (const state of PC_LANE_STATES) {
    const data = byPcState.get(state)!;
    if (data.length > 0)
      datasets.push({ kind: 'pc', state, label: `PC ${state}`, color: PC_STATE_COLORS[state], data });
  }
  return {
    lanes: segments.map((s) => s.label),
    datasets,
    faults: index.faults,
    segments,
    endT,
    summary: summarize(segments, index.faults.length, vocabulary),
  };
}

function summarize(segments: SwimlaneData['segments'], faults: number, vocabulary: Vocabulary): string {
  if (segments.length === 0) return 'No connection states yet.';
  const parts = segments.map(({ label, kind, bars }) => {
    const last = bars[bars.length - 1]!;
    const troubled = kind === 'pc' ? 'disconnected' : 'RECONNECTING';
    const reconnects = bars.filter((b) => b.state === troubled).length;
    return `${label}: ${bars.length} state change${bars.length === 1 ? '' : 's'}, now ${barStateLabel(last, vocabulary)}${
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
    `${bar.y} ${barStateLabel(bar, vocabulary)} for ${fmtScaledDuration(bar.x[1] - bar.x[0], timeScale)}${bar.open ? ' (still)' : ''}`,
  ];
  if (bar.reason) lines.push(`reason: ${bar.reason}`);
  if (bar.cause) lines.push(`cause: ${bar.cause}`);
  return lines;
}
