/**
 * Redaction for support bundles (pure, so the renderer's export dialog can preview it).
 *
 * What goes, at any depth of the header and of every record, in keys' values and inside strings
 * (candidate lines, URLs, log messages):
 * - IP addresses (IPv4, IPv6, with or without ports and zone ids) become stable pseudonyms within
 *   one {@link Redactor}: `loopback-N` for 127.0.0.0/8 and ::1 (readable enough to tell "the lab
 *   talking to itself" apart), `private-N` for RFC 1918, link-local, CGNAT and unique-local
 *   addresses (tells a NAT story without the address), `ip-N` for everything else. The same
 *   address always gets the same name; ports stay (`ip-1:3478`).
 * - secrets: string values of fields whose name contains token, secret, password, passwd,
 *   credential, authorization, apikey or cookie (numbers stay: `tokenTtlMs` is a duration);
 *   strings shaped like our HMAC tokens (`base64url.base64url`), JWTs, `Bearer …`, URL query
 *   parameters named like a secret, long hex runs (≥ 32) and long base64 runs (≥ 40, mixed case
 *   and digits). Version strings with four small parts (`1.2.3.4`) read as IPv4: a known false
 *   positive, harmless.
 * - SDP bodies (fields named `sdp`, strings starting `v=0`).
 * - with `pseudonymizeIds`: channel names (`channel-N`) and UIDs (`1`, `2`… in order of first
 *   appearance, numbers still, so the trace still parses and checks) in fields named `uid`,
 *   `peer`, `observer`, `channel`, the keys of `fromPeers`, and wherever the channel name or
 *   `uid N` appear inside strings.
 *
 * The mapping never leaves the redactor: a bundle holds pseudonyms only.
 */
import { isUidKey } from '../trace/received';
import type { TraceHeader, TraceRecord } from '../trace/records';

/** What to redact. */
export interface RedactionOptions {
  /** Master switch (`--no-redact` turns it off); default true. */
  enabled?: boolean;
  /** Also replace channel names and UIDs with consistent pseudonyms; default false. */
  pseudonymizeIds?: boolean;
}

/** Kinds of replacement, for counts and examples. */
export type RedactionKind = 'ip' | 'secret' | 'sdp' | 'channel' | 'uid';

/** One replacement, as the export dialog shows it. */
export interface RedactionExample {
  kind: RedactionKind;
  before: string;
  after: string;
}

/** Counts and a few examples of what a redaction replaced. */
export interface RedactionSummary {
  enabled: boolean;
  pseudonymizeIds: boolean;
  /** Replacements made, per kind. */
  counts: Record<RedactionKind, number>;
  /** Distinct values replaced, per kind (e.g. 3 distinct addresses). */
  distinct: Record<RedactionKind, number>;
  /** Up to {@link MAX_EXAMPLES} first-seen replacements per kind (secrets shown shortened). */
  examples: RedactionExample[];
}

/** Examples kept per kind. */
export const MAX_EXAMPLES = 3;
/** Replacement of a secret. */
export const REDACTED_SECRET = '[redacted: secret]';
/** Replacement of an SDP body. */
export const REDACTED_SDP_BODY = '[redacted: sdp]';

const SECRET_KEY = /token|secret|passw|credential|authorization|apikey|api_key|cookie/i;
const UID_KEYS = new Set(['uid', 'peer', 'observer']);
/** Objects whose keys are UIDs in decimal (stats `raw.sub.fromPeers`). */
const KEYED_BY_UID = new Set(['fromPeers']);
const MAX_DEPTH = 32;

const IPV4 = /(?<![0-9A-Za-z.])(\d{1,3}(?:\.\d{1,3}){3})(?![0-9A-Za-z]|\.\d)/g;
const IPV6 =
  /(?<![0-9A-Za-z:.])((?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}))(%[0-9A-Za-z_.-]+)?(?![0-9A-Za-z:]|\.\d)/g;
