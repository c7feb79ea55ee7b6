/**
 * The two CSV files of a support bundle (RFC 4180: CRLF line ends, fields with a comma, quote or
 * line break quoted, quotes doubled): `stats.csv` for stats records, `events.csv` for every other
 * record with a one-line summary and, as JSON, the fields that the summary does not show.
 */
import { fromPeersOf } from '../../../shared/trace/received';
import type { TraceRecord } from '../../../shared/trace/records';

/** Columns of `stats.csv`. */
export const STATS_COLUMNS = [
  'seq',
  't',
  'uid',
  'rttMs',
  'lossPct',
  'jitterMs',
  'sendKbps',
  'recvKbps',
  'candidatePair',
  'receivedFrom',
] as const;
/** Columns of `events.csv`. */
export const EVENT_COLUMNS = ['seq', 't', 'type', 'uid', 'summary', 'detail'] as const;

/** What a spreadsheet takes for a formula at the start of a cell (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** What makes RFC 4180 quote a field. */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One field, quoted when RFC 4180 requires it (null and undefined become empty). A text that a
 * spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or CR first) gets a leading `'`;
 * numbers stay numbers.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  // A number's text has no quote, comma or line break, and stays a number (no formula guard).
  if (typeof value === 'number') return String(value);
  let s = typeof value === 'string' ? value : String(value);
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV row with its CRLF. */
export function csvRow(values: readonly unknown[]): string {
  let row = '';
  for (let i = 0; i < values.length; i++) row += (i === 0 ? '' : ',') + csvField(values[i]);
  return `${row}\r\n`;
}

/** A person-readable one-liner for a record (the trace's own vocabulary). */
export function summarize(r: TraceRecord): string {
  switch (r.type) {
    case 'state':
      return `${r.from} → ${r.to}${r.reason ? ` (${r.reason})` : ''}${r.cause ? ` ${r.cause}` : ''}`;
    case 'peer':
      return `${r.event} peer ${r.peer}${r.mediaType ? ` ${r.mediaType}` : ''}${r.reason ? ` (${r.reason})` : ''}`;
    case 'reconnect':
      return `attempt ${r.attempt} ${r.phase}${r.delayMs !== undefined ? ` in ${r.delayMs} ms` : ''}${r.error ? `: ${r.error}` : ''}`;
    case 'media':
      return `${r.event}${r.pc ? ` ${r.pc}` : ''}${r.value !== undefined ? ` ${r.value}` : ''}`;
    case 'signal':
      return `${r.dir} ${r.msg}`;
    case 'fault':
      return `${r.kind} ${r.phase} (${r.id})`;
    case 'mark':
      return r.label;
    case 'log':
      return `${r.level}: ${r.msg}`;
    case 'stats':
      return `rtt ${r.rttMs ?? '-'} ms, loss ${r.lossPct ?? '-'} %`;
    case 'stall':
      return `${r.source} event loop stalled ${r.ms} ms`;
  }
}

/** The fields each type's summary shows whole, which the detail column therefore leaves out. */
const IN_SUMMARY: ReadonlyMap<string, ReadonlySet<string>> = new Map<TraceRecord['type'], Set<string>>([
  ['state', new Set(['from', 'to', 'reason', 'cause'])],
  ['peer', new Set(['event', 'peer', 'mediaType', 'reason'])],
  ['reconnect', new Set(['attempt', 'phase', 'delayMs', 'error'])],
  ['media', new Set(['event', 'pc', 'value'])],
  ['signal', new Set(['dir', 'msg'])],
  ['fault', new Set(['kind', 'phase', 'id'])],
  ['mark', new Set(['label'])],
  ['log', new Set(['level', 'msg'])],
  ['stats', new Set()],
  ['stall', new Set(['source', 'ms'])],
]);
const NOTHING_SHOWN: ReadonlySet<string> = new Set();
const ROW_COLUMNS = new Set(['seq', 't', 'type', 'uid']);

/**
 * The record's fields that neither the row's own columns nor its summary show, as JSON; empty
 * when there are none (a `signal` record's `dir` and `msg` are all in its summary).
 */
