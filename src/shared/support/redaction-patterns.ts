/**
 * The patterns of redaction: which field names give a value away, and the ordered rules that
 * find addresses, host names, MACs, e-mail addresses, home directories, user names and secrets
 * inside free text. Each rule hands what it found to a {@link Replacer} (the redactor, which
 * keeps the pseudonym tables and the tally) and gets the replacement back. Pure.
 *
 * Order matters: the host of a URL first (its user info may hold anything), URL user info
 * before e-mail addresses (`ws://bob:pw@host.example.com` is no
 * address), e-mail addresses before host names, host names before IP addresses (a host name may
 * embed an address: `ip-10-9-8-7.ec2.internal`), and the shapes of secrets before the long
 * base64 runs.
 */

/** Replaces what the rules find; each method returns the replacement. */
export interface Replacer {
  /** An IPv4 or IPv6 address (validated), without port or zone. */
  ip(addr: string): string;
  /** A host name (mDNS `*.local` names included). */
  host(name: string): string;
  /** A MAC address. */
  mac(mac: string): string;
  /** An e-mail address. */
  email(address: string): string;
  /** A home directory (`/home/alice`, `C:\Users\alice`): the whole prefix. */
  home(prefix: string): string;
  /** A user name (TURN user, URL user, ICE ufrag). */
  user(name: string): string;
  /** A secret of any shape. */
  secret(secret: string): string;
}

/** One free-text rule: a global pattern, a cheap gate, and what to do with each match. */
export interface TextRule {
  /** The rule runs only on strings that contain this (a fast pre-check). */
  gate: string | null;
  pattern: RegExp;
  /** The replacement of one match (`groups` are the pattern's capture groups). */
  apply(r: Replacer, match: string, groups: string[]): string;
}

/** Field names whose string values are secrets (numbers stay: `tokenTtlMs` is a duration). */
export const SECRET_KEY =
  /token|secret|passw|passphrase|credential|authorization|apikey|api_key|cookie|pwd|private_?key|^pass$/i;
/** Field names whose string values are user names (TURN usernames, ICE ufrags). */
export const USER_KEY = /(?:user|user_?name|login|ufrag|usernamefragment)$/i;
/** Field names whose string values are host names (unless an address or localhost). */
export const HOST_KEY = /^(?:host_?name|fqdn|computer_?name|machine_?name)$/i;

/** What a field's name says about its value (the redactor works it out once per name). */
export interface KeyVerdict {
  secret: boolean;
  sdp: boolean;
  user: boolean;
  host: boolean;
  /** The name itself cannot hold anything to redact. */
  plain: boolean;
}

/** The {@link KeyVerdict} on one field name. */
export function keyVerdict(key: string): KeyVerdict {
  return {
    secret: SECRET_KEY.test(key),
    sdp: key.toLowerCase() === 'sdp',
    user: USER_KEY.test(key),
    host: HOST_KEY.test(key),
    plain: isPlainWord(key),
  };
}

/**
 * Strings these rules cannot touch: at most 31 word characters with at most two dashes. Most
 * values of a trace (`connected`, `user-joined`, `rttMs`) are such words, so this gate keeps
 * redaction fast.
 */
export function isPlainWord(s: string): boolean {
  return s.length < 32 && PLAIN_WORD.test(s);
}
const PLAIN_WORD = /^[A-Za-z0-9_]*(?:-[A-Za-z0-9_]*){0,2}$/;

/** Names that are already pseudonyms (or harmless), so the host rules leave them. */
const PSEUDONYM = /^(?:loopback|private|ip|host|user|email|mac|channel)-\d+(?:\.local)?$|^localhost$/i;

/** Suffixes that make a dotted name a host name: private and mDNS zones, then common TLDs. */
const HOST_SUFFIX =
  'local|internal|lan|corp|home|localdomain|intranet|intra|arpa|com|net|org|io|cloud|edu|gov|info|biz';
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';

