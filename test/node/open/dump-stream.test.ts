/**
 * Browser dumps opened as streams (src/app/support/open/dump.ts and the streaming importers):
 * the records equal those of parsing the whole text, at any chunk size; cut, damaged and wrong
 * files get the specific error reading the whole file would give; cancelling and the caps stop
 * the open with their own codes; the opening worker gives the same records as opening in the
 * calling thread and is gone once its open is settled.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  openSupportFile,
  openSupportFileInWorker,
  SupportOpenError,
  type OpenProgress,
} from '../../../src/app/support/open';
import {
  importRtcstats,
  importRtcstatsStream,
  importWebrtcInternals,
  importWebrtcInternalsStream,
} from '../../../src/shared/support/import';
import { openCode as code } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'faultline-dump-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const here = (...parts: string[]): string => join(import.meta.dirname, ...parts);
const text = (path: string): string => {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
};
const WEBRTC_INTERNALS = {
  small: text(here('fixtures', 'webrtc-internals.json')),
  chromium156: text(here('..', '..', 'fixtures', 'imports', 'webrtc-internals-chromium156.json.gz')),
};
const RTCSTATS = {
  small: text(here('fixtures', 'rtcstats.txt')),
  chromium156: text(here('..', '..', 'fixtures', 'imports', 'rtcstats-chromium156.txt.gz')),
};

function* pieces(s: string, size: number): Generator<string> {
  for (let i = 0; i < s.length; i += size) yield s.slice(i, i + size);
}

function file(name: string, bytes: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('streamed imports equal whole-text imports', () => {
  for (const [name, dump] of Object.entries(WEBRTC_INTERNALS)) {
    it(`webrtc-internals ${name}: the same records at chunk sizes 7, 4096 and whole`, async () => {
      const whole = importWebrtcInternals(JSON.parse(dump));
      expect(whole.records.length).toBeGreaterThan(10);
      for (const size of [7, 4096, dump.length]) {
        expect(await importWebrtcInternalsStream(pieces(dump, size))).toStrictEqual(whole);
      }
    });
  }

  for (const [name, dump] of Object.entries(RTCSTATS)) {
    it(`rtcstats ${name}: the same records at chunk sizes 7, 4096 and whole`, async () => {
      const whole = importRtcstats(dump);
      expect(whole.records.length).toBeGreaterThan(10);
      for (const size of [7, 4096, dump.length]) {
        expect(await importRtcstatsStream(pieces(dump, size))).toStrictEqual(whole);
      }
    });
  }

  it('opens the same records from a path, from bytes and from gzip', async () => {
    const dump = WEBRTC_INTERNALS.chromium156;
    const expected = importWebrtcInternals(JSON.parse(dump)).records;
    const plain = await openSupportFile(file('plain.json', dump));
    const gz = await openSupportFile(file('dump.json.gz', gzipSync(dump)));
    const bytes = await openSupportFile(new TextEncoder().encode(dump));
    for (const opened of [plain, gz, bytes]) {
      expect(opened.kind).toBe('webrtc-internals');
      expect(opened.records).toStrictEqual(expected);
    }
  });
});

describe('what a bad dump is told', () => {
  const dump = WEBRTC_INTERNALS.chromium156;

  it('a cut-off dump, plain or gzip, is TRUNCATED', async () => {
    expect(await code(openSupportFile(file('cut.json', dump.slice(0, dump.length / 2))))).toBe('TRUNCATED');
    const gz = gzipSync(dump);
    expect(await code(openSupportFile(file('cut.json.gz', gz.subarray(0, gz.length / 2))))).toBe('TRUNCATED');
  });

  it('a damaged gzip stream is CORRUPT, even where its text so far was fine', async () => {
    const gz = Buffer.from(gzipSync(dump));
    // Bytes in the middle of the deflate stream: the CRC (or the stream itself) no longer holds.
    const middle = Math.floor(gz.length / 2);
    for (let i = middle; i < middle + 64; i++) gz.writeUInt8(gz.readUInt8(i) ^ 0xa5, i);
    expect(await code(openSupportFile(file('damaged.json.gz', gz)))).toBe('CORRUPT');
  });

  it('JSON that is broken, or not a dump, is WRONG_FORMAT with a reason', async () => {
    const broken = file('broken.json', '{"PeerConnections": {"1": {"stats": {,}}}}');
    await expect(openSupportFile(broken)).rejects.toThrow(
      /not valid JSON \(Unexpected character ',' at position 37\)/,
    );
    expect(await code(openSupportFile(file('other.json', '{"PeerConnections": 5, "x": []}')))).toBe(
      'WRONG_FORMAT',
    );
  });

  it('a single value past the token cap is TOO_LARGE, before the rest is read', async () => {
    const huge = `{"PeerConnections":{},"getUserMedia":["${'x'.repeat(5000)}"]}`;
    const error = await importWebrtcInternalsStream(pieces(huge, 100), { maxTokenChars: 4096 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SupportOpenError);
    expect((error as SupportOpenError).code).toBe('TOO_LARGE');
    expect((error as SupportOpenError).message).toMatch(/single value longer than 4096 characters/);
    expect(await importWebrtcInternalsStream(pieces(huge, 100), { maxTokenChars: 5000 })).toMatchObject({
      records: expect.any(Array),
    });
  });

  it('more records than the cap is TOO_LARGE', async () => {
    const path = file('cap.json', dump);
    const all = (await openSupportFile(path)).records.length;
    expect(await code(openSupportFile(path, { maxRecords: all }))).toBe('OPENED');
    expect(await code(openSupportFile(path, { maxRecords: all - 1 }))).toBe('TOO_LARGE');
  });

  it('cancelling while the text streams is ABORTED, and progress counts input bytes', async () => {
    const big = file('progress.json', dump);
    const seen: OpenProgress[] = [];
    const opened = await openSupportFile(big, { onProgress: (p) => seen.push(p) });
    expect(opened.records.length).toBeGreaterThan(0);
    const parsing = seen.filter((p) => p.phase === 'parsing');
    expect(parsing.at(-1)).toMatchObject({ total: Buffer.byteLength(dump) });
    const controller = new AbortController();
    const aborted = openSupportFile(big, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'parsing') controller.abort();
      },
    });
    expect(await code(aborted)).toBe('ABORTED');
  });
});

describe('the opening worker', () => {
  it('returns the records, kind and warnings of an open in the calling thread', async () => {
    for (const path of [
      here('fixtures', 'webrtc-internals.json'),
      here('fixtures', 'rtcstats.txt'),
      here('..', '..', 'fixtures', 'imports', 'webrtc-internals-chromium156.json.gz'),
    ]) {
      const inThread = await openSupportFile(path);
      const { memory, ...inWorker } = await openSupportFileInWorker(path);
      expect(inWorker).toStrictEqual(inThread);
      expect(memory.heapLimitMb).toBe(1536);
      expect(memory.peakHeapBytes).toBeGreaterThan(0);
    }
  });

  it('passes on the coded errors of the file', async () => {
    const dump = WEBRTC_INTERNALS.chromium156;
    expect(await code(openSupportFileInWorker(file('w-cut.json', dump.slice(0, 3000))))).toBe('TRUNCATED');
    expect(await code(openSupportFileInWorker(file('w-empty.json', '')))).toBe('EMPTY');
    expect(await code(openSupportFileInWorker(join(dir, 'missing.json')))).toBe('UNREADABLE');
  });

  it('is gone once a cancelled open has rejected', async () => {
    const controller = new AbortController();
    const open = openSupportFileInWorker(here('fixtures', 'webrtc-internals.json'), {
      signal: controller.signal,
    });
    // The worker is running (its port is an active handle) until the open is settled.
    expect(process.getActiveResourcesInfo()).toContain('MessagePort');
    controller.abort();
    expect(await code(open)).toBe('ABORTED');
    expect(process.getActiveResourcesInfo()).not.toContain('MessagePort');
    expect(await code(openSupportFileInWorker('x', { signal: AbortSignal.abort() }))).toBe('ABORTED');
  });
});
