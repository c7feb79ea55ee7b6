/**
 * Importer of Chrome's `chrome://webrtc-internals` "Create dump" JSON. Shapes relied on:
 *
 * ```
 * { "UserAgent"?: string,
 *   "getUserMedia"?: [{ "origin", "audio", "video", "timestamp"?, "error"?,
 *                       "error_message"? (Chromium) | "errorMessage"? }],
 *   "PeerConnections": { [pcKey]: {
 *       "url"?: string,
 *       "updateLog": [{ "timestamp": epoch-ms number (current Chrome),
 *                       "time": epoch-ms number | numeric string | date string (older Chrome),
 *                       "type": "iceconnectionstatechange" | "connectionstatechange" | …,
 *                       "value": string }],
 *       "stats": { "<reportId>-<statName>": {
 *           "statsType": "candidate-pair" | "inbound-rtp" | …,
 *           "startTime": time, "endTime": time,
 *           "values": "[v0, v1, …]"  // a JSON array *encoded as a string*
 *       } } } } }
 * ```
 *
 * Sample times come from the `<reportId>-timestamp` series when present, else are spread evenly
 * from `startTime` to `endTime`; remote-inbound/outbound reports (whose timestamp is the RTCP
 * report's) take the local sampling times, newest last. Samples of all reports within
 * {@link BUCKET_MS} are one snapshot.
 */
import { ImportBuilder, SnapshotTracker, eventRecords, parseTime } from './build';
import type { PeerConnectionEntry } from './peer-connections';
import type { ImportResult } from './build';
import type { StatsSnapshot } from './stats';
import { SupportOpenError } from './errors';

/** Samples closer than this (ms) belong to the same snapshot (Chrome samples every ~1 s). */
export const BUCKET_MS = 500;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when a parsed JSON value looks like a webrtc-internals dump. */
export function isWebrtcInternalsDump(value: unknown): boolean {
  return isObject(value) && isObject(value.PeerConnections);
}

interface Series {
  times: number[];
  fields: Map<string, unknown[]>;
  type: string;
}

