/**
 * Collects events of an imported browser dump (absolute wall-clock milliseconds, one uid per
 * peer connection) and turns them into trace records: sorted by time, `seq` from 1, `t` from
 * the earliest event, with a synthesized v1 header. Every record passes the redaction guard.
 */
import type { RecordInput, TraceHeader, TraceRecord } from '../../trace/records';
import { makeHeader, redact } from '../../trace/serialize';
import { computeFigures, describePair, selectedPair } from './stats';
import type { StatsSnapshot } from './stats';
import { SupportOpenError } from './errors';

/** Where an imported trace came from (`header.env.source`). */
export type ImportSource = 'webrtc-internals' | 'rtcstats';

/** What an importer returns. */
export interface ImportResult {
  header: TraceHeader;
  records: TraceRecord[];
  /** Plain sentences for a person: what was skipped or guessed. */
  warnings: string[];
}

/** Longest text kept from a browser event's value in a log record. */
export const MAX_VALUE_CHARS = 200;

/**
 * A short, SDP-free text for a browser event value (SDP bodies and ICE configurations can
 * hold credentials; only their type is kept).
 */
export function summarizeValue(value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value === 'object') {
    const type = (value as { type?: unknown }).type;
    return typeof type === 'string' ? type.slice(0, MAX_VALUE_CHARS) : '';
  }
  const text = String(value);
  if (/v=0\s*(\r?\n|\\r|\\n)/.test(text) || /\ba=(ice-pwd|fingerprint)/.test(text)) {
    return '[sdp omitted]';
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

/** Parses a browser timestamp: epoch milliseconds (number or numeric string) or a date string. */
export function parseTime(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const n = Number(value);
  if (Number.isFinite(n)) return n;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

interface Pending {
  at: number;
  group: number;
  order: number;
  input: RecordInput;
}

/** Options of an import. */
export interface ImportOptions {
  /** Most records the import may make; past it, `TOO_LARGE` (default: no limit). */
  maxRecords?: number;
}

/** The `TOO_LARGE` error of an import that makes more than `max` records. */
export function tooManyRecords(max: number): SupportOpenError {
  return new SupportOpenError(
    'TOO_LARGE',
    `This file makes more than ${max} records (events and stats samples), the most a file may open into; it was not opened. Ask for a shorter dump (one made soon after the call holds less history).`,
  );
}

/**
 * Accumulates records of one import; see the file comment. Records at the same time keep the
 * order of their `group`, then the order they were added in: an importer that meets the parts of
 * a dump in another order than it numbers them (a streamed dump) still sorts them the same way.
 */
export class ImportBuilder {
  private readonly pending: Pending[] = [];
  private readonly warningSet: string[] = [];
  private order = 0;
  private readonly maxRecords: number;

  constructor(
    private readonly source: ImportSource,
    options: ImportOptions = {},
  ) {
    this.maxRecords = options.maxRecords ?? Infinity;
  }

  /** Adds a record at absolute time `at` (epoch ms), in `group` (default 0). */
  add(at: number, input: RecordInput, group = 0): void {
    if (this.pending.length >= this.maxRecords) throw tooManyRecords(this.maxRecords);
    this.pending.push({ at, group, order: this.order++, input });
  }

  /** Adds a sentence for a person (duplicates are kept once). */
  warn(message: string): void {
    if (!this.warningSet.includes(message)) this.warningSet.push(message);
  }

  /** Sorted records and the synthesized header; `env` extras go into `header.env`. */
  finish(env: Record<string, unknown>): ImportResult {
    this.pending.sort((a, b) => a.at - b.at || a.group - b.group || a.order - b.order);
    const start = this.pending.length > 0 ? this.pending[0]!.at : Date.now();
    const records: TraceRecord[] = this.pending.map(
      (p, i) => redact({ ...p.input, seq: i + 1, t: Math.max(0, p.at - start) }) as TraceRecord,
    );
    const startedAt = Number.isFinite(start) ? new Date(start).toISOString() : new Date(0).toISOString();
    const header = makeHeader({
      startedAt,
      timeScale: 1,
      app: { name: 'faultline-import', version: '1' },
      env: { ...env, source: this.source },
    });
    return { header, records, warnings: [...this.warningSet] };
  }
}

/**
 * Per peer connection: turns successive stats snapshots into `stats` records and a
 * `candidate-pair` media record whenever the selected pair changes.
 */
export class SnapshotTracker {
  private prev: StatsSnapshot | null = null;
  private prevAt = 0;
  private pairId: string | null = null;

  constructor(
    private readonly builder: ImportBuilder,
    private readonly uid: number,
    /** The builder group its records go in. */
    private readonly group = 0,
  ) {}

  /** Feeds the full snapshot taken at `at` (epoch ms). */
  push(at: number, snap: StatsSnapshot): void {
    const pair = selectedPair(snap);
    if (pair && pair.id !== this.pairId) {
      this.pairId = pair.id;
      const { label, local, remote } = describePair(snap, pair.report);
      this.builder.add(
        at,
        {
          type: 'media',
          uid: this.uid,
          event: 'candidate-pair',
          value: label,
          // Addresses stay out of the trace (privacy); the route and transport are what diagnose.
          local: { ...local, address: null, port: null },
          remote: { ...remote, address: null, port: null },
        },
        this.group,
      );
    }
    const figures = computeFigures(snap, this.prev, at - this.prevAt);
    this.builder.add(at, { type: 'stats', uid: this.uid, ...figures }, this.group);
    this.prev = snap;
    this.prevAt = at;
  }
}

const STATE_EVENTS: Record<string, 'ice-state' | 'pc-state' | 'signaling-state'> = {
  iceconnectionstatechange: 'ice-state',
  connectionstatechange: 'pc-state',
  signalingstatechange: 'signaling-state',
};

/** `createOffer` (and its callbacks) asked for an ICE restart: Chrome logs the options as text. */
function asksIceRestart(lower: string, value: unknown): boolean {
  if (!lower.startsWith('createoffer') || lower.includes('success') || lower.includes('fail')) return false;
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return /iceRestart\W+true/i.test(text);
}

/**
 * Maps a browser peer-connection event (`updateLog` type, with or without Chrome's `on` prefix) to
 * records: ICE, PC and signaling state changes become `media` state records; an offer asking for
 * an ICE restart adds a `media` `ice-restart`; every API call stays a `log` record naming it in
 * `event`, level `error` with the browser's words in `error` when it failed.
 */
export function eventRecords(uid: number | null, type: string, value: unknown): RecordInput[] {
  const lower = type.toLowerCase();
  const bare = lower.startsWith('on') ? lower.slice(2) : lower;
  const text = summarizeValue(value);
  const state = STATE_EVENTS[bare];
  if (uid !== null && state) return [{ type: 'media', uid, event: state, value: text.replace(/^"|"$/g, '') }];
  const failed = /fail|error/.test(lower);
  const log: RecordInput = {
    type: 'log',
    uid,
    level: failed ? 'error' : 'info',
    msg: text ? `${type}: ${text}` : type,
    event: type,
    ...(failed && text ? { error: text } : {}),
  };
  if (uid !== null && asksIceRestart(lower, value))
    return [{ type: 'media', uid, event: 'ice-restart' }, log];
  return [log];
}
