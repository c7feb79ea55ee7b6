/**
 * HTML escaping for the report. A trace is untrusted input: every string that reaches the page
 * goes through {@link esc} (text and attribute values alike), numbers through {@link num}.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes any value for HTML text or a quoted attribute (non-strings are stringified first). */
export function esc(value: unknown): string {
  const s = typeof value === 'string' ? value : value === undefined ? '' : String(value);
  // Lone surrogates and C0 controls (except tab/newline) would make the file invalid; drop them.
  return (
    s
      .replace(/[&<>"'`]/g, (c) => ENTITIES[c]!)
      // eslint-disable-next-line no-control-regex -- replacing control characters is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
  );
}

/** A finite number rounded to `digits` decimals, or `fallback` (for SVG coordinates and cells). */
export function num(value: unknown, digits = 1, fallback = '0'): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return String(Math.round(value * 10 ** digits) / 10 ** digits);
}

/** A colour usable in an attribute: `#rgb`/`#rrggbb` only, else grey. */
export function color(value: string): string {
  return /^#[0-9a-fA-F]{3,8}$/.test(value) ? value : '#888888';
}