/** Checks the four parts of a dotted quad (no leading zeros, at most 255). */
export function ipv4Ok(s: string): boolean {
  return s.split('.').every((p) => p.length > 0 && Number(p) <= 255 && !(p.length > 1 && p[0] === '0'));
}

/** Checks an IPv6 candidate: hex groups, at most one `::`, an optional dotted-quad tail. */
export function ipv6Ok(s: string): boolean {
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

/** The pseudonym class of an address: loopback, private (RFC 1918, link-local, CGNAT, ULA) or ip. */
export function ipClass(addr: string): 'loopback' | 'private' | 'ip' {
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

/** A `Basic …` credential looks like base64 of `user:password`, not like a word. */
function looksEncoded(s: string): boolean {
  return /[0-9+/=]/.test(s) || (/[a-z]/.test(s) && /[A-Z]/.test(s));
}

const keep = (_r: Replacer, match: string): string => match;
/** `prefix` kept, the secret after it replaced. */
const secretAfter = (r: Replacer, _m: string, [prefix, secret]: string[]): string =>
  `${prefix}${r.secret(secret!)}`;
const secretWhole = (r: Replacer, m: string): string => r.secret(m);
const userAfter = (r: Replacer, _m: string, [prefix, name]: string[]): string => `${prefix}${r.user(name!)}`;

/** The free-text rules, in the order they run. */
export const TEXT_RULES: readonly TextRule[] = [
  {
    // the host of a URL, whatever its name (`wss://sfu.acme.example:443`)
    gate: '://',
    pattern:
      /(\b[a-z][a-z0-9+.-]*:\/\/(?:[^\s/?#@[]*@)?)([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(?=[:/?#\s"'<>]|$)/gi,
    apply: (r, m, [prefix, host]) =>
      /[A-Za-z]/.test(host!) && !PSEUDONYM.test(host!) ? `${prefix}${r.host(host!)}` : m,
  },
  {
    // URL user info: `ws://bob:hunter2@host` → `ws://user-1:[redacted: secret]@host`.
    gate: '@',
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:[\]"'<>]+)(?::([^\s/?#@"'<>]*))?@/gi,
    apply: (r, _m, [scheme, user, pass]) =>
      `${scheme}${r.user(user!)}${pass === undefined ? '' : `:${pass === '' ? '' : r.secret(pass)}`}@`,
  },
  {
    // `Authorization: Basic …`, `authorization=Digest …`: the scheme stays, the credential goes.
    gate: null,
    pattern: /(\bauthorization["']?\s*[:=]\s*["']?(?:[A-Za-z][A-Za-z0-9-]*\s+)?)(?!\[redacted)([^\s"',;]+)/gi,
    apply: secretAfter,
  },
  {
    gate: null,
    pattern: /(\bBasic\s+)([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/g,
    apply: (r, m, groups) => (looksEncoded(groups[1]!) ? secretAfter(r, m, groups) : keep(r, m)),
  },
  // our tokens and JWTs
  { gate: 'eyJ', pattern: /\beyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]{8,}){1,2}/g, apply: secretWhole },
  // base64url.base64url
  {
    gate: '.',
    pattern: /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{40,}(?![A-Za-z0-9_-])/g,
    apply: secretWhole,
  },
  { gate: null, pattern: /(\bBearer\s+)([A-Za-z0-9._~+/-]{8,}=*)/gi, apply: secretAfter },
  {
    gate: '=',
    pattern: /([?&;](?:token|secret|key|password|auth|sig|signature|access_token)[A-Za-z_]*=)([^&\s#"']+)/gi,
    apply: secretAfter,
  },
  { gate: null, pattern: /(?<![0-9A-Za-z])[0-9A-Fa-f]{32,}(?![0-9A-Za-z])/g, apply: secretWhole },
  {
    // SDP attributes and candidate lines: `a=ice-pwd:…` goes, `a=ice-ufrag:…` / `ufrag …` is a user.
    gate: null,
    pattern: /(\bice-pwd\s*[:=]\s*)(?!\[redacted)([^\s"',;]+)/gi,
    apply: secretAfter,
  },
  {
    gate: null,
    pattern: /(\b(?:ice-ufrag\s*[:=]|ufrag)\s*)(?!\[redacted|user-\d)([^\s"',;]+)/gi,
    apply: userAfter,
  },
  {
    // `token=…`, `password: "…"` in free text (after the shapes above, so no double replacement)
    gate: null,
    pattern:
      /(\b(?:token|secret|password|passwd|apikey|api_key|credential)s?["']?\s*[=:]\s*["']?)(?!\[redacted)([^\s&#"',;]{4,})/gi,
    apply: secretAfter,
  },
  {
    // long base64 runs with digits and both cases (not URL paths)
    gate: null,
    pattern: /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{40,}={0,2}/g,
    apply: (r, m) =>
      /[0-9]/.test(m) && /[A-Z]/.test(m) && /[a-z]/.test(m) && !m.includes('//') ? r.secret(m) : m,
  },
  {
    // `username=…`, `user: "…"` in free text
    gate: null,
    pattern: /(\b(?:user(?:_?name)?|login)["']?\s*[=:]\s*["']?)(?!\[redacted|user-\d)([^\s&#"',;]{2,})/gi,
    apply: userAfter,
  },
  {
    gate: '@',
    pattern:
      /(?<![A-Za-z0-9._%+\-/:])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])/g,
    apply: (r, m) => r.email(m),
  },
  {
    // home directories: POSIX (`/home/alice`, `/Users/alice`, `/root`) and Windows
    gate: null,
    pattern:
      /(?<![A-Za-z0-9_.-])(?:\/(?:home|Users|var\/home)\/(?!~)[^\s/\\"'<>:;,]+|\/root(?![A-Za-z0-9_.-])|[A-Za-z]:[\\/]+(?:Users|Documents and Settings)[\\/]+[^\s\\/"'<>:;,]+)/g,
    apply: (r, m) => r.home(m),
  },
  {
    // dotted host names with a known suffix, mDNS `*.local` included
    gate: '.',
    pattern: new RegExp(
      `(?<![A-Za-z0-9_.-])(?:${LABEL}\\.)+(?:${HOST_SUFFIX})(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])`,
      'g',
    ),
    apply: (r, m) => (PSEUDONYM.test(m) ? m : r.host(m)),
  },
  {
    gate: null,
    pattern: /(?<![0-9A-Fa-f:-])[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}(?![0-9A-Fa-f:-])/g,
    apply: (r, m) => r.mac(m),
  },
  {
    gate: ':',
    pattern:
      /(?<![0-9A-Za-z:.])((?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}))(%[0-9A-Za-z_.-]+)?(?![0-9A-Za-z:]|\.\d)/g,
    apply: (r, m, [addr]) => (ipv6Ok(addr!) ? r.ip(addr!) : m),
  },
  {
    gate: '.',
    pattern: /(?<![0-9A-Za-z.])(\d{1,3}(?:\.\d{1,3}){3})(?![0-9A-Za-z]|\.\d)/g,
    apply: (r, m, [addr]) => (ipv4Ok(addr!) ? r.ip(addr!) : m),
  },
];

/** Runs every rule over one string. */
export function applyTextRules(input: string, r: Replacer): string {
  let s = input;
  for (const rule of TEXT_RULES) {
    if (rule.gate !== null && !s.includes(rule.gate)) continue;
    s = s.replace(rule.pattern, (match: string, ...rest: unknown[]) => {
      const groups: string[] = [];
      for (const g of rest) {
        if (typeof g === 'number') break; // the offset follows the groups
        groups.push(g as string);
      }
      return rule.apply(r, match, groups);
    });
  }
  return s;
}