function detail(r: TraceRecord): string {
  const shown = IN_SUMMARY.get(r.type) ?? NOTHING_SHOWN;
  const fields = r as unknown as Record<string, unknown>;
  let rest: Record<string, unknown> | null = null;
  for (const key of Object.keys(fields)) {
    if (ROW_COLUMNS.has(key) || shown.has(key) || fields[key] === undefined) continue;
    (rest ??= {})[key] = fields[key];
  }
  return rest === null ? '' : JSON.stringify(rest);
}

/**
 * The `receivedFrom` column: packets the sub PC received so far per publisher and kind
 * (`raw.sub.fromPeers`), as `uid 1: audio 194, video 123; uid 3: audio 30`.
 */
function receivedFrom(r: TraceRecord): string {
  return [...(fromPeersOf(r) ?? [])]
    .map(([uid, counts]) => {
      const kinds = Object.entries(counts).map(([kind, n]) => `${kind} ${String(n)}`);
      return `uid ${uid}: ${kinds.join(', ')}`;
    })
    .join('; ');
}

/** Rows per chunk of the streamed CSV files. */
const ROWS_PER_CHUNK = 2000;

/** Joins `rows` into chunks of {@link ROWS_PER_CHUNK} rows, header first. */
function* chunked(header: string, rows: Iterable<string>): Generator<string> {
  let chunk = header;
  let n = 0;
  for (const row of rows) {
    chunk += row;
    if (++n % ROWS_PER_CHUNK === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/**
 * The `stats.csv` row of a stats record (with its CRLF): the figures, the selected candidate
 * pair, and what the client received from each publisher.
 */
export function statsRow(r: Extract<TraceRecord, { type: 'stats' }>): string {
  const pair = r.raw?.['candidatePair'];
  return csvRow([
    r.seq,
    r.t,
    r.uid,
    r.rttMs,
    r.lossPct,
    r.jitterMs,
    r.sendKbps,
    r.recvKbps,
    typeof pair === 'string' ? pair : '',
    receivedFrom(r),
  ]);
}

/** The `events.csv` row of a record that is not stats (with its CRLF). */
export function eventRow(r: TraceRecord): string {
  // The same cells as csvRow([seq, t, type, uid, summary, detail]), without the array and the
  // checks a number or a known type name cannot fail (a million rows in a big export).
  const known = typeof r.seq === 'number' && typeof r.t === 'number' && IN_SUMMARY.has(r.type);
  if (!known) return csvRow([r.seq, r.t, r.type, r.uid, summarize(r), detail(r)]);
  const uid = typeof r.uid === 'number' ? String(r.uid) : csvField(r.uid);
  return `${r.seq},${r.t},${r.type},${uid},${csvField(summarize(r))},${csvField(detail(r))}\r\n`;
}

/** The header row of `stats.csv`. */
export const STATS_HEADER = csvRow(STATS_COLUMNS);
/** The header row of `events.csv`. */
export const EVENTS_HEADER = csvRow(EVENT_COLUMNS);

function* statsRows(records: readonly TraceRecord[]): Generator<string> {
  for (const r of records) if (r.type === 'stats') yield statsRow(r);
}

function* eventRows(records: readonly TraceRecord[]): Generator<string> {
  for (const r of records) if (r.type !== 'stats') yield eventRow(r);
}

/**
 * `stats.csv` in chunks of rows, as a bundle streams it: header row, then one row per stats
 * record: the figures, the selected candidate pair, and what the client received from each
 * publisher.
 */
export function statsCsvChunks(records: readonly TraceRecord[]): Iterable<string> {
  return chunked(STATS_HEADER, statsRows(records));
}

/** `events.csv` in chunks of rows: header row, then one row per record that is not stats. */
export function eventsCsvChunks(records: readonly TraceRecord[]): Iterable<string> {
  return chunked(EVENTS_HEADER, eventRows(records));
}

/** `stats.csv` as one string (see {@link statsCsvChunks}). */
export function statsCsv(records: readonly TraceRecord[]): string {
  return [...statsCsvChunks(records)].join('');
}

/** `events.csv` as one string (see {@link eventsCsvChunks}). */
export function eventsCsv(records: readonly TraceRecord[]): string {
  return [...eventsCsvChunks(records)].join('');
}
