/**
 * The streaming JSON reader (tokenizer + walker) against the engine's own `JSON.parse`: seeded
 * random documents, written with random whitespace and cut into random chunks, must come out
 * equal; mutated texts must fail exactly when `JSON.parse` fails; every cut-off prefix must
 * either parse (when `JSON.parse` accepts it) or fail as truncated. Then the walker's routing.
 */
import { describe, expect, it } from 'vitest';
import {
  JsonSyntaxError,
  JsonTokenTooLongError,
  JsonTokenizer,
  type JsonTokenizerOptions,
} from '../../../src/shared/support/import/json-tokenizer';
import {
  JsonWalker,
  type JsonKind,
  type JsonPathKey,
  type JsonRoute,
  type JsonValue,
} from '../../../src/shared/support/import/json-walker';
import { mulberry32, type Random } from '../../../src/shared/random';

const pick = <T>(rand: Random, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

/** Strings that exercise escapes, surrogates, quotes and backslashes at chunk edges. */
const STRINGS = [
  '',
  'a',
  'é',
  '😀',
  '\\',
  '"',
  '\\"',
  'a\nb',
  '\u0001',
  '\u2028',
  '__proto__',
  'x'.repeat(50),
];

function randomString(rand: Random): string {
  let s = '';
  const n = Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) s += pick(rand, STRINGS);
  return s;
}

function randomNumber(rand: Random): number {
  switch (Math.floor(rand() * 5)) {
    case 0:
      return Math.floor(rand() * 10);
    case 1:
      return -Math.floor(rand() * 1e6);
    case 2:
      return (rand() - 0.5) * 1e-7;
    case 3:
      return rand() * 1e300;
    default:
      return Math.round(rand() * 1e4) / 100;
  }
}

function randomValue(rand: Random, depth: number): JsonValue {
  const roll = rand();
  if (depth > 0 && roll < 0.2) {
    const n = Math.floor(rand() * 5);
    return Array.from({ length: n }, () => randomValue(rand, depth - 1));
  }
  if (depth > 0 && roll < 0.4) {
    const o: Record<string, JsonValue> = {};
    const n = Math.floor(rand() * 5);
    for (let i = 0; i < n; i++) o[randomString(rand) + i] = randomValue(rand, depth - 1);
    return o;
  }
  if (roll < 0.6) return randomString(rand);
  if (roll < 0.8) return randomNumber(rand);
  return pick(rand, [true, false, null]);
}

/** `JSON.stringify(value)` with seeded whitespace between tokens. */
function spaced(value: JsonValue, rand: Random): string {
  const ws = (): string => (rand() < 0.3 ? pick(rand, [' ', '\n', '\t', '\r\n', '  ']) : '');
  const write = (v: JsonValue): string => {
    if (Array.isArray(v)) return `[${ws()}${v.map((x) => ws() + write(x) + ws()).join(',')}${ws()}]`;
    if (v !== null && typeof v === 'object')
      return `{${ws()}${Object.entries(v)
        .map(([k, x]) => `${ws()}${JSON.stringify(k)}${ws()}:${ws()}${write(x)}${ws()}`)
        .join(',')}${ws()}}`;
    return JSON.stringify(v);
  };
  return ws() + write(value) + ws();
}

