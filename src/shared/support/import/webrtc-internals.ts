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
 * The stats are read by {@link PcStatsCollector}. {@link WebrtcInternalsImport} takes the parts of a
 * dump one at a time, so a parsed dump ({@link importWebrtcInternals}) and a streamed one
 * (`importWebrtcInternalsStream`) go through the same steps and give the same records.
 */
import { ImportBuilder, eventRecords, parseTime } from './build';
import type { ImportOptions, ImportResult } from './build';
import type { PeerConnectionEntry } from './peer-connections';
import { PcStatsCollector } from './webrtc-internals-stats';
import { SupportOpenError } from './errors';

export { BUCKET_MS } from './webrtc-internals-stats';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when a parsed JSON value looks like a webrtc-internals dump. */
export function isWebrtcInternalsDump(value: unknown): boolean {
  return isObject(value) && isObject(value.PeerConnections);
}

/** The `WRONG_FORMAT` error of JSON that is not a webrtc-internals dump. */
export function notAWebrtcInternalsDump(): SupportOpenError {
  return new SupportOpenError(
    'WRONG_FORMAT',
    'This JSON file is not a chrome://webrtc-internals dump: it has no "PeerConnections" object.',
  );
}

/** The builder group of a PC's `updateLog` records; its stats records are in the next one. */
const logGroup = (uid: number): number => uid * 2;
/** getUserMedia records come after every PC's at the same time. */
const GET_USER_MEDIA_GROUP = Number.MAX_SAFE_INTEGER;

/** One peer connection being read. */
interface PcImport {
  uid: number;
  lastAt: number | null;
  stats: PcStatsCollector;
}

/**
 * The steps of importing one webrtc-internals dump, fed its parts in any order: each peer
 * connection ({@link beginPc} … {@link endPc}, or {@link skipPc}), its `updateLog` entries and
 * stats series one at a time, the `getUserMedia` entries, then {@link finish}.
 */
export class WebrtcInternalsImport {
  private readonly builder: ImportBuilder;
  private readonly peerConnections: Record<string, PeerConnectionEntry> = {};
  private readonly getUserMedia: unknown[] = [];
  private uid = 0;
  private badTimes = 0;
  private pc: PcImport | null = null;

  constructor(
    options: ImportOptions = {},
    /** Which report fields to keep: all, or only those the figures read (the same records, less held). */
    private readonly reportFields: 'all' | 'figures' = 'all',
  ) {
    this.builder = new ImportBuilder('webrtc-internals', options);
  }

  /** A peer connection (the next uid) starts; `url` may come now or later ({@link pcUrl}). */
  beginPc(key: string, url: unknown = null): void {
    const uid = ++this.uid;
    this.peerConnections[String(uid)] = { id: key, url: null };
    const stats = new PcStatsCollector(this.builder, uid, logGroup(uid) + 1, this.reportFields);
    this.pc = { uid, lastAt: null, stats };
    this.pcUrl(url);
  }

  /** The current PC's page URL. */
  pcUrl(url: unknown): void {
    if (this.pc && typeof url === 'string')
      this.peerConnections[String(this.pc.uid)]!.url = url.slice(0, 300);
  }

  /** A peer connection that is not an object: it keeps its uid and is skipped with a warning. */
  skipPc(key: string): void {
    this.peerConnections[String(++this.uid)] = { id: key, url: null };
    this.builder.warn(`Peer connection "${key.slice(0, 80)}" is not an object; it was skipped.`);
  }

  /** One entry of the current PC's `updateLog`. */
  updateLogEntry(entry: unknown): void {
    const pc = this.pc;
    if (!pc || !isObject(entry) || typeof entry.type !== 'string') return;
    let at = parseTime(entry.timestamp ?? entry.time);
    if (at === null) {
      this.badTimes++;
      if (pc.lastAt === null) return;
      at = pc.lastAt;
    }
    pc.lastAt = at;
    for (const record of eventRecords(pc.uid, entry.type, entry.value))
      this.builder.add(at, record, logGroup(pc.uid));
  }

  /** One member of the current PC's `stats` object. */
  statsSeries(key: string, entry: unknown): void {
    this.pc?.stats.add(key, entry);
  }

  /** The current PC ends: its stats become records. */
  endPc(): void {
    this.pc?.stats.finish();
    this.pc = null;
  }

  /** One entry of the dump's `getUserMedia` section (read at {@link finish}). */
  getUserMediaEntry(entry: unknown): void {
    this.getUserMedia.push(entry);
  }

  /** The records, with the dump's `UserAgent`. */
  finish(userAgent: unknown): ImportResult {
    const builder = this.builder;
    if (this.uid === 0) builder.warn('The dump lists no peer connections.');
    importGetUserMedia(this.getUserMedia, builder);
    if (this.badTimes > 0)
      builder.warn(
        `${this.badTimes} events had no readable time; they were placed at the previous event's time (or dropped when none came before).`,
      );
    const env: Record<string, unknown> = { peerConnections: this.peerConnections };
    if (typeof userAgent === 'string') env.userAgent = userAgent.slice(0, 300);
    return builder.finish(env);
  }
}

/**
 * Imports a parsed webrtc-internals dump: one uid per peer connection (from 1, in dump order).
 * Throws {@link SupportOpenError} `WRONG_FORMAT` when the value is not such a dump, `TOO_LARGE`
 * past `options.maxRecords`.
 */
export function importWebrtcInternals(dump: unknown, options: ImportOptions = {}): ImportResult {
  if (!isObject(dump) || !isObject(dump.PeerConnections)) throw notAWebrtcInternalsDump();
  const dumpImport = new WebrtcInternalsImport(options);
  for (const [key, pc] of Object.entries(dump.PeerConnections)) {
    if (!isObject(pc)) {
      dumpImport.skipPc(key);
      continue;
    }
    dumpImport.beginPc(key, pc.url);
    for (const entry of Array.isArray(pc.updateLog) ? pc.updateLog : []) dumpImport.updateLogEntry(entry);
    if (isObject(pc.stats))
      for (const [k, series] of Object.entries(pc.stats)) dumpImport.statsSeries(k, series);
    dumpImport.endPc();
  }
  if (Array.isArray(dump.getUserMedia))
    for (const entry of dump.getUserMedia) dumpImport.getUserMediaEntry(entry);
  return dumpImport.finish(dump.UserAgent);
}

/**
 * The dump's `getUserMedia` section: each request as a `log` record `getUserMedia`, each failure
 * as `getUserMediaFailure` (level error, the error name and message in `error`). Entries without
 * a readable time are skipped with a warning.
 */
function importGetUserMedia(section: readonly unknown[], builder: ImportBuilder): void {
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
      builder.add(
        at,
        {
          type: 'log',
          uid: null,
          level: 'error',
          msg: `getUserMedia failed${origin}: ${error}${message}`,
          event: 'getUserMediaFailure',
          error: `${error}${message}`,
        },
        GET_USER_MEDIA_GROUP,
      );
    } else {
      const what = ['audio', 'video'].filter(
        (k) => entry[k] !== undefined && entry[k] !== false && entry[k] !== '',
      );
      builder.add(
        at,
        {
          type: 'log',
          uid: null,
          level: 'info',
          msg: `getUserMedia request${origin} (${what.join(' + ') || 'no tracks'})`,
          event: 'getUserMedia',
        },
        GET_USER_MEDIA_GROUP,
      );
    }
  }
  if (skipped > 0) builder.warn(`${skipped} getUserMedia entries had no readable time; they were skipped.`);
}
