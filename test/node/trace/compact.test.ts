/**
 * The compact wire form of the dashboard's snapshot: lossless (equal records, keys in the same
 * order) for every record type, shapes that change within a type, long and many strings; less
 * than half the bytes; and every kind of malformed input refused with a specific error.
 */
import { describe, expect, it } from 'vitest';
import {
  CompactDecodeError,
  decodeCompact,
  encodeCompact,
  type CompactRecords,
} from '../../../src/shared/trace/compact';
import type { TraceRecord } from '../../../src/shared/trace/records';
import { sampleRecords } from './sample';

/** Encodes, sends through JSON as the wire does, decodes. */
function roundTrip(records: readonly TraceRecord[]): TraceRecord[] {
  return decodeCompact(JSON.parse(JSON.stringify(encodeCompact(records))));
}

const log = (seq: number, msg: string, extra: Record<string, unknown> = {}): TraceRecord =>
  ({ seq, t: seq * 1.25, type: 'log', uid: null, level: 'info', msg, ...extra }) as TraceRecord;

describe('encodeCompact → decodeCompact', () => {
  it('gives back every record type equal, keys in the same order', () => {
    const records = sampleRecords(900);
    const back = roundTrip(records);
    expect(back).toEqual(records);
    expect(JSON.stringify(back)).toBe(JSON.stringify(records));
  });

  it('keeps shapes that change within a type, seq gaps, nested values and long strings', () => {
    const long = 'x'.repeat(200);
    const records = [
      log(3, 'short'),
      log(4, long),
      log(10, 'short', { extra: { nested: [1, 'two', null] } }),
      // The same key as a number here and a string there is two shapes.
      { seq: 11, t: 12, type: 'media', uid: 1, event: 'ice-state', pc: 'pub', value: 'connected' },
      { seq: 12, t: 13.5, type: 'media', uid: 1, event: 'bitrate', pc: 'pub', value: 1200 },
      log(900, 'short'),
      // Left out, as JSON leaves it out.
      log(901, 'short', { cause: undefined }),
    ] as TraceRecord[];
    const back = roundTrip(records);
    expect(JSON.stringify(back)).toBe(JSON.stringify(records));
    expect(Object.keys(back.at(-1)!)).not.toContain('cause');
    const form = encodeCompact(records);
    expect(form.strings).not.toContain(long);
    expect(form.strings.filter((s) => s === 'short')).toHaveLength(1);
  });

  it('writes past the string table when it is full, and still decodes', () => {
    const records = Array.from({ length: 70_000 }, (_, i) => log(i + 1, `m${i}`));
    const form = encodeCompact(records);
    expect(form.strings.length).toBeLessThanOrEqual(65_536);
    expect(decodeCompact(form)).toEqual(records);
  });

  it('takes less than half the bytes of the same records as JSON (0.38 for this sample)', () => {
    const records = sampleRecords(20_000);
    const compact = JSON.stringify(encodeCompact(records)).length;
    expect(compact / JSON.stringify(records).length).toBeLessThan(0.5);
  });

  it('encodes no records as an empty form', () => {
    expect(decodeCompact(encodeCompact([]))).toEqual([]);
  });
});

describe('decodeCompact refuses malformed input, saying what is wrong', () => {
  const good = (): CompactRecords => encodeCompact([log(1, 'a'), log(2, 'b')]);
  const cases: Array<[string, (f: CompactRecords) => unknown, RegExp]> = [
    ['not an object', () => 'text', /not an object/],
    ['another version', (f) => ({ ...f, v: 2 }), /version 2 is not 1/],
    ['keys and kinds of different lengths', (f) => ({ ...f, kinds: [] }), /same length/],
    ['a kind that does not fit its keys', (f) => ({ ...f, kinds: ['vv'] }), /keys and kinds do not match/],
    ['an unknown kind', (f) => ({ ...f, kinds: [f.kinds[0]!.replace('s', 'x')] }), /unknown kind/],
    ['a __proto__ key', (f) => ({ ...f, keys: [['__proto__', ...f.keys[0]!.slice(1)]] }), /__proto__/],
    [
      'an undefined shape',
      (f) => ({ ...f, rows: [5, ...f.rows.slice(1)] }),
      /record 0: shape 5 is not defined/,
    ],
    ['an undefined string', (f) => ({ ...f, strings: [] }), /record 0: string 0 is not defined/],
    ['rows that end inside a record', (f) => ({ ...f, rows: f.rows.slice(0, -1) }), /record 1: the rows end/],
    ['rows left after the last record', (f) => ({ ...f, rows: [...f.rows, 0] }), /1 row values after/],
    ['a count beyond the rows', (f) => ({ ...f, count: 99 }), /count 99 does not fit/],
    [
      'a seq step that is not a number',
      (f) => ({ ...f, rows: f.rows.map((v, i) => (i === 1 ? 'x' : v)) }),
      /seq step/,
    ],
    ['strings that are not strings', (f) => ({ ...f, strings: [1] }), /array of strings/],
  ];

  it.each(cases)('%s', (_, mutate, message) => {
    const form = good();
    // The first key of a log record is seq: the mutation that swaps rows[1] hits its step.
    expect(form.keys[0]![0]).toBe('seq');
    const bad = mutate(form);
    expect(() => decodeCompact(bad)).toThrow(CompactDecodeError);
    expect(() => decodeCompact(bad)).toThrow(message);
  });
});
