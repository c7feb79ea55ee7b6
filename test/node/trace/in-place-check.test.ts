/**
 * The in-place check in front of zod (src/shared/trace/in-place-check.ts) may say "yes" only
 * where zod accepts the value and returns an equal one. Property test: real lab records and the
 * sample records, mutated at random paths (removed fields, wrong types, out-of-range numbers,
 * extra and `__proto__` keys), as `JSON.parse` would hand them over.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TraceRecordSchema } from '../../../src/shared/trace/records';
import { compileInPlaceCheck } from '../../../src/shared/trace/in-place-check';
import { rng } from '../open/helpers';
import { sampleRecords } from './sample';

const labRuns = join(import.meta.dirname, '..', '..', 'fixtures', 'lab-runs');
const acceptsAsIs = compileInPlaceCheck(TraceRecordSchema);

/** Every record line of the recorded lab runs, as text. */
function realRecordLines(): string[] {
  const lines: string[] = [];
  for (const f of readdirSync(labRuns).filter((n) => n.endsWith('.ndjson.gz'))) {
    const text = gunzipSync(readFileSync(join(labRuns, f))).toString('utf8');
    lines.push(
      ...text
        .split('\n')
        .slice(1)
        .filter((l) => l.trim() !== ''),
    );
  }
  return lines;
}

const PALETTE: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  2 ** 53,
  1e308,
  -0,
  '',
  'x',
  'CONNECTED',
  'video',
  'up',
  [],
  [1],
  {},
  { a: 1 },
  { __proto__: null },
];

type Json = Record<string, unknown> | unknown[];

/** The containers of a value with the key that holds each (depth-first). */
function containers(v: unknown, out: Json[] = []): Json[] {
  if (typeof v === 'object' && v !== null) {
    out.push(v as Json);
    for (const child of Object.values(v)) containers(child, out);
  }
  return out;
}

/** One random mutation of `record` (in place); returns its label for failure messages. */
function mutate(record: Record<string, unknown>, rand: () => number): string {
  const all = containers(record);
  const target = all[Math.floor(rand() * all.length)]!;
  const keys = Object.keys(target);
  const key = keys[Math.floor(rand() * keys.length)];
  const pick = rand();
  const value = structuredClone(PALETTE[Math.floor(rand() * PALETTE.length)]);
  if (pick < 0.25 && key !== undefined && !Array.isArray(target)) {
    delete target[key];
    return `delete ${key}`;
  }
  if (pick < 0.4 && !Array.isArray(target)) {
    target[`extra${Math.floor(rand() * 3)}`] = value;
    return 'extra key';
  }
  if (pick < 0.45 && !Array.isArray(target)) {
    Object.defineProperty(target, '__proto__', {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    return '__proto__ key';
  }
  if (key !== undefined) (target as Record<string, unknown>)[key] = value;
  return `set ${key} = ${JSON.stringify(value)}`;
}

describe('in-place record check', () => {
  const lines = [...realRecordLines(), ...sampleRecords(90).map((r) => JSON.stringify(r))];

  const groups = new Map<string, string[]>();
  for (const line of lines) {
    const type = String((JSON.parse(line) as { type?: unknown }).type);
    groups.set(type, [...(groups.get(type) ?? []), line]);
  }
  const byType = [...groups.values()];

  it('says yes to nearly every valid record as recorded (the fast path is used)', () => {
    expect(lines.length).toBeGreaterThan(1000);
    let yes = 0;
    for (const line of lines) {
      const value: unknown = JSON.parse(line);
      if (acceptsAsIs(value)) {
        yes++;
        expect(TraceRecordSchema.parse(value)).toStrictEqual(value);
      }
    }
    expect(yes / lines.length).toBeGreaterThan(0.95);
  });

  it('says yes to a mutated record only when zod accepts it unchanged (fixed seed)', () => {
    const rand = rng(20261207);
    let yes = 0;
    let no = 0;
    for (let i = 0; i < 20_000; i++) {
      // A type first, then a line of it: rare types (fault, stall) get as many mutations as stats.
      const ofType = byType[Math.floor(rand() * byType.length)]!;
      const record = JSON.parse(ofType[Math.floor(rand() * ofType.length)]!) as Record<string, unknown>;
      const labels: string[] = [];
      for (let k = 1 + Math.floor(rand() * 2); k > 0; k--) labels.push(mutate(record, rand));
      // What JSON.parse hands over: own enumerable keys only (an own `__proto__` key included).
      const value: unknown = JSON.parse(JSON.stringify(record));
      if (!acceptsAsIs(value)) {
        no++;
        continue;
      }
      yes++;
      const parsed = TraceRecordSchema.safeParse(value);
      expect(parsed.success, labels.join('; ')).toBe(true);
      expect(parsed.data, labels.join('; ')).toStrictEqual(value);
    }
    // Both answers occur often, so the property is tested on both sides.
    expect(yes).toBeGreaterThan(2000);
    expect(no).toBeGreaterThan(2000);
  });
});
