/**
 * Codec and reader: round trips (text, plain file, gzip, stream), gzip detected by magic bytes,
 * tolerance (unknown fields and types, invalid and oversize lines, order problems, CRLF, BOM,
 * chunk boundaries inside UTF-8), and every error code.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTrace, TraceReadError } from '../../../src/lab/trace/reader';
import { parseTraceText, serializeTrace, writeTrace } from '../../../src/lab/trace/codec';
import { sampleHeader, sampleRecords } from './sample';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-codec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A stream that hands out `text` in chunks of `size` bytes (splitting lines and characters). */
function chunked(data: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size));
  return Readable.from(parts);
}

async function expectCode(p: Promise<unknown>, code: string): Promise<TraceReadError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(TraceReadError);
  expect((e as TraceReadError).code).toBe(code);
  return e as TraceReadError;
}

describe('round trip', () => {
  const header = sampleHeader();
  const records = sampleRecords(500);

  it('serializeTrace → parseTraceText', () => {
    const text = serializeTrace(header, records);
    expect(text.split('\n')).toHaveLength(502);
    const read = parseTraceText(text);
    expect(read.header).toEqual(header);
    expect(read.records).toEqual(records);
    expect(read.truncated).toBe(false);
    expect(read.warnings).toEqual([]);
  });

  it.each([
    ['plain', 'rt.ndjson', undefined],
    ['gzip', 'rt.ndjson.gz', undefined],
    ['gzip under a plain name (magic bytes decide)', 'rt-gz.ndjson', true],
    ['plain under a .gz name', 'rt-plain.ndjson.gz', false],
  ])('writeTrace → readTrace, %s', async (_name, file, gzip) => {
    const path = join(dir, file);
    const { bytes } = await writeTrace(path, header, records, gzip === undefined ? {} : { gzip });
    const raw = await readFile(path);
    expect(raw.length).toBe(bytes);
    const isGzip = raw[0] === 0x1f && raw[1] === 0x8b;
    expect(isGzip).toBe(gzip ?? file.endsWith('.gz'));
    const progress: number[] = [];
    const read = await readTrace(path, { onProgress: (p) => progress.push(p.bytesRead) });
    expect(read.header).toEqual(header);
    expect(read.records).toEqual(records);
    expect(read.truncated).toBe(false);
    expect(progress.at(-1)).toBe(bytes);
  });

  it('reads a stream in tiny chunks (lines and UTF-8 characters split across chunks)', async () => {
    const text = Buffer.from(serializeTrace(header, records));
    for (const data of [text, gzipSync(text)]) {
      const read = await readTrace(chunked(data, 7));
      expect(read.records).toEqual(records);
    }
  });

  it('accepts CRLF line ends, a BOM, blank lines and a missing final newline', () => {
    const text =
      '\ufeff' + serializeTrace(header, records.slice(0, 20)).replace(/\n/g, '\r\n').replace(/\r\n$/, '');
    const read = parseTraceText(text.replace('\r\n', '\r\n\r\n'));
    expect(read.records).toEqual(records.slice(0, 20));
    expect(read.truncated).toBe(false);
  });
});

