/**
 * Importer of rtcstats dumps (the rtcstats client library's wire format as stored by
 * rtcstats-server, file format 3). Shapes relied on, one JSON value per line:
 *
 * ```
 * RTCStatsDump                                   // optional marker line
 * {"fileFormat":3,"userAgent":"…","url":"…"}     // metadata lines: JSON objects, before any array
 * ["create","PC_0",{iceServers…},1700000000000]  // [method, pcId | null, value, epoch ms]
 * ["oniceconnectionstatechange","PC_0","checking",1700000000100]
 * ["getstats","PC_0",{"<reportId>":{…changed fields…},"timestamp":1700000001000},1700000001000]
 * ```
 *
 * `getstats` values are delta-compressed: each report carries only the fields that changed since
 * the previous `getstats` of that pc (its `id` dropped), a report `timestamp` of 0 means the
 * object's top-level `timestamp`. Full snapshots are rebuilt by merging the deltas.
 *
 * Chromium's own "Download the rtcstats dump" (chrome://webrtc-internals) writes the same lines
 * with three differences, all read here: the time is the entry's *last* element and, after the
 * first entry's epoch ms, counts milliseconds since the previous entry; `create` carries the page
 * URL as a fourth element; `getUserMedia` calls come as `navigator.mediaDevices.getUserMedia…`
 * entries whose id names the request, not a peer connection (they become global records).
 */
import { ImportBuilder, SnapshotTracker, eventRecords, parseTime } from './build';
import type { ImportOptions, ImportResult } from './build';
import type { StatsSnapshot } from './stats';
import { SupportOpenError } from './errors';

/** The file format versions this importer understands. */
export const RTCSTATS_FORMATS: readonly number[] = [1, 2, 3];
/** Times below this (ms) are not epoch times but the time since the previous entry. */
export const EPOCH_MS_MIN = 1e11;
/** The prefix of Chromium's media-device entries (getUserMedia, getDisplayMedia). */
const MEDIA_DEVICES = 'navigator.mediaDevices.';
/** Longest line read; longer lines are skipped with a warning. */
export const MAX_RTCSTATS_LINE_CHARS = 4 * 1024 * 1024;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface PcState {
  uid: number;
  tracker: SnapshotTracker;
  snapshot: StatsSnapshot;
}

function mergeDelta(snap: StatsSnapshot, delta: Json): number | null {
  const top = parseTime(delta.timestamp);
  for (const [id, report] of Object.entries(delta)) {
    if (id === 'timestamp' || !isObject(report)) continue;
    const merged: Json = { ...(snap.get(id) ?? {}), ...report, id };
    if (merged.timestamp === 0 && top !== null) merged.timestamp = top;
    snap.set(id, merged);
  }
  return top;
}

/** The latest epoch-ms `timestamp` of the reports of one `getStats` (Chromium's own dumps have no top-level one). */
function latestReportTime(payload: Json): number | null {
  let latest: number | null = null;
  for (const report of Object.values(payload)) {
    const t = isObject(report) ? parseTime(report.timestamp) : null;
    if (t !== null && t >= EPOCH_MS_MIN && (latest === null || t > latest)) latest = t;
  }
  return latest;
}

/**
 * The steps of importing one rtcstats dump, fed one line at a time ({@link line}), then
 * {@link finish}: the text of a dump ({@link importRtcstats}) and a stream of it
 * ({@link importRtcstatsStream}) go through the same steps.
 */
export class RtcstatsImport {
  private readonly builder: ImportBuilder;
  private readonly pcs = new Map<string, PcState>();
  private readonly urls = new Map<string, string>();
  private readonly meta: Json = {};
  private entries = 0;
  private bad = 0;
  private firstBad = 0;
  private lineNo = 0;
  private lastAt: number | null = null;

  constructor(options: ImportOptions = {}) {
    this.builder = new ImportBuilder('rtcstats', options);
  }

  private skip(lineNo: number): void {
    this.bad++;
    this.firstBad ||= lineNo;
  }

