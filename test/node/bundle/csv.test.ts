/**
 * The bundle's CSV cells: RFC 4180 quoting, and no cell a spreadsheet would run as a formula
 * (CSV injection) — a text starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`, in
 * events.csv as in stats.csv; numbers stay numbers.
 */
import { describe, expect, it } from 'vitest';
import { csvField, eventsCsv } from '../../../src/app/support/bundle';
import type { TraceRecord } from '../../../src/shared/trace/records';

describe('csvField', () => {
  it('quotes commas, quotes and line breaks', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
  });

  it.each(['=HYPERLINK("http://x.test")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'])(
    'neutralises a formula start: %j',
    (text) => {
      const cell = csvField(text);
      const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
      expect(unquoted).toBe(`'${text}`);
    },
  );

  it('leaves numbers, negative ones included, as numbers', () => {
    expect(csvField(-5)).toBe('-5');
    expect(csvField(12.5)).toBe('12.5');
  });

  it('applies to what a trace carries into events.csv', () => {
    const records = [
      { seq: 1, t: 0, uid: null, type: 'mark', label: '=cmd|"/c calc"!A1' },
    ] as unknown as TraceRecord[];
    const cells = eventsCsv(records).split('\r\n')[1]!;
    expect(cells).toContain(`,"'=cmd|`);
    expect(cells).not.toMatch(/(^|,)"?=/);
  });
});
