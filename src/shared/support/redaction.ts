/**
 * Redaction for support bundles (pure, so the renderer's export dialog can preview it).
 *
 * What goes, at any depth of the header and of every record, in values, in object keys and
 * inside strings (candidate lines, URLs, log messages); the patterns are in
 * `redaction-patterns.ts`, the counts in `redaction-summary.ts`:
 * - IP addresses (IPv4, IPv6, with or without ports and zone ids) become stable pseudonyms within
 *   one {@link Redactor}: `loopback-N` for 127.0.0.0/8 and ::1 (readable enough to tell "the lab
 *   talking to itself" apart), `private-N` for RFC 1918, link-local, CGNAT and unique-local
 *   addresses (tells a NAT story without the address), `ip-N` for everything else. The same
 *   address always gets the same name; ports stay (`ip-1:3478`).
 * - host names: the host of every URL (but `localhost`), dotted names ending in a private zone or
 *   a common TLD (`ip-10-9-8-7.ec2.internal`, `sfu.example.com`), mDNS names (`host-N.local`), and
 *   the values of fields named `hostname` and the like become `host-N`.
 * - MAC addresses become `mac-N`, e-mail addresses `email-N`, home directories (`/home/alice`,
 *   `/Users/alice`, `/root`, `C:\Users\alice`) `~`.
 * - user names: URL user info (`ws://bob:…@`), `a=ice-ufrag:` and candidate `ufrag`,
 *   `username=…` in text, and fields named `username`, `user`, `ufrag`, `usernameFragment`
 *   become `user-N`.
 * - secrets: string values of fields whose name contains token, secret, password, passwd,
 *   credential, authorization, apikey, cookie or pwd (numbers stay: `tokenTtlMs` is a duration);
 *   URL passwords, `Authorization:` credentials, `Basic …`, `Bearer …`, `a=ice-pwd:`, strings
 *   shaped like our HMAC tokens (`base64url.base64url`), JWTs, URL query parameters named like a
 *   secret, long hex runs (≥ 32) and long base64 runs (≥ 40, mixed case and digits). Version
 *   strings with four small parts (`1.2.3.4`) read as IPv4: a known false positive, harmless.
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
import {
  applyTextRules,
  ipClass,
  isPlainWord,
  keyVerdict,
  type KeyVerdict,
  type Replacer,
} from './redaction-patterns';
import { RedactionTally, type RedactionKind, type RedactionSummary } from './redaction-summary';

export {
  describeRedaction,
  MAX_EXAMPLES,
  REDACTION_KINDS,
  REDACTION_LABELS,
  type RedactionExample,
  type RedactionKind,
  type RedactionSummary,
} from './redaction-summary';

/** What to redact. */
export interface RedactionOptions {
  /** Master switch (`--no-redact` turns it off); default true. */
  enabled?: boolean;
  /** Also replace channel names and UIDs with consistent pseudonyms; default false. */
  pseudonymizeIds?: boolean;
}

/** Replacement of a secret. */
export const REDACTED_SECRET = '[redacted: secret]';
/** Replacement of an SDP body. */
export const REDACTED_SDP_BODY = '[redacted: sdp]';
/** Replacement of a home directory. */
export const REDACTED_HOME = '~';