function decodeValues(raw: unknown): unknown[] | null {
  if (Array.isArray(raw)) return raw;
  if (typeof raw !== 'string') return null;
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** Reports whose `timestamp` is the far end's (when its RTCP report arrived), not the sample's. */
const REMOTE_TYPES = new Set(['remote-inbound-rtp', 'remote-outbound-rtp']);

/**
 * The PC's sampling times: the longest all-numeric `timestamp` series of a local report (each
 * getStats appends one value to every report present then, so the newest values line up).
 */
function samplingClock(byReport: Map<string, Series>): number[] | null {
  let best: number[] | null = null;
  for (const s of byReport.values()) {
    if (REMOTE_TYPES.has(s.type)) continue;
    const stamps = s.fields.get('timestamp');
    if (!stamps || !stamps.every((v) => typeof v === 'number')) continue;
    if (!best || stamps.length > best.length) best = stamps as number[];
  }
  return best;
}

function collectSeries(stats: Json, builder: ImportBuilder): Map<string, Series> {
  const byReport = new Map<string, Series>();
  const ranges = new Map<string, { start: number; end: number; n: number }>();
  for (const [key, entry] of Object.entries(stats)) {
    const dash = key.lastIndexOf('-');
    if (dash <= 0 || !isObject(entry)) continue;
    const id = key.slice(0, dash);
    const field = key.slice(dash + 1);
    const values = decodeValues(entry.values);
    if (!values) {
      builder.warn(`Some stats series could not be read (e.g. "${key.slice(0, 80)}"); they were skipped.`);
      continue;
    }
    let s = byReport.get(id);
    if (!s) {
      s = { times: [], fields: new Map(), type: typeof entry.statsType === 'string' ? entry.statsType : '' };
      byReport.set(id, s);
    }
    s.fields.set(field, values);
    const start = parseTime(entry.startTime);
    const end = parseTime(entry.endTime);
    if (start !== null && end !== null && !ranges.has(id)) ranges.set(id, { start, end, n: values.length });
  }
  const clock = samplingClock(byReport);
  for (const [id, s] of byReport) {
    const stamps = s.fields.get('timestamp');
    const n = [...s.fields.values()][0]?.length ?? 0;
    if (REMOTE_TYPES.has(s.type) && clock && n <= clock.length) {
      // A remote report's own timestamp is when its RTCP arrived; it was sampled with the rest.
      s.times = clock.slice(clock.length - n);
      continue;
    }
    if (stamps && stamps.every((v) => typeof v === 'number')) {
      s.times = stamps as number[];
      continue;
    }
    const range = ranges.get(id);
    if (!range) {
      byReport.delete(id);
      builder.warn('Some stats series have no times; they were skipped.');
      continue;
    }
    const step = range.n > 1 ? (range.end - range.start) / (range.n - 1) : 0;
    s.times = Array.from({ length: range.n }, (_, i) => range.start + i * step);
  }
  return byReport;
}

function importStats(stats: Json, uid: number, builder: ImportBuilder): void {
  const series = collectSeries(stats, builder);
  const points: Array<{ at: number; id: string; i: number }> = [];
  for (const [id, s] of series) s.times.forEach((at, i) => points.push({ at, id, i }));
  points.sort((a, b) => a.at - b.at);
  const tracker = new SnapshotTracker(builder, uid);
  const current: StatsSnapshot = new Map();
  let bucketStart: number | null = null;
  let bucketAt = 0;
  const flush = (): void => {
    if (bucketStart !== null) tracker.push(bucketAt, new Map([...current].map(([k, v]) => [k, { ...v }])));
  };
  for (const p of points) {
    if (bucketStart === null || p.at - bucketStart > BUCKET_MS) {
      flush();
      bucketStart = p.at;
    }
    bucketAt = p.at;
    const s = series.get(p.id)!;
    const report: Record<string, unknown> = { ...(current.get(p.id) ?? {}), type: s.type, id: p.id };
    for (const [field, values] of s.fields) if (p.i < values.length) report[field] = values[p.i];
    current.set(p.id, report);
  }
  flush();
}

/**
 * Imports a parsed webrtc-internals dump: one uid per peer connection (from 1, in dump order).
 * Throws {@link SupportOpenError} `WRONG_FORMAT` when the value is not such a dump.
 */
export function importWebrtcInternals(dump: unknown): ImportResult {
  if (!isObject(dump) || !isObject(dump.PeerConnections)) {
    throw new SupportOpenError(
      'WRONG_FORMAT',
      'This JSON file is not a chrome://webrtc-internals dump: it has no "PeerConnections" object.',
    );
  }
  const builder = new ImportBuilder('webrtc-internals');
  const peerConnections: Record<string, PeerConnectionEntry> = {};
  let uid = 0;
  let badTimes = 0;
  for (const [key, pc] of Object.entries(dump.PeerConnections)) {
    uid++;
    const url = isObject(pc) && typeof pc.url === 'string' ? pc.url.slice(0, 300) : null;
    peerConnections[String(uid)] = { id: key, url };
    if (!isObject(pc)) {
      builder.warn(`Peer connection "${key.slice(0, 80)}" is not an object; it was skipped.`);
      continue;
    }
    let lastAt: number | null = null;
    for (const entry of Array.isArray(pc.updateLog) ? pc.updateLog : []) {
      if (!isObject(entry) || typeof entry.type !== 'string') continue;
      let at = parseTime(entry.timestamp ?? entry.time);
      if (at === null) {
        badTimes++;
        if (lastAt === null) continue;
        at = lastAt;
      }
      lastAt = at;
      for (const record of eventRecords(uid, entry.type, entry.value)) builder.add(at, record);
    }
    if (isObject(pc.stats)) importStats(pc.stats, uid, builder);
  }
  if (uid === 0) builder.warn('The dump lists no peer connections.');
  importGetUserMedia(dump.getUserMedia, builder);
  if (badTimes > 0)
    builder.warn(
      `${badTimes} events had no readable time; they were placed at the previous event's time (or dropped when none came before).`,
    );
  const env: Record<string, unknown> = { peerConnections };
  if (typeof dump.UserAgent === 'string') env.userAgent = dump.UserAgent.slice(0, 300);
  return builder.finish(env);
}

/**
 * The dump's `getUserMedia` section: each request as a `log` record `getUserMedia`, each failure
 * as `getUserMediaFailure` (level error, the error name and message in `error`). Entries without
 * a readable time are skipped with a warning.
 */
function importGetUserMedia(section: unknown, builder: ImportBuilder): void {
  if (!Array.isArray(section)) return;
  let skipped = 0;
  for (const entry of section) {
    if (!isObject(entry)) continue;
    const at = parseTime(entry.timestamp ?? entry.time);
    if (at === null) {
      skipped++;
      continue;
    }
    const origin = typeof entry.origin === 'string' ? ` by ${entry.origin.slice(0, 200)}` : '';
    const error = typeof entry.error === 'string' ? entry.error.slice(0, 100) : null;
    if (error !== null) {
      const said = entry.error_message ?? entry.errorMessage;
      const message = typeof said === 'string' && said ? `: ${said.slice(0, 200)}` : '';
      builder.add(at, {
        type: 'log',
        uid: null,
        level: 'error',
        msg: `getUserMedia failed${origin}: ${error}${message}`,
        event: 'getUserMediaFailure',
        error: `${error}${message}`,
      });
    } else {
      const what = ['audio', 'video'].filter(
        (k) => entry[k] !== undefined && entry[k] !== false && entry[k] !== '',
      );
      builder.add(at, {
        type: 'log',
        uid: null,
        level: 'info',
        msg: `getUserMedia request${origin} (${what.join(' + ') || 'no tracks'})`,
        event: 'getUserMedia',
      });
    }
  }
  if (skipped > 0) builder.warn(`${skipped} getUserMedia entries had no readable time; they were skipped.`);
}
