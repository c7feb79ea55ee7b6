/**
 * Lanes of an imported trace's peer connections: each PC of a browser dump gets its own lane of
 * the browser's states (the PC's `connectionState` where the dump has it, else the ICE state),
 * coloured by what they mean for the call as the lab's own states are: connected green, on the
 * way (checking / connecting) blue, disconnected amber, failed red, new and closed grey.
 */
import {
  importedPeerConnections,
  isImportedTrace,
  peerConnectionLabel,
} from '../../support/import/peer-connections';
import type { MediaRecord } from '../../trace/records';
import type { TraceIndex } from '../trace-index';
import { STATE_COLORS } from './labels';
import { OUTCOME_COLORS } from './reconnects';

/** The browser states a PC lane can show, in legend order. */
export const PC_LANE_STATES = [
  'new',
  'checking',
  'connecting',
  'connected',
  'completed',
  'disconnected',
  'failed',
  'closed',
] as const;
/** One of {@link PC_LANE_STATES}. */
export type PcLaneState = (typeof PC_LANE_STATES)[number];

/**
 * Colour per browser state, taken from the lab's palette by meaning: connected as CONNECTED, on
 * the way as CONNECTING, disconnected (the browser may still recover) as RECONNECTING, not yet
 * or no longer connected as DISCONNECTED, failed as a failed reconnect attempt.
 */
export const PC_STATE_COLORS: Record<PcLaneState, string> = {
  new: STATE_COLORS.DISCONNECTED,
  checking: STATE_COLORS.CONNECTING,
  connecting: STATE_COLORS.CONNECTING,
  connected: STATE_COLORS.CONNECTED,
  completed: STATE_COLORS.CONNECTED,
  disconnected: STATE_COLORS.RECONNECTING,
  failed: OUTCOME_COLORS.failure,
  closed: STATE_COLORS.DISCONNECTED,
};

/** One stretch of a PC in one browser state (trace ms; `endT` null while still in it). */
export interface PcSegment {
  uid: number;
  state: PcLaneState;
  startT: number;
  endT: number | null;
  seq: number;
  /** Which browser state machine the lane follows. */
  source: 'pc-state' | 'ice-state';
}

/** One imported PC's lane. */
export interface PcLane {
  uid: number;
  label: string;
  segments: PcSegment[];
}

const isLaneState = (v: unknown): v is PcLaneState =>
  typeof v === 'string' && (PC_LANE_STATES as readonly string[]).includes(v);

/** The lanes of every imported PC that has browser states; none for lab traces. */
export function buildPcLanes(index: TraceIndex): PcLane[] {
  const header = index.header;
  if (!header || !isImportedTrace(header)) return [];
  const byUid = new Map<number, MediaRecord[]>();
  for (const r of index.ofType('media')) {
    if (r.uid === null || (r.event !== 'pc-state' && r.event !== 'ice-state')) continue;
    const list = byUid.get(r.uid);
    if (list) list.push(r);
    else byUid.set(r.uid, [r]);
  }
  const lanes: PcLane[] = [];
  for (const pc of importedPeerConnections(header)) {
    const records = byUid.get(pc.uid) ?? [];
    const source = records.some((r) => r.event === 'pc-state') ? 'pc-state' : 'ice-state';
    const segments: PcSegment[] = [];
    for (const r of records) {
      if (r.event !== source || !isLaneState(r.value)) continue;
      const last = segments[segments.length - 1];
      if (last && last.state === r.value) continue;
      if (last) last.endT = r.t;
      segments.push({ uid: pc.uid, state: r.value, startT: r.t, endT: null, seq: r.seq, source });
    }
    if (segments.length > 0) lanes.push({ uid: pc.uid, label: peerConnectionLabel(pc), segments });
  }
  return lanes;
}
