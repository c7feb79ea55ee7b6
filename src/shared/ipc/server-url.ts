/**
 * What the dashboard and the main process agree on about a channel server URL a person typed:
 * whether it points at this machine (loopback), and how it may be shown or logged (never with
 * its user info). Pure, so the renderer's confirmation step and the main side's refusal use the
 * same rule.
 */

/** Host names that always mean this machine. */
const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);

/**
 * True when `host` (a URL's `hostname`: IPv6 in brackets or not) is this machine: 127.0.0.0/8,
 * ::1 (also as `::ffff:127.x.y.z`), `localhost` and its subdomains.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (LOOPBACK_NAMES.has(h) || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return v4 !== null && Number(v4[1]) === 127 && v4.slice(2).every((p) => Number(p) <= 255);
}

/** The URL parsed, or null when it is not a `ws:`/`wss:` URL with a host. */
export function parseServerUrl(url: string): URL | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return (parsed.protocol === 'ws:' || parsed.protocol === 'wss:') && parsed.hostname !== '' ? parsed : null;
}

/** True when the server URL points at this machine (an unparsable URL is not). */
export function isLoopbackServerUrl(url: string): boolean {
  const parsed = parseServerUrl(url);
  return parsed !== null && isLoopbackHost(parsed.hostname);
}

/** The URL without user name and password, for logs, traces, status and messages. */
export function withoutUserinfo(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1');
  }
  if (parsed.username === '' && parsed.password === '') return url;
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}
