/**
 * A compact wire form of many trace records, for the dashboard's snapshot. A lab's records are
 * a few shapes repeated: a 200,000-record trace is 16 MiB of JSON, mostly the same keys and the
 * same short strings over and over, and in Chromium the page's main thread spends about 40 ms
 * per MiB of a WebSocket message before and after its handler runs, more than parsing it costs.
 * Here each distinct key list (with which of its values are strings) is written once; a record
 * is its shape's number followed by its values in one flat array; short strings are written
 * once in a table and referred to by number; `seq` is written as the step from the previous
 * record's. The same 200,000 records take 5.1 MiB.
 *
 * Lossless for what JSON can carry: decoding gives records equal to the ones encoded, keys in
 * the same order. Nested values (stats' `raw`, a fault's `target`) are carried as they are.
 * Malformed input is refused with a {@link CompactDecodeError} saying where and what.
 */
import { z } from 'zod';
import type { TraceRecord } from './records';

/** The version this code writes and reads. */
export const COMPACT_VERSION = 1;

/**
 * Per value, how it is written: `s` a string (a number is an index into `strings`, a string is
 * itself), `q` the record's seq as the step from the previous record's (the first from 0), `v`
 * anything else, as it is.
 */
type Kind = 's' | 'q' | 'v';

/** The compact form (plain JSON). */
export interface CompactRecords {
  v: typeof COMPACT_VERSION;
  /** How many records `rows` holds. */
  count: number;
  /** Per shape, its keys in order. */
  keys: string[][];
  /** Per shape, one {@link Kind} letter per key. */
  kinds: string[];
  /** Strings referred to by number from `s` values. */
  strings: string[];
  /** Per record: its shape's index, then one value per key of the shape. */
  rows: unknown[];
}

/**
 * The outline of {@link CompactRecords}, for the IPC contract; {@link decodeCompact} checks the
 * rest (shapes against rows) as it decodes.
 */
export const CompactRecordsSchema = z.object({
  v: z.literal(COMPACT_VERSION),
  count: z.number().int().nonnegative(),
  keys: z.array(z.array(z.string())),
  kinds: z.array(z.string()),
  strings: z.array(z.string()),
  rows: z.array(z.unknown()),
});

/** Longest string put in the table (longer ones are written in place: rarely repeated). */
const MAX_INTERNED_LENGTH = 48;
/** Most strings in the table (further ones are written in place). */
const MAX_STRINGS = 65_536;
/** Most shapes one encoding may hold (a lab writes a few dozen). */
export const MAX_SHAPES = 4096;

/** Why a compact form could not be decoded. */
export class CompactDecodeError extends Error {
  constructor(message: string) {
    super(`compact trace records: ${message}`);
    this.name = 'CompactDecodeError';
  }
}

function kindOf(name: string, value: unknown): Kind {
  return name === 'seq' ? 'q' : typeof value === 'string' ? 's' : 'v';
}

/** Builds the shape and string tables while records are encoded. */
class Encoder {
  readonly keys: string[][] = [];
  readonly kinds: string[] = [];
  readonly strings: string[] = [];
  readonly rows: unknown[] = [];
  private readonly shapeIds = new Map<string, number>();
  /** The shape the last record of each `type` had: most records repeat it. */
  private readonly lastShapeOfType = new Map<unknown, number>();
  private readonly stringIds = new Map<string, number>();
  private prevSeq = 0;

  add(fields: Record<string, unknown>): void {
    const shape = this.shapeOf(fields);
    const names = this.keys[shape]!;
    const kind = this.kinds[shape]!;
    const rows = this.rows;
    rows.push(shape);
    for (let i = 0; i < names.length; i++) {
      const value = fields[names[i]!];
      const k = kind.charCodeAt(i);
      if (k === 113 /* q */) {
        rows.push((value as number) - this.prevSeq);
        this.prevSeq = value as number;
      } else if (k === 115 /* s */) rows.push(this.intern(value as string));
      else rows.push(value);
    }
  }

  /** The record's shape: the last one of its type when keys and kinds match, else looked up. */
  private shapeOf(fields: Record<string, unknown>): number {
    const guess = this.lastShapeOfType.get(fields['type']);
    if (guess !== undefined && this.matches(fields, guess)) return guess;
    // A key whose value is undefined is left out, as JSON.stringify leaves it out.
    const names = Object.keys(fields).filter((name) => fields[name] !== undefined);
    let kind = '';
    for (const name of names) kind += kindOf(name, fields[name]);
    const signature = `${kind}\u0000${names.join('\u0000')}`;
    let shape = this.shapeIds.get(signature);
    if (shape === undefined) {
      if (this.keys.length >= MAX_SHAPES) throw new RangeError(`more than ${MAX_SHAPES} record shapes`);
      shape = this.keys.length;
      this.shapeIds.set(signature, shape);
      this.keys.push(names);
      this.kinds.push(kind);
    }
    this.lastShapeOfType.set(fields['type'], shape);
    return shape;
  }

