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
import type { ImportResult } from './build';
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
 * Imports the text of an rtcstats dump. Bad lines are skipped with a warning; a last line cut
 * off is reported as truncation. Throws {@link SupportOpenError}: `WRONG_FORMAT` when no line
 * is an rtcstats entry, `NEWER_VERSION` for an unknown `fileFormat`.
 */
export function importRtcstats(text: string): ImportResult {
  const builder = new ImportBuilder('rtcstats');
  const pcs = new Map<string, PcState>();
  const urls = new Map<string, string>();
  const meta: Json = {};
  let entries = 0;
  let bad = 0;
  let firstBad = 0;
  let lineNo = 0;
  let start = 0;
  let lastAt: number | null = null;
  const endsWithNewline = /\n\s*$/.test(text);
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    const isLast = end >= text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '' || (lineNo === 1 && line === 'RTCStatsDump')) continue;
    if (line.length > MAX_RTCSTATS_LINE_CHARS) {
      builder.warn(`Lines longer than ${MAX_RTCSTATS_LINE_CHARS} characters were skipped.`);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (isLast && !endsWithNewline && entries > 0) {
        builder.warn(`The dump is cut off at line ${lineNo}; everything before it was read.`);
      } else {
        bad++;
        firstBad ||= lineNo;
      }
      continue;
    }
    if (isObject(value) && entries === 0) {
      const format = value.fileFormat;
      if (typeof format === 'number' && !RTCSTATS_FORMATS.includes(format)) {
        throw new SupportOpenError(
          'NEWER_VERSION',
          `This rtcstats dump has file format ${format}; this version reads formats ${RTCSTATS_FORMATS.join(', ')}. Update Faultline.`,
        );
      }
      Object.assign(meta, value);
      continue;
    }
    if (!Array.isArray(value) || typeof value[0] !== 'string') {
      bad++;
      firstBad ||= lineNo;
      continue;
    }
    entries++;
    const [rawMethod, rawPcId, payload] = value as [string, unknown, unknown];
    const device = rawMethod.startsWith(MEDIA_DEVICES);
    const method = device ? rawMethod.slice(MEDIA_DEVICES.length) : rawMethod;
    const pcId = device ? null : rawPcId;
    const stamp = value.length >= 4 ? parseTime(value[value.length - 1]) : null;
    let at: number | null =
      stamp === null ? null : stamp >= EPOCH_MS_MIN ? stamp : lastAt === null ? null : lastAt + stamp;
    if (at === null) {
      if (lastAt === null) {
        bad++;
        firstBad ||= lineNo;
        continue;
      }
      at = lastAt;
    }
    lastAt = at;
    let pc: PcState | null = null;
    if (typeof pcId === 'string' && pcId !== '') {
      pc = pcs.get(pcId) ?? null;
      if (!pc) {
        const uid = pcs.size + 1;
        pc = { uid, tracker: new SnapshotTracker(builder, uid), snapshot: new Map() };
        pcs.set(pcId, pc);
      }
      if (method === 'create' && value.length >= 5 && typeof value[3] === 'string')
        urls.set(pcId, value[3].slice(0, 300));
    }
    if (pc && method.toLowerCase() === 'getstats') {
      if (!isObject(payload)) {
        bad++;
        firstBad ||= lineNo;
        continue;
      }
      const top = mergeDelta(pc.snapshot, payload) ?? latestReportTime(payload);
      pc.tracker.push(top ?? at, new Map([...pc.snapshot].map(([k, v]) => [k, { ...v }])));
      continue;
    }
    // `create` carries the ICE configuration (credentials) or the machine: only the method is kept.
    for (const record of eventRecords(pc?.uid ?? null, method, method === 'create' ? undefined : payload))
      builder.add(at, record);
  }
  if (entries === 0) {
    throw new SupportOpenError(
      'WRONG_FORMAT',
      'This file is not an rtcstats dump: no line is a [method, pcId, value, time] entry.',
    );
  }
  if (bad > 0)
    builder.warn(`${bad} lines are not rtcstats entries (first: line ${firstBad}); they were skipped.`);
  const env: Record<string, unknown> = {
    peerConnections: Object.fromEntries(
      [...pcs].map(([id, pc]) => [String(pc.uid), { id, url: urls.get(id) ?? null }]),
    ),
  };
  if (typeof meta.userAgent === 'string') env.userAgent = meta.userAgent.slice(0, 300);
  if (typeof meta.fileFormat === 'number') env.fileFormat = meta.fileFormat;
  return builder.finish(env);
}