  /**
   * The next line (without its newline; `null` for one longer than the stream reader keeps);
   * `isLast` when the text ends with it, with no newline after it.
   */
  line(raw: string | null, isLast: boolean): void {
    const lineNo = ++this.lineNo;
    const builder = this.builder;
    const line = raw === null ? null : raw.trim();
    if (line === '' || (lineNo === 1 && line === 'RTCStatsDump')) return;
    if (line === null || line.length > MAX_RTCSTATS_LINE_CHARS) {
      builder.warn(`Lines longer than ${MAX_RTCSTATS_LINE_CHARS} characters were skipped.`);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (isLast && this.entries > 0) {
        builder.warn(`The dump is cut off at line ${lineNo}; everything before it was read.`);
      } else this.skip(lineNo);
      return;
    }
    if (isObject(value) && this.entries === 0) {
      const format = value.fileFormat;
      if (typeof format === 'number' && !RTCSTATS_FORMATS.includes(format)) {
        throw new SupportOpenError(
          'NEWER_VERSION',
          `This rtcstats dump has file format ${format}; this version reads formats ${RTCSTATS_FORMATS.join(', ')}. Update Faultline.`,
        );
      }
      Object.assign(this.meta, value);
      return;
    }
    if (!Array.isArray(value) || typeof value[0] !== 'string') return this.skip(lineNo);
    this.entries++;
    const [rawMethod, rawPcId, payload] = value as [string, unknown, unknown];
    const device = rawMethod.startsWith(MEDIA_DEVICES);
    const method = device ? rawMethod.slice(MEDIA_DEVICES.length) : rawMethod;
    const pcId = device ? null : rawPcId;
    const stamp = value.length >= 4 ? parseTime(value[value.length - 1]) : null;
    const lastAt = this.lastAt;
    let at: number | null =
      stamp === null ? null : stamp >= EPOCH_MS_MIN ? stamp : lastAt === null ? null : lastAt + stamp;
    if (at === null) {
      if (lastAt === null) return this.skip(lineNo);
      at = lastAt;
    }
    this.lastAt = at;
    let pc: PcState | null = null;
    if (typeof pcId === 'string' && pcId !== '') {
      pc = this.pcs.get(pcId) ?? null;
      if (!pc) {
        const uid = this.pcs.size + 1;
        pc = { uid, tracker: new SnapshotTracker(builder, uid), snapshot: new Map() };
        this.pcs.set(pcId, pc);
      }
      if (method === 'create' && value.length >= 5 && typeof value[3] === 'string')
        this.urls.set(pcId, value[3].slice(0, 300));
    }
    if (pc && method.toLowerCase() === 'getstats') {
      if (!isObject(payload)) return this.skip(lineNo);
      const top = mergeDelta(pc.snapshot, payload) ?? latestReportTime(payload);
      pc.tracker.push(top ?? at, new Map([...pc.snapshot].map(([k, v]) => [k, { ...v }])));
      return;
    }
    // `create` carries the ICE configuration (credentials) or the machine: only the method is kept.
    for (const record of eventRecords(pc?.uid ?? null, method, method === 'create' ? undefined : payload))
      builder.add(at, record);
  }

  /** The records. Throws `WRONG_FORMAT` when no line was an rtcstats entry. */
  finish(): ImportResult {
    if (this.entries === 0) {
      throw new SupportOpenError(
        'WRONG_FORMAT',
        'This file is not an rtcstats dump: no line is a [method, pcId, value, time] entry.',
      );
    }
    if (this.bad > 0)
      this.builder.warn(
        `${this.bad} lines are not rtcstats entries (first: line ${this.firstBad}); they were skipped.`,
      );
    const env: Record<string, unknown> = {
      peerConnections: Object.fromEntries(
        [...this.pcs].map(([id, pc]) => [String(pc.uid), { id, url: this.urls.get(id) ?? null }]),
      ),
    };
    if (typeof this.meta.userAgent === 'string') env.userAgent = this.meta.userAgent.slice(0, 300);
    if (typeof this.meta.fileFormat === 'number') env.fileFormat = this.meta.fileFormat;
    return this.builder.finish(env);
  }
}

/**
 * Imports the text of an rtcstats dump. Bad lines are skipped with a warning; a last line cut
 * off is reported as truncation. Throws {@link SupportOpenError}: `WRONG_FORMAT` when no line
 * is an rtcstats entry, `NEWER_VERSION` for an unknown `fileFormat`, `TOO_LARGE` past
 * `options.maxRecords`.
 */
export function importRtcstats(text: string, options: ImportOptions = {}): ImportResult {
  const dumpImport = new RtcstatsImport(options);
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    dumpImport.line(text.slice(start, end), end >= text.length);
    start = end + 1;
  }
  return dumpImport.finish();
}

/**
 * {@link importRtcstats} on a text that arrives in pieces, read line by line: only the line being
 * read is held, and a line past {@link MAX_RTCSTATS_LINE_CHARS} (plus room for surrounding
 * blanks) is dropped as it streams by.
 */
export async function importRtcstatsStream(
  chunks: AsyncIterable<string> | Iterable<string>,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const dumpImport = new RtcstatsImport(options);
  const keep = MAX_RTCSTATS_LINE_CHARS + 64 * 1024;
  let pieces: string[] = [];
  let held = 0;
  const take = (piece: string): void => {
    if (held <= keep) pieces.push(piece);
    held += piece.length;
  };
  const line = (): string | null => {
    const text = held > keep ? null : pieces.join('');
    pieces = [];
    held = 0;
    return text;
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      take(chunk.slice(start, nl));
      dumpImport.line(line(), false);
      start = nl + 1;
    }
    if (start < chunk.length) take(chunk.slice(start));
  }
  if (held > 0) dumpImport.line(line(), true);
  return dumpImport.finish();
}
