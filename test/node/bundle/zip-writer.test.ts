import { createHash } from 'node:crypto';
import { gunzipSync, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { listZip, readZipEntry } from '../../../src/app/support/open/zip';
import { ZipWriter } from '../../../src/app/support/bundle/zip-writer';
import { seededBytes } from '../seeded';

/** Writes members into a zip held in memory. */
async function zipOf(
  build: (zip: ZipWriter) => Promise<void>,
): Promise<{ bytes: Uint8Array; writes: number }> {
  const parts: Uint8Array[] = [];
  const zip = new ZipWriter(
    async (chunk) => {
      parts.push(chunk);
    },
    new Date(2026, 11, 6, 10, 30, 12),
  );
  await build(zip);
  await zip.finish();
  const all = Buffer.concat(parts);
  expect(zip.bytesWritten).toBe(all.length);
  return { bytes: new Uint8Array(all.buffer, all.byteOffset, all.byteLength), writes: parts.length };
}

/** Pseudo-random bytes that deflate cannot shrink. */
const noise = (n: number, seed = 1): Uint8Array => seededBytes(n, seed);

describe('ZipWriter', () => {
  it('writes members that zip readers take back byte for byte, with their size and sha256', async () => {
    const text = 'line of a log\n'.repeat(50_000);
    const random = noise(300_000);
    async function* chunks(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < random.length; i += 7777) yield random.subarray(i, i + 7777);
    }
    const infos: Array<{ name: string; size: number; sha256: string }> = [];
    const { bytes } = await zipOf(async (zip) => {
      infos.push(await zip.add('app.log', text));
      infos.push(await zip.add('noise.bin', chunks(), { deflate: false }));
      infos.push(await zip.add('empty.txt', ''));
      infos.push(await zip.add('charts/état-ü.png', random.subarray(0, 1000), { deflate: false }));
      infos.push(await zip.add('noise-deflated.bin', [random.subarray(0, 5000), random.subarray(5000)]));
    });
    const expected: Record<string, Uint8Array> = {
      'app.log': Buffer.from(text),
      'noise.bin': random,
      'empty.txt': new Uint8Array(0),
      'charts/état-ü.png': random.subarray(0, 1000),
      'noise-deflated.bin': random,
    };
    // fflate's reader
    const unzipped = unzipSync(bytes);
    expect(Object.keys(unzipped)).toEqual(Object.keys(expected));
    for (const [name, data] of Object.entries(expected))
      expect(Buffer.from(unzipped[name]!)).toEqual(Buffer.from(data));
    // the app's own reader, which checks sizes (and the central directory against local headers)
    const entries = listZip(bytes);
    for (const entry of entries) {
      const data = await readZipEntry(bytes, entry, { maxBytes: 10 * 1024 * 1024 });
      expect(Buffer.from(data)).toEqual(Buffer.from(expected[entry.name]!));
    }
    expect(entries.find((e) => e.name === 'app.log')!.compressedSize).toBeLessThan(text.length / 50);
    for (const info of infos) {
      expect(info.size).toBe(expected[info.name]!.length);
      expect(info.sha256).toBe(createHash('sha256').update(expected[info.name]!).digest('hex'));
    }
  });

  it('streams: a big member reaches the sink in many writes, not as one buffer', async () => {
    const big = noise(4 * 1024 * 1024, 7);
    async function* chunks(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < big.length; i += 65_536) yield big.subarray(i, i + 65_536);
    }
    const { writes } = await zipOf(async (zip) => {
      await zip.add('big.bin', chunks());
    });
    expect(writes).toBeGreaterThan(30);
  });

  it('refuses a duplicate name and adding after finish', async () => {
    const zip = new ZipWriter(async () => undefined, new Date());
    await zip.add('a.txt', 'a');
    await expect(zip.add('a.txt', 'b')).rejects.toThrow(/already has a member named a\.txt/);
    await zip.finish();
    await expect(zip.add('b.txt', 'b')).rejects.toThrow(/already finished/);
  });

  it('takes members fed in turns in the order they were opened, ended in any order', async () => {
    const lines = (tag: string, n: number): string[] =>
      Array.from({ length: n }, (_, i) => `${tag} line ${i} ${'x'.repeat(i % 50)}\n`);
    const a = lines('a', 20_000);
    const b = lines('b', 30_000);
    const random = noise(200_000, 3);
    const infos: Array<{ name: string; size: number; sha256: string }> = [];
    const { bytes } = await zipOf(async (zip) => {
      const trace = zip.open('a.ndjson.gz', { gzip: true });
      const second = zip.open('b.txt');
      const stored = zip.open('c.bin', { deflate: false });
      for (let i = 0; i < 30_000; i++) {
        const writes = [second.write(b[i]!)];
        if (i < a.length) writes.push(trace.write(a[i]!));
        if (i % 1000 === 0) writes.push(stored.write(random.subarray(i * 6, (i + 1000) * 6 + 2000)));
        await Promise.all(writes);
      }
      // The last member ends first; the zip still holds them in the order opened.
      const ends = [stored.end(), second.end(), trace.end()];
      infos.push(...(await Promise.all(ends)));
      infos.push(await zip.add('d.txt', 'after the others'));
    });
    const unzipped = unzipSync(bytes);
    expect(Object.keys(unzipped)).toEqual(['a.ndjson.gz', 'b.txt', 'c.bin', 'd.txt']);
    // The gzip member is stored: unzipping gives the gzip stream, which gunzips to what was fed.
    expect(Buffer.from(gunzipSync(unzipped['a.ndjson.gz']!)).toString()).toBe(a.join(''));
    expect(Buffer.from(unzipped['b.txt']!).toString()).toBe(b.join(''));
    const fed: Uint8Array[] = [];
    for (let i = 0; i < 30_000; i += 1000) fed.push(random.subarray(i * 6, (i + 1000) * 6 + 2000));
    expect(Buffer.from(unzipped['c.bin']!)).toEqual(Buffer.concat(fed));
    const entries = listZip(bytes);
    expect(entries.map((e) => [e.name, e.method])).toEqual([
      ['a.ndjson.gz', 0],
      ['b.txt', 8],
      ['c.bin', 0],
      ['d.txt', 8],
    ]);
    for (const entry of entries) {
      const data = await readZipEntry(bytes, entry, { maxBytes: 10 * 1024 * 1024 });
      const info = infos.find((i) => i.name === entry.name)!;
      expect(info.size, entry.name).toBe(data.length);
      expect(info.sha256, entry.name).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('fails every open member when the sink fails, and refuses to finish with a member open', async () => {
    let calls = 0;
    const failing = new ZipWriter(async () => {
      if (++calls > 2) throw new Error('disk full');
    }, new Date());
    const first = failing.open('a.txt');
    const second = failing.open('b.txt');
    const big = noise(3 * 1024 * 1024, 5);
    await expect(
      (async () => {
        for (let i = 0; i < big.length; i += 65_536) await first.write(big.subarray(i, i + 65_536));
        await first.end();
      })(),
    ).rejects.toThrow(/disk full/);
    await expect(second.end()).rejects.toThrow(/disk full/);

    const zip = new ZipWriter(async () => undefined, new Date());
    zip.open('open.txt');
    await expect(zip.finish()).rejects.toThrow(/open\.txt was not ended/);
  });
});
