/**
 * The line splitter against the plainest reference there is (split the whole input at each
 * newline byte, decode each line alone, skip lines over the cap), over inputs with multi-byte
 * and invalid UTF-8, CRLF, empty lines and lines over the cap, cut into chunks at random places.
 */
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../src/lab/trace/lines';
import { seededUnit } from '../seeded';

type Event = ['line', string, number] | ['oversize', number, number];

function reference(input: Buffer, cap: number): { events: Event[]; tail: string | undefined } {
  const events: Event[] = [];
  let start = 0;
  let lineNo = 0;
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== 10) continue;
    lineNo++;
    const bytes = i - start;
    events.push(
      bytes > cap ? ['oversize', lineNo, bytes] : ['line', input.toString('utf8', start, i), lineNo],
    );
    start = i + 1;
  }
  const rest = input.subarray(start);
  return { events, tail: rest.length === 0 || rest.length > cap ? undefined : rest.toString('utf8') };
}

function split(input: Buffer, cap: number, cuts: number[]): { events: Event[]; tail: string | undefined } {
  const events: Event[] = [];
  const splitter = new LineSplitter(
    {
      line: (text, lineNo) => events.push(['line', text, lineNo]),
      oversize: (lineNo, bytes) => events.push(['oversize', lineNo, bytes]),
    },
    cap,
  );
  let at = 0;
  for (const cut of [...cuts, input.length]) {
    splitter.push(input.subarray(at, cut));
    at = cut;
  }
  return { events, tail: splitter.end().text };
}

const PIECES = [
  Buffer.from('{"seq":1,"type":"mark","label":"ok"}'),
  Buffer.from('état → ü 😀'),
  Buffer.from([0xe2, 0x82]), // a cut three-byte sequence
  Buffer.from([0xff, 0xfe, 0x41]),
  Buffer.from([0xf0, 0x9f]), // a cut four-byte sequence
  Buffer.from('\r'),
  Buffer.from('\n'),
  Buffer.from('\n\n'),
];

describe('LineSplitter', () => {
  it('gives the lines, the skipped lines and the tail that splitting each line alone gives', () => {
    const rnd = seededUnit(42);
    for (let round = 0; round < 300; round++) {
      const cap = [16, 64, 1024, 1 << 20][round % 4]!;
      const parts: Buffer[] = [];
      const count = 1 + Math.floor(rnd() * 200);
      for (let i = 0; i < count; i++) {
        const r = rnd();
        if (r < 0.03)
          parts.push(Buffer.alloc(Math.floor(rnd() * 3 * cap) + 1, 0x61)); // maybe over the cap
        else parts.push(PIECES[Math.floor(rnd() * PIECES.length)]!);
      }
      const input = Buffer.concat(parts);
      const cuts: number[] = [];
      const n = Math.floor(rnd() * 8);
      for (let i = 0; i < n; i++) cuts.push(Math.floor(rnd() * input.length));
      cuts.sort((a, b) => a - b);
      expect(split(input, cap, cuts), `round ${round}`).toEqual(reference(input, cap));
    }
  });

  it('splits a chunk of many megabytes into its lines', () => {
    const line = '{"seq":1,"t":2,"type":"signal","uid":1,"dir":"tx","msg":"ping → ü"}';
    const input = Buffer.from(`${line}\n`.repeat(60_000));
    const { events, tail } = split(input, 1 << 20, []);
    expect(events).toHaveLength(60_000);
    expect(events.every((e) => e[0] === 'line' && e[1] === line)).toBe(true);
    expect(events.at(-1)![2]).toBe(60_000);
    expect(tail).toBeUndefined();
  });
});
