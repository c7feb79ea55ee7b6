/**
 * The bundle's CSV cells: RFC 4180 quoting, and no cell a spreadsheet would run as a formula
 * (CSV injection) — a text starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`, in
 * events.csv as in stats.csv; numbers stay numbers.
 */
import { describe, expect, it } from 'vitest';
import { csvField, eventsCsv, statsCsv } from '../../../src/app/support/bundle';
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

  it('applies to what a trace carries into stats.csv (the candidate pair a peer reported)', () => {
    const records = [
      {
        seq: 1,
        t: 0,
        uid: 3,
        type: 'stats',
        rttMs: 12,
        lossPct: 0,
        jitterMs: 1,
        sendKbps: 10,
        recvKbps: 20,
        raw: { candidatePair: '@SUM(1+1)*cmd|"/c calc"' },
      },
    ] as unknown as TraceRecord[];
    const cells = statsCsv(records).split('\r\n')[1]!;
    expect(cells.startsWith('1,0,3,12,0,1,10,20,')).toBe(true);
    expect(cells).toContain(`,"'@SUM(1+1)`);
    expect(cells).not.toMatch(/(^|,)"?@/);
  });

  it("puts in events.csv's detail every field the summary does not show, and only those", () => {
    const records = [
      { seq: 1, t: 0, uid: 2, type: 'signal', dir: 'tx', msg: 'ping' },
      { seq: 2, t: 5, uid: 2, type: 'signal', dir: 'rx', msg: 'pong', bytes: 31 },
      { seq: 3, t: 9, uid: 2, type: 'log', level: 'warn', msg: 'slow', event: 'rtt', error: undefined },
      { seq: 4, t: 9, uid: 2, type: 'media', event: 'ice', pc: 'sub', value: 'failed', local: { port: 9 } },
    ] as unknown as TraceRecord[];
    const rows = eventsCsv(records).split('\r\n').slice(1, -1);
    expect(rows).toEqual([
      '1,0,signal,2,tx ping,',
      '2,5,signal,2,rx pong,"{""bytes"":31}"',
      '3,9,log,2,warn: slow,"{""event"":""rtt""}"',
      '4,9,media,2,ice sub failed,"{""local"":{""port"":9}}"',
    ]);
  });

  it('writes a row for a record of a type it does not know, even one named like an Object method', () => {
    const records = [
      { seq: 1, t: 0, uid: null, type: 'toString', note: 'x' },
      { seq: 2, t: 1, uid: null, type: 'future-kind', a: 1 },
    ] as unknown as TraceRecord[];
    const rows = eventsCsv(records).split('\r\n').slice(1, -1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^1,0,toString,,.*"\{""note"":""x""\}"$/);
    expect(rows[1]).toMatch(/^2,1,future-kind,,.*"\{""a"":1\}"$/);
  });
});