describe('tolerance', () => {
  const header = sampleHeader();

  it('keeps unknown fields, skips unknown types, lists invalid lines by number', async () => {
    const lines = [
      JSON.stringify({ ...header, futureHeaderField: { a: 1 } }),
      JSON.stringify({ seq: 1, t: 0, type: 'mark', uid: null, label: 'a', extra: [1, 2] }),
      JSON.stringify({ seq: 2, t: 1, type: 'hologram', uid: 1, beam: true }),
      '{"seq":3,"t":2,"type":"state","uid":1,"from":"NOWHERE","to":"CONNECTED"}',
      'not json at all',
      '[1,2,3]',
      '{"seq":4}',
      JSON.stringify({ seq: 5, t: 3, type: 'mark', uid: null, label: 'b' }),
    ];
    const read = await readTrace(Readable.from([Buffer.from(lines.join('\n') + '\n')]));
    expect(read.header).toMatchObject({ futureHeaderField: { a: 1 } });
    expect(read.records.map((r) => r.seq)).toEqual([1, 5]);
    expect(read.records[0]).toMatchObject({ extra: [1, 2] });
    expect(read.skipped.unknownType).toBe(1);
    expect(read.skipped.invalid.map((i) => i.line)).toEqual([4, 5, 6, 7]);
    expect(read.skipped.invalid[0]!.error).toMatch(/invalid state record: from/);
    expect(read.truncated).toBe(false);
    expect(read.warnings.join(' ')).toMatch(/4 line\(s\) are not valid records.*first at line 4/);
    expect(read.warnings.join(' ')).toMatch(/1 record\(s\) of types this version does not know/);
  });

  it('warns about records out of seq order and duplicated seqs, keeping file order', () => {
    const recs = sampleRecords(5);
    const order = [recs[0]!, recs[2]!, recs[1]!, recs[2]!, recs[3]!, recs[4]!];
    const read = parseTraceText(serializeTrace(header, order));
    expect(read.records.map((r) => r.seq)).toEqual([1, 3, 2, 3, 4, 5]);
    expect(read.warnings.join(' ')).toMatch(/1 record\(s\) are out of seq order \(first at line 4\)/);
    expect(read.warnings.join(' ')).toMatch(/1 record\(s\) repeat a seq number.*line 5/);
  });

  it('skips a line over the cap without buffering it, in the middle or at the end', async () => {
    const recs = sampleRecords(4);
    const huge = JSON.stringify({ seq: 99, t: 9, type: 'mark', uid: null, label: 'x'.repeat(50_000) });
    const text = [
      serializeTrace(header, recs.slice(0, 2)).trimEnd(),
      huge,
      ...recs.slice(2).map((r) => JSON.stringify(r)),
    ].join('\n');
    for (const data of [Buffer.from(text + '\n'), Buffer.from(text + '\n' + huge)]) {
      const read = await readTrace(chunked(data, 4096), { maxLineBytes: 10_000 });
      expect(read.records.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
      expect(read.skipped.oversize).toBeGreaterThanOrEqual(1);
      expect(read.warnings.join(' ')).toMatch(/longer than the line cap.*first at line 4/);
    }
    expect(parseTraceText(text, { maxLineChars: 10_000 }).skipped.oversize).toBe(1);
  });

  it('opens a file cut mid-line with truncated: true and the intact records', async () => {
    const text = serializeTrace(header, sampleRecords(50));
    const cut = text.slice(0, text.length - 20);
    const path = join(dir, 'cut.ndjson');
    await writeFile(path, cut);
    const read = await readTrace(path);
    expect(read.truncated).toBe(true);
    expect(read.records.map((r) => r.seq)).toEqual(Array.from({ length: 49 }, (_, i) => i + 1));
    expect(read.skipped.invalid).toEqual([]);
    expect(read.warnings[0]).toMatch(/truncated/);
    expect(parseTraceText(cut)).toMatchObject({ truncated: true });
  });

  it('opens a gzip stream cut short with truncated: true', async () => {
    const text = serializeTrace(header, sampleRecords(3000));
    const gz = gzipSync(text);
    const read = await readTrace(Readable.from([gz.subarray(0, Math.floor(gz.length * 0.6))]));
    expect(read.truncated).toBe(true);
    expect(read.records.length).toBeGreaterThan(100);
    expect(read.records).toEqual(sampleRecords(read.records.length));
    expect(read.skipped.invalid).toEqual([]);
  });

  it('is cancellable through an AbortSignal', async () => {
    const ac = new AbortController();
    ac.abort();
    await expectCode(readTrace(Readable.from([Buffer.from('x')]), { signal: ac.signal }), 'ABORTED');
  });
});

describe('errors', () => {
  const header = sampleHeader();
  const text = (s: string) => Readable.from([Buffer.from(s)]);

  it('NOT_A_TRACE: empty, not JSON, no format, a cut header, a broken v1 header', async () => {
    for (const input of [
      '',
      '\n',
      'hello world\n',
      '[1,2]\n',
      '{"name":"x"}\n',
      '{"format":"faultline-trace","vers',
    ]) {
      await expectCode(readTrace(text(input)), 'NOT_A_TRACE');
    }
    const e = await expectCode(readTrace(text('{"format":"faultline-trace","version":1}\n')), 'NOT_A_TRACE');
    expect(e.message).toMatch(/header \(line 1\) is not valid/);
    await expectCode(readTrace(Readable.from([Buffer.from([0x00, 0xff, 0xfe, 0x10, 0x0a])])), 'NOT_A_TRACE');
    expect(() => parseTraceText('nope')).toThrow(TraceReadError);
  });

  it('WRONG_FORMAT and NEWER_VERSION say what to do', async () => {
    const wrong = await expectCode(readTrace(text('{"format":"har","version":1}\n')), 'WRONG_FORMAT');
    expect(wrong.message).toMatch(/"har"/);
    const newer = await expectCode(
      readTrace(text(JSON.stringify({ ...header, version: 2 }) + '\n')),
      'NEWER_VERSION',
    );
    expect(newer.message).toMatch(/newer Faultline \(trace format v2\).*Update/);
    await expectCode(readTrace(text(JSON.stringify({ ...header, version: '3.1' }) + '\n')), 'NEWER_VERSION');
  });

  it('TOO_LARGE: over maxBytes as stored, and as decompressed (gzip bomb)', async () => {
    const big = serializeTrace(header, sampleRecords(2000));
    const path = join(dir, 'big.ndjson');
    await writeFile(path, big);
    await expectCode(readTrace(path, { maxBytes: 10_000 }), 'TOO_LARGE');
    await expectCode(readTrace(text(big), { maxBytes: 10_000 }), 'TOO_LARGE');
    const bomb = gzipSync(Buffer.concat([Buffer.from(serializeHeader()), Buffer.alloc(50_000_000, 0x20)]));
    expect(bomb.length).toBeLessThan(100_000);
    const e = await expectCode(readTrace(Readable.from([bomb]), { maxBytes: 1_000_000 }), 'TOO_LARGE');
    expect(e.message).toMatch(/decompressed/);
  });

  it('CORRUPT_GZIP for damaged deflate data', async () => {
    const gz = Buffer.from(gzipSync(serializeTrace(header, sampleRecords(2000))));
    for (let i = 200; i < 260; i++) gz[i] = gz[i]! ^ 0x5a;
    await expectCode(readTrace(Readable.from([gz])), 'CORRUPT_GZIP');
  });

  it('IO_ERROR for a missing file or a directory', async () => {
    await expectCode(readTrace(join(dir, 'missing.ndjson')), 'IO_ERROR');
    await expectCode(readTrace(dir), 'IO_ERROR');
  });

  function serializeHeader(): string {
    return JSON.stringify(header) + '\n';
  }
});