const SECRET_PATTERNS: readonly RegExp[] = [
  /\beyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]{8,}){1,2}/g, // our tokens and JWTs
  /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{40,}(?![A-Za-z0-9_-])/g, // base64url.base64url
  /(?<=\bBearer\s+)[A-Za-z0-9._~+/-]{8,}=*/gi,
  /(?<=[?&;](?:token|secret|key|password|auth|sig|signature|access_token)[A-Za-z_]*=)[^&\s#"']+/gi,
  /(?<![0-9A-Za-z])[0-9A-Fa-f]{32,}(?![0-9A-Za-z])/g,
  // `token=…`, `password: "…"` in free text (after the shapes above, so no double replacement)
  /(?<=\b(?:token|secret|password|passwd|apikey|api_key|credential)s?["']?\s*[=:]\s*["']?)(?!\[redacted)[^\s&#"',;]{4,}/gi,
];
const BASE64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{40,}={0,2}/g;

function ipv4Ok(s: string): boolean {
  return s.split('.').every((p) => p.length > 0 && Number(p) <= 255 && !(p.length > 1 && p[0] === '0'));
}

function ipv6Ok(s: string): boolean {
  if (!/[0-9A-Fa-f]/.test(s) && s !== '::') return false;
  let text = s;
  let groups = 0;
  const tail = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (tail) {
    if (!ipv4Ok(tail[1]!)) return false;
    text = text.slice(0, -tail[1]!.length);
    if (!text.endsWith(':')) return false;
    text = text.endsWith('::') ? text : text.slice(0, -1);
    groups += 2;
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const parts = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  if (parts.some((p) => !/^[0-9A-Fa-f]{1,4}$/.test(p))) return false;
  groups += parts.length;
  return halves.length === 2 ? groups < 8 : groups === 8;
}

function ipClass(addr: string): 'loopback' | 'private' | 'ip' {
  const a = addr.toLowerCase();
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.\d+\.\d+$/.exec(a);
  if (v4) {
    const [x, y] = [Number(v4[1]), Number(v4[2])];
    if (x === 127) return 'loopback';
    if (x === 10 || (x === 172 && y >= 16 && y < 32) || (x === 192 && y === 168)) return 'private';
    if ((x === 169 && y === 254) || (x === 100 && y >= 64 && y < 128) || x === 0) return 'private';
    return 'ip';
  }
  if (a === '::1') return 'loopback';
  if (/^f[cd]/.test(a) || /^fe[89ab]/.test(a) || a === '::') return 'private';
  return 'ip';
}

function shorten(secret: string): string {
  return secret.length <= 12 ? '…' : `${secret.slice(0, 6)}…(${secret.length} chars)`;
}

/**
 * One redaction pass over one bundle: holds the pseudonym tables, so every file of a bundle
 * (trace, logs, CSVs, environment) uses the same names. Create one per bundle.
 */
export class Redactor {
  readonly enabled: boolean;
  readonly pseudonymizeIds: boolean;
  private readonly ips = new Map<string, string>();
  private readonly ipNext = { loopback: 0, private: 0, ip: 0 };
  private readonly channels = new Map<string, string>();
  private readonly uids = new Map<number, number>();
  private readonly secrets = new Set<string>();
  private readonly counts: Record<RedactionKind, number> = { ip: 0, secret: 0, sdp: 0, channel: 0, uid: 0 };
  private readonly examples: RedactionExample[] = [];
  private channelPattern: RegExp | null = null;
  private sdpBodies = 0;

  constructor(options: RedactionOptions = {}) {
    this.enabled = options.enabled ?? true;
    this.pseudonymizeIds = this.enabled && (options.pseudonymizeIds ?? false);
  }

  /** Registers channel names up front (header config, scenario) so strings mentioning them are caught. */
  learnChannel(name: string): void {
    if (this.pseudonymizeIds && name.length > 0) this.channelName(name);
  }

  /** A redacted copy of any JSON-like value (the input is never modified). */
  value<T>(value: T): T {
    if (!this.enabled) return value;
    return this.walk(value, 0, null) as T;
  }

  /** A redacted copy of one free-text string (a log line, a message). */
  text(s: string): string {
    return this.enabled ? this.str(s) : s;
  }

  /** Maps a UID to its pseudonym (itself when ids are not pseudonymized). */
  uid(uid: number): number {
    if (!this.pseudonymizeIds) return uid;
    const p = this.learnUid(uid);
    this.note('uid', String(uid), String(p));
    return p;
  }

  /** Gives a UID its pseudonym now (numbering follows first sight), without counting a replacement. */
  learnUid(uid: number): number {
    let p = this.uids.get(uid);
    if (p === undefined) {
      p = this.uids.size + 1;
      this.uids.set(uid, p);
    }
    return p;
  }

  /** What was replaced so far. */
  summary(): RedactionSummary {
    return {
      enabled: this.enabled,
      pseudonymizeIds: this.pseudonymizeIds,
      counts: { ...this.counts },
      distinct: {
        ip: this.ips.size,
        secret: this.secrets.size,
        sdp: this.sdpBodies,
        channel: this.channels.size,
        uid: this.uids.size,
      },
      examples: this.examples.slice(),
    };
  }

  private note(kind: RedactionKind, before: string, after: string): void {
    this.counts[kind]++;
    const same = this.examples.filter((e) => e.kind === kind);
    if (same.length < MAX_EXAMPLES && !same.some((e) => e.before === before))
      this.examples.push({ kind, before, after });
  }

  private channelName(name: string): string {
    let p = this.channels.get(name);
    if (p === undefined) {
      p = `channel-${this.channels.size + 1}`;
      this.channels.set(name, p);
      const names = [...this.channels.keys()].sort((a, b) => b.length - a.length);
      const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      this.channelPattern = new RegExp(`(?<![A-Za-z0-9_-])(?:${escaped.join('|')})(?![A-Za-z0-9_-])`, 'g');
    }
    return p;
  }

  private ip(addr: string): string {
    const key = addr.toLowerCase();
    let p = this.ips.get(key);
    if (p === undefined) {
      const cls = ipClass(key);
      p = `${cls}-${++this.ipNext[cls]}`;
      this.ips.set(key, p);
      if (this.examples.filter((e) => e.kind === 'ip').length < MAX_EXAMPLES)
        this.examples.push({ kind: 'ip', before: addr, after: p });
    }
    this.counts.ip++;
    return p;
  }

  private secret(s: string): string {
    this.counts.secret++;
    if (!this.secrets.has(s)) {
      this.secrets.add(s);
      if (this.examples.filter((e) => e.kind === 'secret').length < MAX_EXAMPLES)
        this.examples.push({ kind: 'secret', before: shorten(s), after: REDACTED_SECRET });
    }
    return REDACTED_SECRET;
  }

  private sdp(s: string): string {
    this.sdpBodies++;
    this.note('sdp', s.length > 24 ? `${s.slice(0, 24).replace(/\r?\n/g, ' ')}…` : s, REDACTED_SDP_BODY);
    return REDACTED_SDP_BODY;
  }

  private str(input: string): string {
    if (/^v=0\r?\n/.test(input)) return this.sdp(input);
    let s = input;
    for (const re of SECRET_PATTERNS) s = s.replace(re, (m) => this.secret(m));
    s = s.replace(BASE64_RUN, (m) =>
      /[0-9]/.test(m) && /[A-Z]/.test(m) && /[a-z]/.test(m) && !m.includes('//') ? this.secret(m) : m,
    );
    if (s.includes(':')) s = s.replace(IPV6, (m, addr: string) => (ipv6Ok(addr) ? this.ip(addr) : m));
    if (s.includes('.')) s = s.replace(IPV4, (m, addr: string) => (ipv4Ok(addr) ? this.ip(addr) : m));
    if (this.pseudonymizeIds) {
      if (this.channelPattern) s = s.replace(this.channelPattern, (m) => this.pseudoChannel(m));
      s = s.replace(/\b(uids?|peer|observer)([ =:#]+)(\d+)\b/gi, (m, word: string, sep: string, n: string) =>
        this.uids.has(Number(n)) ? `${word}${sep}${this.uid(Number(n))}` : m,
      );
    }
    return s;
  }

  private pseudoChannel(name: string): string {
    const p = this.channelName(name);
    this.note('channel', name, p);
    return p;
  }

  private walk(value: unknown, depth: number, key: string | null): unknown {
    if (typeof value === 'string') {
      if (key !== null && SECRET_KEY.test(key)) return value === '' ? value : this.secret(value);
      if (key !== null && key.toLowerCase() === 'sdp') return this.sdp(value);
      if (this.pseudonymizeIds && key === 'channel') return this.pseudoChannel(value);
      return this.str(value);
    }
    if (typeof value === 'number') {
      if (this.pseudonymizeIds && key !== null && UID_KEYS.has(key) && Number.isInteger(value))
        return this.uid(value);
      return value;
    }
    if (typeof value !== 'object' || value === null) return value;
    if (depth >= MAX_DEPTH) return '[redacted: too deep]';
    if (Array.isArray(value)) {
      const itemKey = key === 'uids' || key === 'peers' ? 'uid' : key;
      return value.map((v) => this.walk(v, depth + 1, itemKey));
    }
    const out: Record<string, unknown> = {};
    const uidKeys = this.pseudonymizeIds && key !== null && KEYED_BY_UID.has(key);
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (uidKeys && isUidKey(k)) {
        out[String(this.uid(Number(k)))] = this.walk(v, depth + 1, null);
      } else if (k.toLowerCase() === 'sdp' && typeof v !== 'string' && v !== null && v !== undefined) {
        out[k] = this.sdp(JSON.stringify(v));
      } else if (SECRET_KEY.test(k) && typeof v === 'object' && v !== null) {
        out[k] = this.secret(JSON.stringify(v));
      } else out[k] = this.walk(v, depth + 1, k);
    }
    return out;
  }
}

/** A trace after redaction, with what was replaced. */
export interface RedactedTrace {
  header: TraceHeader;
  records: TraceRecord[];
  summary: RedactionSummary;
}

/**
 * Redacts a whole trace with one {@link Redactor} (created here unless given, so a bundle can
 * reuse it for its other files). With `enabled: false` the inputs come back unchanged.
 */
export function redactTrace(
  header: TraceHeader,
  records: readonly TraceRecord[],
  options: RedactionOptions = {},
  redactor: Redactor = new Redactor(options),
): RedactedTrace {
  if (!redactor.enabled) return { header, records: records.slice(), summary: redactor.summary() };
  const config = header.config as { channel?: unknown };
  const scenario = header.scenario as { channel?: unknown } | null;
  if (typeof config?.channel === 'string') redactor.learnChannel(config.channel);
  if (typeof scenario?.channel === 'string') redactor.learnChannel(scenario.channel);
  // UIDs first, in order of appearance (participants, then records), so numbering is readable.
  const participants = (scenario as { participants?: Array<{ uid?: unknown }> } | null)?.participants;
  if (redactor.pseudonymizeIds && Array.isArray(participants))
    for (const p of participants) if (typeof p?.uid === 'number') redactor.learnUid(p.uid);
  const out = redactor.value(header);
  const recs = records.map((r) => redactor.value(r));
  return { header: out, records: recs, summary: redactor.summary() };
}

/** Counts and before → after examples of a redaction, for the export dialog (nothing is kept). */
export function previewRedaction(
  header: TraceHeader,
  records: readonly TraceRecord[],
  options: RedactionOptions = {},
): RedactionSummary {
  return redactTrace(header, records, options).summary;
}