const UID_KEYS = new Set(['uid', 'peer', 'observer']);
/** Objects whose keys are UIDs in decimal (stats `raw.sub.fromPeers`). */
const KEYED_BY_UID = new Set(['fromPeers']);
const MAX_DEPTH = 32;
/** Field names whose verdict a redactor remembers (a trace has a few dozen; a hostile one, any number). */
const MAX_KNOWN_KEYS = 4096;
/** Strings a redactor remembers as clean: this many, each at most {@link MAX_KNOWN_LENGTH} long. */
const MAX_KNOWN_CLEAN = 65_536;
const MAX_KNOWN_LENGTH = 256;

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
  private readonly tally = new RedactionTally();
  /** Pseudonyms by kind, then by the value (lowercased where case does not matter). */
  private readonly names = new Map<string, Map<string, string>>();
  private readonly next = new Map<string, number>();
  private readonly channels = new Map<string, string>();
  private readonly uids = new Map<number, number>();
  private channelPattern: RegExp | null = null;
  /**
   * Memory of the work a trace repeats a million times: the verdict on each field name, and the
   * strings that came out of the text rules unchanged (with no pseudonyms, a string that has
   * nothing to replace never will).
   */
  private readonly keyVerdicts = new Map<string, KeyVerdict>();
  private readonly cleanStrings = new Set<string>();
  /** The tally and pseudonym tables, as the text rules see them. */
  private readonly replacer: Replacer = {
    ip: (addr) => {
      const key = addr.toLowerCase();
      return this.pseudonym('ip', key, addr, () => ipClass(key));
    },
    host: (name) => {
      const key = name.toLowerCase();
      const mdns = key.endsWith('.local');
      return this.pseudonym('host', key, name, () => 'host', mdns ? '.local' : '');
    },
    mac: (mac) => this.pseudonym('mac', mac.toLowerCase().replace(/-/g, ':'), mac, () => 'mac'),
    email: (address) => this.pseudonym('email', address.toLowerCase(), address, () => 'email'),
    user: (name) => this.pseudonym('user', name, name, () => 'user'),
    home: (prefix) => {
      this.tally.note('path', prefix, REDACTED_HOME);
      return REDACTED_HOME;
    },
    secret: (secret) => {
      this.tally.note('secret', shorten(secret), REDACTED_SECRET, secret);
      return REDACTED_SECRET;
    },
  };

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
    this.tally.note('uid', String(uid), String(p));
    return p;
  }

  /** Gives a UID its pseudonym now (numbering follows first sight), without counting a replacement. */
  learnUid(uid: number): number {
    let p = this.uids.get(uid);
    if (p === undefined) {
      p = this.uids.size + 1;
      this.uids.set(uid, p);
      this.tally.learn('uid', String(uid));
    }
    return p;
  }

  /** What was replaced so far. */
  summary(): RedactionSummary {
    return this.tally.summary(this.enabled, this.pseudonymizeIds);
  }

  /**
   * The pseudonym of one value of a kind: `prefix-N` numbered per prefix in order of first sight
   * (`prefix` from `classOf`, e.g. `private` for an address), with `suffix` appended.
   */
  private pseudonym(
    kind: RedactionKind,
    key: string,
    before: string,
    classOf: () => string,
    suffix = '',
  ): string {
    let table = this.names.get(kind);
    if (!table) this.names.set(kind, (table = new Map()));
    let p = table.get(key);
    if (p === undefined) {
      const prefix = classOf();
      const n = (this.next.get(prefix) ?? 0) + 1;
      this.next.set(prefix, n);
      p = `${prefix}-${n}${suffix}`;
      table.set(key, p);
    }
    this.tally.note(kind, before, p, key);
    return p;
  }

  private channelName(name: string): string {
    let p = this.channels.get(name);
    if (p === undefined) {
      p = `channel-${this.channels.size + 1}`;
      this.channels.set(name, p);
      this.tally.learn('channel', name);
      const names = [...this.channels.keys()].sort((a, b) => b.length - a.length);
      const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      this.channelPattern = new RegExp(`(?<![A-Za-z0-9_-])(?:${escaped.join('|')})(?![A-Za-z0-9_-])`, 'g');
    }
    return p;
  }

  private sdp(s: string): string {
    const before = s.length > 24 ? `${s.slice(0, 24).replace(/\r?\n/g, ' ')}…` : s;
    this.tally.note('sdp', before, REDACTED_SDP_BODY, `${before}${s.length}`);
    return REDACTED_SDP_BODY;
  }

  private str(input: string): string {
    if (input.length >= 4 && input.charCodeAt(0) === 118 /* v */ && /^v=0\r?\n/.test(input))
      return this.sdp(input);
    if (!this.pseudonymizeIds) return this.textRules(input);
    let s = isPlainWord(input) ? input : applyTextRules(input, this.replacer);
    if (this.channelPattern) s = s.replace(this.channelPattern, (m) => this.pseudoChannel(m));
    return s.replace(
      /\b(uids?|peer|observer)([ =:#]+)(\d+)\b/gi,
      (m, word: string, sep: string, n: string) =>
        this.uids.has(Number(n)) ? `${word}${sep}${this.uid(Number(n))}` : m,
    );
  }

  /** The text rules alone, remembering short strings they left as they were. */
  private textRules(input: string): string {
    if (isPlainWord(input) || this.cleanStrings.has(input)) return input;
    const before = this.tally.total;
    const s = applyTextRules(input, this.replacer);
    if (
      s === input &&
      this.tally.total === before &&
      input.length <= MAX_KNOWN_LENGTH &&
      this.cleanStrings.size < MAX_KNOWN_CLEAN
    )
      this.cleanStrings.add(input);
    return s;
  }

  /** The verdict on a field name (remembered for the first {@link MAX_KNOWN_KEYS} names). */
  private verdict(key: string): KeyVerdict {
    let v = this.keyVerdicts.get(key);
    if (v === undefined) {
      v = keyVerdict(key);
      if (this.keyVerdicts.size < MAX_KNOWN_KEYS) this.keyVerdicts.set(key, v);
    }
    return v;
  }

  private pseudoChannel(name: string): string {
    const p = this.channelName(name);
    this.tally.note('channel', name, p);
    return p;
  }

  /** A string value, judged first by the name of its field. */
  private field(value: string, key: string | null): string {
    if (key === null || value === '') return this.str(value);
    const verdict = this.verdict(key);
    if (verdict.secret) return this.replacer.secret(value);
    if (verdict.sdp) return this.sdp(value);
    if (this.pseudonymizeIds && key === 'channel') return this.pseudoChannel(value);
    if (verdict.user) return this.replacer.user(value);
    if (verdict.host && !/^localhost$/i.test(value)) {
      const s = this.str(value);
      return s === value ? this.replacer.host(value) : s;
    }
    return this.str(value);
  }

  private walk(value: unknown, depth: number, key: string | null): unknown {
    if (typeof value === 'string') return this.field(value, key);
    if (typeof value === 'number') {
      if (this.pseudonymizeIds && key !== null && UID_KEYS.has(key) && Number.isInteger(value))
        return this.uid(value);
      return value;
    }
    if (typeof value !== 'object' || value === null) return value;
    if (depth >= MAX_DEPTH) return '[redacted: too deep]';
    if (Array.isArray(value)) {
      const itemKey = key === 'uids' || key === 'peers' ? 'uid' : key;
      // Copy on write: an array (or object) with nothing to redact comes back as it was, so a
      // 1,000,000-record export does not copy every record (the copies cost more in GC than the
      // redaction itself).
      let copy: unknown[] | null = null;
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        const redacted = this.walk(v, depth + 1, itemKey);
        if (copy === null && redacted !== v) copy = value.slice(0, i);
        copy?.push(redacted);
      }
      return copy ?? value;
    }
    const source = value as Record<string, unknown>;
    const keys = Object.keys(source);
    let out: Record<string, unknown> | null = null;
    const uidKeys = this.pseudonymizeIds && key !== null && KEYED_BY_UID.has(key);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const v = source[k];
      if (uidKeys && isUidKey(k)) {
        out ??= prefixCopy(source, keys, i);
        out[String(this.uid(Number(k)))] = this.walk(v, depth + 1, null);
        continue;
      }
      let redacted: unknown;
      const verdict = this.verdict(k);
      if (verdict.sdp && typeof v !== 'string' && v !== null && v !== undefined)
        redacted = this.sdp(JSON.stringify(v));
      else if (verdict.secret && typeof v === 'object' && v !== null)
        redacted = this.replacer.secret(JSON.stringify(v));
      else redacted = this.walk(v, depth + 1, k);
      const plainKey = verdict.plain && !this.pseudonymizeIds;
      if (out === null && plainKey && redacted === v) continue;
      out ??= prefixCopy(source, keys, i);
      out[plainKey ? k : this.key(k, out)] = redacted;
    }
    return out ?? value;
  }

  /** An object key redacted like a value (`192.168.7.7:5000` → `private-1:5000`), never clashing. */
  private key(k: string, taken: Record<string, unknown>): string {
    if (isPlainWord(k) && !this.pseudonymizeIds) return k;
    const r = this.str(k);
    if (r === k || !Object.prototype.hasOwnProperty.call(taken, r)) return r;
    let n = 2;
    while (Object.prototype.hasOwnProperty.call(taken, `${r} #${n}`)) n++;
    return `${r} #${n}`;
  }
}

