/**
 * Writing trace format v1 (pure): the header line, record lines, and the redaction guard that
 * keeps secrets out of every trace whatever a producer hands the recorder.
 */
import { TRACE_FORMAT, TRACE_VERSION } from './records';
import type { TraceHeader, TraceRecord } from './records';

/** Field names that never reach a trace, at any depth (compared case-insensitively). */
export const REDACTED_FIELDS: readonly string[] = ['token', 'secret', 'sdp', 'credential', 'password'];

const FORBIDDEN = new Set(REDACTED_FIELDS);
const MAX_DEPTH = 8;
/** Our token shape (PROTOCOL.md "Tokens"): base64url(JSON) "." base64url(HMAC-SHA256) (43 chars). */
const TOKEN_SHAPE = /^eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{43}$/;

/** Replacement for a string value that looks like an SDP body. */
export const REDACTED_SDP = '[redacted: sdp]';
/** Replacement for a string value that looks like a channel token. */
export const REDACTED_TOKEN = '[redacted: token]';

function redactString(s: string): string {
  if (s.length >= 4 && s.charCodeAt(0) === 118 /* v */ && /^v=0\r?\n/.test(s)) return REDACTED_SDP;
  if (s.length >= 60 && s.startsWith('eyJ') && TOKEN_SHAPE.test(s)) return REDACTED_TOKEN;
  return s;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactString(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const r = redactValue(v, depth + 1);
      if (r !== v) {
        out ??= value.slice();
        out[i] = r;
      }
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | null = null;
  const obj = value as Record<string, unknown>;
  for (const key in obj) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
    if (FORBIDDEN.has(key.toLowerCase())) {
      out ??= { ...obj };
      delete out[key];
      continue;
    }
    const v = obj[key];
    const r = redactValue(v, depth + 1);
    if (r !== v) {
      out ??= { ...obj };
      out[key] = r;
    }
  }
  return out ?? obj;
}

/**
 * Defense in depth against secrets in traces: drops every field named `token`, `secret`, `sdp`,
 * `credential` or `password` (any case, nested up to 8 levels: `raw`, `params`, `target`…) and replaces string values
 * shaped like an SDP body (`v=0…`) or a channel token. Producers must not put these in records
 * in the first place (README "Trace format v1": `signal` carries the message type only); this
 * guard makes a slip harmless. Returns the input itself when nothing had to go (the cheap, common
 * path), a cleaned shallow-copied structure otherwise; the input is never modified.
 */
export function redact<T>(value: T): T {
  return redactValue(value, 0) as T;
}

/** What a caller gives to build a header: format and version are filled in. */
export type TraceHeaderInit = Omit<
  TraceHeader,
  'format' | 'version' | 'startedAt' | 'env' | 'config' | 'scenario'
> &
  Partial<Pick<TraceHeader, 'startedAt' | 'env' | 'config' | 'scenario'>>;

/**
 * A complete v1 header from its parts: `format` and `version` first (so a person reading the
 * file sees them), `startedAt` defaulting to now, and the redaction guard applied.
 */
export function makeHeader(init: TraceHeaderInit, now: () => Date = () => new Date()): TraceHeader {
  const clean = redact(init) as TraceHeaderInit & Record<string, unknown>;
  return Object.assign({ format: TRACE_FORMAT, version: TRACE_VERSION }, clean, {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    startedAt: clean.startedAt ?? now().toISOString(),
    env: clean.env ?? {},
    config: clean.config ?? {},
    scenario: clean.scenario ?? null,
  }) as TraceHeader;
}

/** The header line (no newline), with `format` and `version` first. */
export function serializeHeader(header: TraceHeader): string {
  // Key order: format and version first, whatever order the header object has.
  return JSON.stringify(Object.assign({ format: TRACE_FORMAT, version: TRACE_VERSION }, redact(header)));
}

/** One record line (no newline). Throws only for values JSON cannot hold (cycles, BigInt). */
export function serializeRecord(record: TraceRecord): string {
  return JSON.stringify(redact(record));
}

/**
 * A whole trace as text: header line, then one line per record, each ending in a newline.
 * For large traces on disk use the lab's streaming `writeTrace` instead.
 */
export function serializeTrace(header: TraceHeader, records: readonly TraceRecord[]): string {
  const lines = new Array<string>(records.length + 1);
  lines[0] = serializeHeader(header);
  for (let i = 0; i < records.length; i++) lines[i + 1] = serializeRecord(records[i]!);
  return lines.join('\n') + '\n';
}
