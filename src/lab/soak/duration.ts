/** Durations as a person types them on the command line: `90s`, `30m`, `2h`, `1h30m`, `500ms`. */
import { CodedError } from '../../shared/errors';

/** A duration that could not be read; the message says what was wrong and gives examples. */
export class DurationError extends CodedError<'INVALID_DURATION'> {
  override readonly name = 'DurationError';
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super('INVALID_DURATION', `"${input}" is not a duration: ${reason} (e.g. 90s, 30m, 2h, 1h30m)`);
  }
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/** Longest duration accepted (a week): anything longer is surely a typo. */
export const MAX_DURATION_MS = 7 * 86_400_000;

/**
 * Milliseconds in a duration such as `90s`, `30m`, `2h` or `1h30m` (units ms, s, m, h, d;
 * a unit is required). Throws {@link DurationError} for anything else, zero, or more than a week.
 */
export function parseDuration(input: string): number {
  const text = input.trim().toLowerCase();
  if (text === '') throw new DurationError(input, 'it is empty');
  if (/^\d+(\.\d+)?$/.test(text)) throw new DurationError(input, 'it has no unit');
  let total = 0;
  for (let pos = 0; pos < text.length; pos = PART.lastIndex) {
    PART.lastIndex = pos;
    const match = PART.exec(text);
    if (!match) throw new DurationError(input, `unexpected "${text.slice(pos)}"`);
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
  }
  if (!(total > 0)) throw new DurationError(input, 'it must be longer than zero');
  if (total > MAX_DURATION_MS) throw new DurationError(input, 'it is longer than a week');
  return Math.round(total);
}

/** A duration for people: `4m 05s`, `1h 02m`, `12.3s`. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}h ${pad(m)}m` : `${m}m ${pad(s % 60)}s`;
}
