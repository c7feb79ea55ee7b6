/**
 * Robustness: a trace cut at random offsets (plain and gzip), or with random bytes flipped,
 * either opens (a prefix of the records, `truncated` when cut mid-line) or fails with a typed
 * TraceReadError; nothing else ever escapes. Fixed seed, bounded count.
 */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readTrace, TraceReadError } from '../../../src/lab/trace/reader';
import { parseTraceText, serializeTrace } from '../../../src/lab/trace/codec';
import { sampleHeader, sampleRecords } from './sample';
import { mulberry32 } from '../../../src/shared/random';

const prng = mulberry32;

const records = sampleRecords(400);
const text = Buffer.from(serializeTrace(sampleHeader(), records));
const gz = gzipSync(text);
const CASES = 60;

async function attempt(data: Buffer, chunk: number) {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunk) parts.push(data.subarray(i, i + chunk));
  try {
    return { ok: true as const, result: await readTrace(Readable.from(parts)) };
  } catch (e) {
    return { ok: false as const, error: e };
  }
}

function expectPrefix(got: readonly unknown[]): void {
  expect(got).toEqual(records.slice(0, got.length));
}

describe('truncation at random offsets', () => {
  it('plain: a prefix of the records, truncated exactly when cut mid-line', async () => {
    const rand = prng(42);
    for (let i = 0; i < CASES; i++) {
      const offset = Math.floor(rand() * text.length);
      const data = text.subarray(0, offset);
      const r = await attempt(data, 1 + Math.floor(rand() * 5000));
      if (!r.ok) {
        expect(r.error).toBeInstanceOf(TraceReadError);
        expect((r.error as TraceReadError).code).toBe('NOT_A_TRACE');
        expect(offset).toBeLessThan(text.indexOf(10) + 1);
        continue;
      }
      expectPrefix(r.result.records);
      expect(r.result.skipped.invalid).toEqual([]);
      expect(r.result.truncated).toBe(offset > 0 && data[offset - 1] !== 10);
      // The pure front end agrees with the streaming one.
      expect(parseTraceText(data.toString('utf8')).records).toHaveLength(r.result.records.length);
    }
  });

  it('gzip: a prefix of the records with truncated: true, or a typed error', async () => {
    const rand = prng(7);
    let opened = 0;
    for (let i = 0; i < CASES; i++) {
      const offset = Math.floor(rand() * gz.length);
      const r = await attempt(gz.subarray(0, offset), 1 + Math.floor(rand() * 2000));
      if (!r.ok) {
        expect(r.error).toBeInstanceOf(TraceReadError);
        expect(['NOT_A_TRACE', 'CORRUPT_GZIP']).toContain((r.error as TraceReadError).code);
        continue;
      }
      opened++;
      expectPrefix(r.result.records);
      expect(r.result.truncated).toBe(true);
      expect(r.result.skipped.invalid).toEqual([]);
    }
    expect(opened).toBeGreaterThan(CASES / 2);
  });

  it('random byte damage never escapes as anything but a TraceReadError', async () => {
    const rand = prng(2026);
    for (let i = 0; i < CASES; i++) {
      const source = i % 2 === 0 ? text : gz;
      const data = Buffer.from(source);
      const flips = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < flips; k++) data[Math.floor(rand() * data.length)] = Math.floor(rand() * 256);
      const r = await attempt(data, 4096);
      if (!r.ok) {
        expect(r.error).toBeInstanceOf(TraceReadError);
        expect(['NOT_A_TRACE', 'WRONG_FORMAT', 'NEWER_VERSION', 'CORRUPT_GZIP']).toContain(
          (r.error as TraceReadError).code,
        );
      } else {
        expect(r.result.records.length).toBeLessThanOrEqual(records.length);
      }
    }
  });
});