/** `text` cut at seeded places (pieces of 1 to `max` chars). */
function chunks(text: string, rand: Random, max = 9): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length;) {
    const n = 1 + Math.floor(rand() * max);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

/** Parses `pieces` with the walker taking the root whole. */
function streamParse(pieces: readonly string[], options?: JsonTokenizerOptions): JsonValue {
  let result: { value: JsonValue } | null = null;
  const walker = new JsonWalker({
    route: () => 'take',
    take: (_path, value) => (result = { value }),
    leave: () => undefined,
  });
  const tokenizer = new JsonTokenizer(walker, options);
  for (const piece of pieces) tokenizer.write(piece);
  tokenizer.end();
  if (!result) throw new Error('no value taken');
  return (result as { value: JsonValue }).value;
}

/** What `JSON.parse` says of `text`: the value, or that it threw. */
function engine(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

describe('JSON tokenizer against JSON.parse', () => {
  it('reads 300 seeded documents in random chunks exactly as JSON.parse does', () => {
    const rand = mulberry32(20261206);
    for (let n = 0; n < 300; n++) {
      const text = spaced(randomValue(rand, 4), rand);
      const expected: unknown = JSON.parse(text);
      expect(streamParse(chunks(text, rand)), text).toStrictEqual(expected);
      expect(streamParse([text])).toStrictEqual(expected);
    }
  });

  it('keeps a __proto__ member an own property, like JSON.parse', () => {
    const value = streamParse(['{"__proto__":{"polluted":1},"a":2}']) as Record<string, unknown>;
    expect(Object.getOwnPropertyNames(value)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it('fails on a mutated text exactly when JSON.parse does', () => {
    const rand = mulberry32(7);
    const noise = [
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\',
      '-',
      '.',
      'e',
      '0',
      't',
      'x',
      ' ',
      '\u0000',
      '01',
    ];
    let failures = 0;
    for (let n = 0; n < 1000; n++) {
      const text = JSON.stringify(randomValue(rand, 3));
      const at = Math.floor(rand() * (text.length + 1));
      const cut = Math.floor(rand() * 3);
      const mutated = text.slice(0, at) + pick(rand, noise) + text.slice(at + cut);
      const want = engine(mutated);
      let got: { ok: true; value: unknown } | { ok: false; error: unknown };
      try {
        got = { ok: true, value: streamParse(chunks(mutated, rand)) };
      } catch (error) {
        got = { ok: false, error };
      }
      expect(got.ok, mutated).toBe(want.ok);
      if (want.ok && got.ok) expect(got.value, mutated).toStrictEqual(want.value);
      if (!got.ok) {
        expect(got.error, mutated).toBeInstanceOf(JsonSyntaxError);
        failures++;
      }
    }
    // The mutations must have produced both kinds of text for the comparison to mean anything.
    expect(failures).toBeGreaterThan(200);
    expect(failures).toBeLessThan(1000);
  });

  it('reports every cut-off prefix as truncated (or reads it, when JSON.parse can)', () => {
    const rand = mulberry32(99);
    for (let n = 0; n < 40; n++) {
      const text = spaced(randomValue(rand, 3), rand).trim();
      for (let end = 0; end < text.length; end++) {
        const prefix = text.slice(0, end);
        const want = engine(prefix);
        try {
          const value = streamParse(chunks(prefix, rand, 4));
          expect(want.ok, prefix).toBe(true);
          if (want.ok) expect(value).toStrictEqual(want.value);
        } catch (error) {
          expect(want.ok, prefix).toBe(false);
          expect(error, prefix).toBeInstanceOf(JsonSyntaxError);
          expect((error as JsonSyntaxError).truncated, prefix).toBe(true);
        }
      }
    }
  });

  it('says where a syntax error is, and that it is not truncation', () => {
    const error = (() => {
      try {
        streamParse(['{"a": [1, 2', ',, 3]}']);
      } catch (e) {
        return e as JsonSyntaxError;
      }
      throw new Error('no error');
    })();
    expect(error).toBeInstanceOf(JsonSyntaxError);
    expect(error.truncated).toBe(false);
    expect(error.position).toBe(12);
  });

  it('refuses a string, number or literal longer than the token cap, even split across chunks', () => {
    const long = `{"a":"${'x'.repeat(1000)}"}`;
    expect(streamParse(chunks(long, mulberry32(1)), { maxTokenChars: 1000 })).toEqual({
      a: 'x'.repeat(1000),
    });
    expect(() => streamParse(chunks(long, mulberry32(1)), { maxTokenChars: 999 })).toThrow(
      JsonTokenTooLongError,
    );
    const digits = `[${'9'.repeat(500)}]`;
    expect(() => streamParse(chunks(digits, mulberry32(2)), { maxTokenChars: 100 })).toThrow(
      /position 1 is longer than 100 characters/,
    );
  });
});

describe('JSON walker routing', () => {
  const doc = {
    keep: { a: 1, b: [1, { c: 2 }] },
    drop: { huge: ['x', 'y', { z: 1 }] },
    list: [{ id: 1 }, 'two', [3], { id: 4 }],
    s: 'str',
  };

  function walk(route: (path: readonly JsonPathKey[], kind: JsonKind) => JsonRoute): string[] {
    const log: string[] = [];
    const walker = new JsonWalker({
      route: (path, kind) => {
        const r = route(path, kind);
        log.push(`route ${JSON.stringify(path)} ${kind} ${r}`);
        return r;
      },
      take: (path, value) => log.push(`take ${JSON.stringify(path)} ${JSON.stringify(value)}`),
      leave: (path, kind) => log.push(`leave ${JSON.stringify(path)} ${kind}`),
    });
    const tokenizer = new JsonTokenizer(walker);
    for (const piece of chunks(JSON.stringify(doc), mulberry32(3), 5)) tokenizer.write(piece);
    tokenizer.end();
    return log;
  }

  it('descends, takes and skips along paths, with array indices counting every value', () => {
    const log = walk((path) => {
      if (path.length === 0 || path[0] === 'list') return path.length < 2 ? 'descend' : 'take';
      if (path[0] === 'drop') return 'skip';
      return 'take';
    });
    expect(log).toEqual([
      'route [] object descend',
      'route ["keep"] object take',
      'take ["keep"] {"a":1,"b":[1,{"c":2}]}',
      'route ["drop"] object skip',
      'route ["list"] array descend',
      'route ["list",0] object take',
      'take ["list",0] {"id":1}',
      'route ["list",1] primitive take',
      'take ["list",1] "two"',
      'route ["list",2] array take',
      'take ["list",2] [3]',
      'route ["list",3] object take',
      'take ["list",3] {"id":4}',
      'leave ["list"] array',
      'route ["s"] primitive take',
      'take ["s"] "str"',
      'leave [] object',
    ]);
  });

  it('never routes inside a skipped container, and a descended primitive is dropped', () => {
    const log = walk((path) => (path.length === 0 ? 'descend' : path[0] === 'list' ? 'skip' : 'descend'));
    expect(log.filter((l) => l.includes('"list",'))).toEqual([]);
    expect(log.filter((l) => l.startsWith('take'))).toEqual([]);
    expect(log).toContain('route ["keep","b",1] object descend');
    expect(log).toContain('route ["keep","b",1,"c"] primitive descend');
    expect(log.at(-1)).toBe('leave [] object');
  });
});
