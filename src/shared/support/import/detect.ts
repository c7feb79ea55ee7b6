/**
 * Tells support files apart by their content, never their name: zip (a bundle), gzip, or text
 * that is a Faultline trace, an rtcstats dump or a JSON document (a webrtc-internals dump?).
 */

/** What the first bytes say. */
export type ContainerKind = 'zip' | 'gzip' | 'text' | 'empty';
/** What a text's beginning says. */
export type TextKind = 'trace' | 'rtcstats' | 'json' | 'unknown';

/** Zip (local file header or empty archive) or gzip magic, else text. */
export function detectContainer(head: Uint8Array): ContainerKind {
  if (head.length === 0) return 'empty';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5))
    return 'zip';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  return 'text';
}

/** Classifies a text from its beginning (`head` may be cut anywhere). */
export function detectText(head: string): TextKind {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (text === '') return 'unknown';
  const nl = text.indexOf('\n');
  const first = (nl < 0 ? text : text.slice(0, nl)).trim();
  if (first === 'RTCStatsDump' || first.startsWith('[')) return 'rtcstats';
  if (!first.startsWith('{')) return 'unknown';
  let value: unknown = undefined;
  try {
    value = JSON.parse(first);
  } catch {
    return 'json'; // a pretty-printed or very long JSON document
  }
  if (typeof value !== 'object' || value === null) return 'unknown';
  const obj = value as Record<string, unknown>;
  if ('format' in obj) return 'trace';
  if ('PeerConnections' in obj) return 'json';
  if ('fileFormat' in obj) return 'rtcstats';
  const rest = nl < 0 ? '' : text.slice(nl + 1).trimStart();
  return rest.startsWith('[') ? 'rtcstats' : 'json';
}
