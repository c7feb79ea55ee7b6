/**
 * Peer events: per observer, a marker for each user-joined / -published / -unpublished / -left
 * it heard, plus the threshold lines remote peers are judged by, drawn from every fault start:
 * `mediaTimeoutMs` (10 s → user-unpublished) and `heartbeatTimeoutMs` (20 s → user-left), both
 * × the trace's timeScale.
 */
import { PEER_EVENTS, type PeerEventName, type Vocabulary } from '../../model/vocabulary';
import type { TraceHeader } from '../../trace/records';
import type { TraceIndex } from '../trace-index';
import { PEER_COLORS, PEER_MARKERS, fmtT, laneLabel, peerLabel } from './labels';

/** Model defaults when the header's config does not say. */
export const DEFAULT_MEDIA_TIMEOUT_MS = 10_000;
/** See {@link DEFAULT_MEDIA_TIMEOUT_MS}. */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 20_000;

/** One marker: x is trace ms, y the observer's lane number. */
export interface PeerPoint {
  x: number;
  y: number;
  seq: number;
  observer: number;
  peer: number;
  event: PeerEventName;
  mediaType?: string;
  reason?: string;
}

/** A threshold line from a fault start. */
export interface ThresholdLine {
  faultId: string;
  rule: 'media' | 'heartbeat';
  t: number;
  label: string;
}

/** What the peer-events chart draws. */
export interface PeerEventsData {
  lanes: string[];
  datasets: Array<{ event: PeerEventName; label: string; color: string; marker: string; data: PeerPoint[] }>;
  thresholds: ThresholdLine[];
  /** Markers per observer, in time order (for the hidden lists). */
  byObserver: Array<{ observer: number; points: PeerPoint[] }>;
  summary: string;
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** The two threshold delays of a trace in real (trace) ms. */
export function thresholdDelays(header: TraceHeader | null): { mediaMs: number; heartbeatMs: number } {
  const scale = header && header.timeScale > 0 ? header.timeScale : 1;
  const config = header?.config ?? {};
  return {
    mediaMs: num(config['mediaTimeoutMs'], DEFAULT_MEDIA_TIMEOUT_MS) * scale,
    heartbeatMs: num(config['heartbeatTimeoutMs'], DEFAULT_HEARTBEAT_TIMEOUT_MS) * scale,
  };
}

/** Threshold lines for every fault start (client and server faults). */
export function buildThresholds(index: TraceIndex): ThresholdLine[] {
  const { mediaMs, heartbeatMs } = thresholdDelays(index.header);
  const scale = index.header && index.header.timeScale > 0 ? index.header.timeScale : 1;
  const out: ThresholdLine[] = [];
  for (const f of index.faults) {
    out.push({
      faultId: f.id,
      rule: 'media',
      t: f.startT + mediaMs,
      label: `${f.id} +${Math.round(mediaMs / scale / 1000)} s: unpublished due`,
    });
    out.push({
      faultId: f.id,
      rule: 'heartbeat',
      t: f.startT + heartbeatMs,
      label: `${f.id} +${Math.round(heartbeatMs / scale / 1000)} s: left due`,
    });
  }
  return out;
}

/** Builds the markers and thresholds. */
export function buildPeerEvents(index: TraceIndex, vocabulary: Vocabulary): PeerEventsData {
  const observers = [...index.peerEvents.keys()].sort((a, b) => a - b);
  const lane = new Map(observers.map((o, i) => [o, i]));
  const byEvent = new Map<PeerEventName, PeerPoint[]>(PEER_EVENTS.map((e) => [e, []]));
  const byObserver = observers.map((observer) => {
    const points = index.peerEvents.get(observer)!.map((r): PeerPoint => ({
      x: r.t,
      y: lane.get(observer)!,
      seq: r.seq,
      observer,
      peer: r.peer,
      event: r.event,
      ...(r.mediaType !== undefined ? { mediaType: r.mediaType } : {}),
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
    }));
    for (const p of points) byEvent.get(p.event)!.push(p);
    return { observer, points };
  });
  const datasets = PEER_EVENTS.filter((e) => byEvent.get(e)!.length > 0).map((event) => ({
    event,
    label: peerLabel(event, vocabulary),
    color: PEER_COLORS[event],
    marker: PEER_MARKERS[event],
    data: byEvent.get(event)!,
  }));
  return {
    lanes: observers.map(laneLabel),
    datasets,
    thresholds: buildThresholds(index),
    byObserver,
    summary: summarize(byObserver, vocabulary),
  };
}

function summarize(byObserver: PeerEventsData['byObserver'], vocabulary: Vocabulary): string {
  if (byObserver.length === 0) return 'No peer events yet.';
  return (
    byObserver
      .map(({ observer, points }) => {
        const counts = PEER_EVENTS.map((e) => [e, points.filter((p) => p.event === e).length] as const)
          .filter(([, n]) => n > 0)
          .map(([e, n]) => `${n} ${peerLabel(e, vocabulary)}`);
        return `uid ${observer} saw ${counts.join(', ')}`;
      })
      .join('; ') + '.'
  );
}

/** Tooltip lines of one marker. */
export function peerTooltip(p: PeerPoint, vocabulary: Vocabulary): string[] {
  const lines = [
    `uid ${p.observer} saw ${peerLabel(p.event, vocabulary)} of uid ${p.peer}${p.mediaType ? ` (${p.mediaType})` : ''}`,
    `at ${fmtT(p.x)}`,
  ];
  if (p.reason) lines.push(`reason: ${p.reason}`);
  return lines;
}
