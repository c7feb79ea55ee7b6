/**
 * One line per interesting record, for a person watching a headless run: state changes,
 * peer events, reconnect attempts, faults, media recoveries, marks, warnings and errors.
 * Stats and signal records are left out (too many); they stay in the trace.
 */
import type { TraceRecord, Vocabulary } from '../shared';
import { describeStall, peerEventName, stateName } from '../shared';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2).padStart(7)}s`;

/**
 * A line for a record, or null when the record is not worth a line. `timeScale` (the run's)
 * turns a stall's real milliseconds into the model time they amount to.
 */
export function describeRecord(
  r: TraceRecord,
  vocabulary: Vocabulary = 'current',
  timeScale = 1,
): string | null {
  const who = r.uid === null ? 'lab  ' : `uid ${r.uid}`;
  const at = `[${seconds(r.t)}] ${who}`;
  switch (r.type) {
    case 'state': {
      const detail = [r.reason, r.cause].filter(Boolean).join(', ');
      return `${at} ${stateName(r.from, vocabulary)} → ${stateName(r.to, vocabulary)}${detail ? ` (${detail})` : ''}`;
    }
    case 'peer':
      return `${at} sees ${peerEventName(r.event, vocabulary)} of uid ${r.peer}${r.mediaType ? ` ${r.mediaType}` : ''}${r.reason ? ` (${r.reason})` : ''}`;
    case 'reconnect':
      return `${at} reconnect #${r.attempt} ${r.phase}${r.delayMs !== undefined ? ` in ${Math.round(r.delayMs)} ms` : ''}${r.error ? `: ${r.error}` : ''}`;
    case 'fault': {
      const target =
        r.target.uid === null ? 'server' : `uid ${r.target.uid}${r.target.path ? ` ${r.target.path}` : ''}`;
      return `${at} fault ${r.id} ${r.kind} on ${target} ${r.phase === 'start' ? 'starts' : 'ends'}`;
    }
    case 'media':
      return r.event === 'media-reconnect-start' || r.event === 'media-reconnect-end'
        ? `${at} ${r.event}${r.pc ? ` (${r.pc})` : ''}`
        : null;
    case 'mark':
      return `${at} ── ${r.label}`;
    case 'stall':
      return `${at} warning: ${describeStall(r, timeScale)}; verdicts around it are unreliable`;
    case 'log':
      if (r.level === 'warn' || r.level === 'error') return `${at} ${r.level}: ${r.msg}`;
      return r.msg.startsWith('step ') ? `${at} ${r.msg}` : null;
    default:
      return null;
  }
}
