/** Names and colours every chart and table shares, in the chosen vocabulary. */
import type { ConnectionState } from '../../model/states';
import {
  LEGACY_STATE_CODES,
  peerEventName,
  stateName,
  type PeerEventName,
  type Vocabulary,
} from '../../model/vocabulary';

export { CONNECTION_STATES } from '../../model/states';
export { PEER_EVENTS } from '../../model/vocabulary';

/** Colour per connection state (readable on dark and light backgrounds). */
export const STATE_COLORS: Record<ConnectionState, string> = {
  CONNECTED: '#2f9e5b',
  CONNECTING: '#3b82f6',
  RECONNECTING: '#f59e0b',
  DISCONNECTING: '#a855f7',
  DISCONNECTED: '#8b93a1',
};

/** Colour per peer event. */
export const PEER_COLORS: Record<PeerEventName, string> = {
  'user-joined': '#2f9e5b',
  'user-published': '#3b82f6',
  'user-unpublished': '#f59e0b',
  'user-left': '#e5484d',
};

/** Marker per peer event (Chart.js point styles). */
export const PEER_MARKERS: Record<PeerEventName, string> = {
  'user-joined': 'triangle',
  'user-published': 'circle',
  'user-unpublished': 'crossRot',
  'user-left': 'rectRot',
};

/** Colours of a series per uid (cycled). */
export const UID_COLORS = [
  '#3b82f6',
  '#f59e0b',
  '#2f9e5b',
  '#e5484d',
  '#a855f7',
  '#14b8a6',
  '#ec4899',
  '#84cc16',
];

/** Colour of `uid`'s series. */
export function uidColor(uid: number): string {
  return UID_COLORS[Math.abs(uid) % UID_COLORS.length]!;
}

/** A state's name in the vocabulary; legacy adds its code ("CONNECTING (2)"). */
export function stateLabel(state: ConnectionState, vocabulary: Vocabulary): string {
  const name = stateName(state, vocabulary);
  return vocabulary === 'legacy' ? `${name} (${LEGACY_STATE_CODES[name]})` : name;
}

/** A peer event's name in the vocabulary. */
export function peerLabel(event: PeerEventName, vocabulary: Vocabulary): string {
  return peerEventName(event, vocabulary);
}

/** "uid 2" */
export function laneLabel(uid: number): string {
  return `uid ${uid}`;
}

/** Milliseconds as "12.3 s" or "450 ms". */
export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  if (abs >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (abs >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.round(ms)} ms`;
}

/**
 * A duration measured in trace (real) ms, read in the scenario's time: at time scale 0.1 a
 * 405 ms real interval reads "4.05 s (405 ms real)", as the findings say it; at scale 1 just
 * "405 ms".
 */
export function fmtScaledDuration(realMs: number, timeScale: number): string {
  if (timeScale === 1 || !(timeScale > 0)) return fmtDuration(realMs);
  return `${fmtDuration(realMs / timeScale)} (${fmtDuration(realMs)} real)`;
}

/** An axis tick: trace time `t` (real ms) in scenario seconds. */
export function axisSeconds(t: number, timeScale: number): string {
  const scale = timeScale > 0 ? timeScale : 1;
  return `${(t / scale / 1000).toFixed(1)} s`;
}

/**
 * A value axis tick: at most two decimals, thousands grouped with commas ("2,500", "0.25").
 * Written by hand because the charts' default goes through `Intl.NumberFormat`, whose first
 * formatter costs about 20 ms of the dashboard's start.
 */
export function axisNumber(v: number): string {
  if (!Number.isFinite(v)) return '';
  const [whole, fraction] = String(Math.round(v * 100) / 100).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+$)/g, ',');
  return fraction ? `${grouped}.${fraction}` : grouped;
}

/** A moment for a tooltip: "at 4.05 s" (scale 1) or "at 4.05 s (0.405 s real)". */
export function fmtMoment(t: number, timeScale: number): string {
  const scale = timeScale > 0 ? timeScale : 1;
  const model = `at ${(t / scale / 1000).toFixed(3)} s`;
  return scale === 1 ? model : `${model} (${(t / 1000).toFixed(3)} s real)`;
}

/** Trace time as "t = 12.345 s". */
export function fmtT(t: number): string {
  return `${(t / 1000).toFixed(3)} s`;
}