  private matches(fields: Record<string, unknown>, shape: number): boolean {
    const names = this.keys[shape]!;
    const kind = this.kinds[shape]!;
    let i = 0;
    for (const name in fields) {
      if (!Object.hasOwn(fields, name) || fields[name] === undefined) continue;
      if (names[i] !== name || kind[i] !== kindOf(name, fields[name])) return false;
      i++;
    }
    return i === names.length;
  }

  private intern(text: string): number | string {
    if (text.length > MAX_INTERNED_LENGTH) return text;
    let id = this.stringIds.get(text);
    if (id === undefined) {
      if (this.strings.length >= MAX_STRINGS) return text;
      id = this.strings.length;
      this.stringIds.set(text, id);
      this.strings.push(text);
    }
    return id;
  }
}

/** Encodes `records` (see the file comment). */
export function encodeCompact(records: readonly TraceRecord[]): CompactRecords {
  const encoder = new Encoder();
  for (const record of records) encoder.add(record as unknown as Record<string, unknown>);
  const { keys, kinds, strings, rows } = encoder;
  return { v: COMPACT_VERSION, count: records.length, keys, kinds, strings, rows };
}

function checkShapes(keys: unknown, kinds: unknown): asserts keys is string[][] {
  if (!Array.isArray(keys) || !Array.isArray(kinds) || keys.length !== kinds.length)
    throw new CompactDecodeError('keys and kinds must be arrays of the same length');
  if (keys.length > MAX_SHAPES) throw new CompactDecodeError(`more than ${MAX_SHAPES} shapes`);
  keys.forEach((names: unknown, shape) => {
    const kind: unknown = kinds[shape];
    if (!Array.isArray(names) || typeof kind !== 'string' || kind.length !== names.length)
      throw new CompactDecodeError(`shape ${shape}: its keys and kinds do not match`);
    if (!/^[sqv]*$/.test(kind)) throw new CompactDecodeError(`shape ${shape}: unknown kind in "${kind}"`);
    for (const name of names) {
      if (typeof name !== 'string') throw new CompactDecodeError(`shape ${shape}: a key is not a string`);
      if (name === '__proto__')
        throw new CompactDecodeError(`shape ${shape}: the key "__proto__" is refused`);
    }
  });
}

/** Decodes what {@link encodeCompact} wrote; throws a {@link CompactDecodeError} on anything else. */
export function decodeCompact(input: unknown): TraceRecord[] {
  if (typeof input !== 'object' || input === null) throw new CompactDecodeError('not an object');
  const form = input as Partial<CompactRecords>;
  if (form.v !== COMPACT_VERSION)
    throw new CompactDecodeError(
      `version ${String(form.v)} is not ${COMPACT_VERSION}, the one this app reads`,
    );
  const { keys, kinds, strings, rows, count } = form;
  checkShapes(keys, kinds);
  if (!Array.isArray(strings) || !strings.every((s) => typeof s === 'string'))
    throw new CompactDecodeError('strings must be an array of strings');
  if (!Array.isArray(rows)) throw new CompactDecodeError('rows must be an array');
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > rows.length)
    throw new CompactDecodeError(`count ${String(count)} does not fit ${rows.length} row values`);
  const out = new Array<TraceRecord>(count);
  let at = 0;
  let seq = 0;
  for (let n = 0; n < count; n++) {
    const shape = rows[at];
    const names = typeof shape === 'number' ? keys[shape] : undefined;
    if (!names) throw new CompactDecodeError(`record ${n}: shape ${String(shape)} is not defined`);
    const kind = (kinds as string[])[shape as number]!;
    if (at + names.length >= rows.length) throw new CompactDecodeError(`record ${n}: the rows end inside it`);
    const record: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const value: unknown = rows[at + 1 + i];
      const k = kind.charCodeAt(i);
      if (k === 113 /* q */) {
        if (typeof value !== 'number')
          throw new CompactDecodeError(`record ${n}: its seq step is not a number`);
        seq += value;
        record[names[i]!] = seq;
      } else if (k === 115 /* s */) {
        const text = typeof value === 'number' ? strings[value] : value;
        if (typeof text !== 'string')
          throw new CompactDecodeError(`record ${n}: string ${String(value)} is not defined`);
        record[names[i]!] = text;
      } else record[names[i]!] = value;
    }
    out[n] = record as unknown as TraceRecord;
    at += 1 + names.length;
  }
  if (at !== rows.length)
    throw new CompactDecodeError(`${rows.length - at} row values after the last record`);
  return out;
}