/** A copy of `source` holding its first `upTo` keys (of `keys`), for a copy on write. */
function prefixCopy(source: Record<string, unknown>, keys: string[], upTo: number): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (let j = 0; j < upTo; j++) copy[keys[j]!] = source[keys[j]!];
  return copy;
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
  const out = redactHeader(header, redactor);
  const recs = records.map((r) => redactor.value(r));
  return { header: out, records: recs, summary: redactor.summary() };
}

/**
 * The first step of redacting a trace, for callers that then redact its records one at a time
 * (`redactor.value(record)`, in order): teaches the redactor the header's channel names and the
 * scenario's UIDs (so numbering follows the scenario) and returns the redacted header.
 */
export function redactHeader(header: TraceHeader, redactor: Redactor): TraceHeader {
  if (!redactor.enabled) return header;
  const config = header.config as { channel?: unknown };
  const scenario = header.scenario as { channel?: unknown } | null;
  if (typeof config?.channel === 'string') redactor.learnChannel(config.channel);
  if (typeof scenario?.channel === 'string') redactor.learnChannel(scenario.channel);
  // UIDs first, in order of appearance (participants, then records), so numbering is readable.
  const participants = (scenario as { participants?: Array<{ uid?: unknown }> } | null)?.participants;
  if (redactor.pseudonymizeIds && Array.isArray(participants))
    for (const p of participants) if (typeof p?.uid === 'number') redactor.learnUid(p.uid);
  return redactor.value(header);
}

/** Counts and before → after examples of a redaction, for the export dialog (nothing is kept). */
export function previewRedaction(
  header: TraceHeader,
  records: readonly TraceRecord[],
  options: RedactionOptions = {},
): RedactionSummary {
  return redactTrace(header, records, options).summary;
}
