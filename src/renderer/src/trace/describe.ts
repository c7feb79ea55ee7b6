/**
 * One line of text per record for the event log (in the chosen vocabulary), and the log's
 * filter (uid, type, free text).
 */
import { stateName, peerEventName, type Vocabulary } from '../../../shared/model/vocabulary';
import type { RecordType, TraceRecord } from '../../../shared/trace/records';
import { stallSubject } from '../../../shared/model/stalls';

/** What a record says, in a few words. */
export function describeRecord(r: TraceRecord, vocabulary: Vocabulary): string {
  switch (r.type) {
    case 'state': {
      const base = `${stateName(r.from, vocabulary)} → ${stateName(r.to, vocabulary)}`;
      const legacyConnected = vocabulary === 'legacy' && r.to === 'CONNECTED' ? ' (connected)' : '';
      const extra = [r.reason && `reason ${r.reason}`, r.cause && `cause ${r.cause}`]
        .filter(Boolean)
        .join(', ');
      return `${base}${legacyConnected}${extra ? ` — ${extra}` : ''}`;
    }
    case 'peer':
      return `${peerEventName(r.event, vocabulary)} uid ${r.peer}${r.mediaType ? ` (${r.mediaType})` : ''}${r.reason ? ` — ${r.reason}` : ''}`;
    case 'reconnect':
      return `attempt ${r.attempt} ${r.phase}${r.delayMs !== undefined ? ` after ${r.delayMs} ms` : ''}${r.error ? ` — ${r.error}` : ''}`;
    case 'media':
      return `${r.event}${r.pc ? ` ${r.pc}` : ''}${r.value ? ` ${r.value}` : ''}`;
    case 'signal':
      return `${r.dir === 'tx' ? 'sent' : 'received'} ${r.msg}`;
    case 'stats':
      return [
        r.rttMs !== null && `rtt ${r.rttMs} ms`,
        r.lossPct !== null && `loss ${r.lossPct} %`,
        r.jitterMs !== null && `jitter ${r.jitterMs} ms`,
        r.sendKbps !== null && `send ${r.sendKbps} kbps`,
        r.recvKbps !== null && `recv ${r.recvKbps} kbps`,
      ]
        .filter(Boolean)
        .join(', ');
    case 'fault': {
      const target = r.target.uid === null ? 'server' : `uid ${r.target.uid}`;
      const where = [r.target.path, r.target.direction].filter(Boolean).join(' ');
      const params = Object.entries(r.params)
        .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
        .join(' ');
      return `${r.id} ${r.kind} ${r.phase} on ${target}${where ? ` (${where})` : ''}${params ? ` ${params}` : ''}`;
    }
    case 'mark':
      return `mark: ${r.label}`;
    case 'log':
      return `${r.level}: ${r.msg}`;
    case 'stall':
      return `${stallSubject(r.source, r.uid)} stalled ${Math.round(r.ms)} ms (real): what it overlaps is unreliable`;
    default:
      return '';
  }
}

/** The event log's filter; empty fields match everything. */
export interface RecordFilter {
  uid: number | 'all' | 'lab';
  type: RecordType | 'all';
  text: string;
}

/** True when the filter matches every record. */
export function isEmptyFilter(f: RecordFilter): boolean {
  return f.uid === 'all' && f.type === 'all' && f.text.trim() === '';
}

/** The matching records, in order (callers pass the narrowest list they hold, e.g. by type). */
export function filterRecords(
  records: readonly TraceRecord[],
  filter: RecordFilter,
  vocabulary: Vocabulary,
): TraceRecord[] {
  const text = filter.text.trim().toLowerCase();
  const uid = filter.uid === 'lab' ? null : filter.uid;
  const out: TraceRecord[] = [];
  for (const r of records) {
    if (filter.type !== 'all' && r.type !== filter.type) continue;
    if (filter.uid !== 'all' && r.uid !== uid) continue;
    if (text && !`${r.type} ${r.uid ?? ''} ${describeRecord(r, vocabulary)}`.toLowerCase().includes(text))
      continue;
    out.push(r);
  }
  return out;
}
