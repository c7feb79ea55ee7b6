/**
 * Broken-input corpus: every input ends in an opened result (maybe with warnings) or a
 * SupportOpenError — never another exception — and memory stays bounded.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openSupportFile, SupportOpenError } from '../../../src/app/support/open';
import type { OpenSupportOptions } from '../../../src/app/support/open';
import { deflatedZeros, makeBundle, rawZip, rng, traceText } from './helpers';

const enc = new TextEncoder();
const fixture = (name: string): Buffer => readFileSync(join(import.meta.dirname, 'fixtures', name));
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Opens and returns 'opened' or the error code; fails the test on any other exception. */
async function outcome(input: Uint8Array, opts?: OpenSupportOptions): Promise<string> {
  try {
    const r = await openSupportFile(input, opts);
    expect(r.header.format).toBe('faultline-trace');
    return 'opened';
  } catch (e) {
    if (!(e instanceof SupportOpenError))
      throw new Error(`not a SupportOpenError: ${String(e)}`, { cause: e });
    expect(e.message.length).toBeGreaterThan(10);
    return e.code;
  }
}

const bases: Record<string, Uint8Array> = {
  bundle: makeBundle(),
  'trace.ndjson': enc.encode(traceText(200)),
  'trace.ndjson.gz': gzipSync(traceText(200)),
  'webrtc-internals': fixture('webrtc-internals.json'),
  'webrtc-internals.gz': gzipSync(fixture('webrtc-internals.json')),
  rtcstats: fixture('rtcstats.txt'),
};

describe('broken-input corpus', () => {
  it('truncations at random offsets (fixed seed)', async () => {
    const rand = rng(20261122);
    const seen = new Set<string>();
    for (const [name, bytes] of Object.entries(bases)) {
      for (let i = 0; i < 25; i++) {
        const cut = Math.floor(rand() * bytes.length);
        const code = await outcome(bytes.subarray(0, cut));
        seen.add(`${name}:${code}`);
      }
    }
    // Cut bundles are reported as truncated; cut plain traces still open.
    expect(seen).toContain('bundle:TRUNCATED');
    expect(seen).toContain('trace.ndjson:opened');
  });

  it('flipped bytes (fixed seed)', async () => {
    const rand = rng(7);
    for (const bytes of Object.values(bases)) {
      for (let i = 0; i < 25; i++) {
        const copy = Uint8Array.from(bytes);
        for (let k = 0; k < 3; k++) copy[Math.floor(rand() * copy.length)]! ^= 1 << Math.floor(rand() * 8);
        await outcome(copy);
      }
    }
    // A flipped byte inside a stored member is caught by its checksum.
    const bundle = makeBundle({ files: { 'trace.ndjson.gz': enc.encode(traceText()) }, level: 0 });
    expect(Buffer.from(bundle).indexOf('"label"')).toBeGreaterThan(0);
    const at = Buffer.from(bundle).indexOf('"label"');
    const copy = Uint8Array.from(bundle);
    copy[at + 2] = copy[at + 2]! ^ 0x20;
    expect(await outcome(copy)).toBe('CORRUPT_BUNDLE');
  });

  it('wrong formats and versions', async () => {
    expect(await outcome(enc.encode(traceText().replace('"version":1', '"version":2')))).toBe(
      'NEWER_VERSION',
    );
    expect(await outcome(enc.encode(traceText().replace('faultline-trace', 'other-trace')))).toBe(
      'WRONG_FORMAT',
    );
    expect(await outcome(makeBundle({ manifest: { version: 3 } }))).toBe('NEWER_VERSION');
    expect(await outcome(makeBundle({ manifest: { version: 'one' } }))).toBe('CORRUPT_BUNDLE');
    expect(await outcome(makeBundle({ manifest: { files: 'nope' } }))).toBe('CORRUPT_BUNDLE');
    expect(await outcome(enc.encode('{"fileFormat":42}\n["create","PC_0",{},1]\n'))).toBe('NEWER_VERSION');
  });

  it('zip bombs: declared sizes over the cap, and members producing more than they declare', async () => {
    const before = process.memoryUsage().rss;
    const zeros = deflatedZeros(256); // 256 MiB of zeros in ~0.25 MiB
    // Declares 4 GiB: refused before inflating anything.
    const declaredHuge = rawZip([
      { name: 'manifest.json', data: enc.encode('{}'), method: 0, declaredSize: 2 },
      { name: 'bomb.bin', data: zeros, method: 8, declaredSize: 0xffffffff },
    ]);
    expect(await outcome(declaredHuge)).toBe('TOO_LARGE');
    // Declares 100 bytes but inflates to 256 MiB: stopped at the first slice.
    const manifest = enc.encode(
      JSON.stringify({
        format: 'faultline-bundle',
        version: 1,
        files: [{ name: 'bomb.bin', sha256: sha(new Uint8Array(100)), size: 100 }],
      }),
    );
    const liar = rawZip([
      { name: 'manifest.json', data: manifest, method: 0, declaredSize: manifest.length },
      { name: 'bomb.bin', data: zeros, method: 8, declaredSize: 100 },
    ]);
    expect(await outcome(liar)).toBe('CORRUPT_BUNDLE');
    // Declares its true 256 MiB: over a 64 MiB cap.
    const honest = rawZip([
      { name: 'manifest.json', data: manifest, method: 0, declaredSize: manifest.length },
      { name: 'bomb.bin', data: zeros, method: 8, declaredSize: 256 * 1024 * 1024 },
    ]);
    expect(await outcome(honest, { maxBytes: 64 * 1024 * 1024 })).toBe('TOO_LARGE');
    // A gzip bomb shaped like an rtcstats dump.
    const gzBomb = gzipSync(
      Buffer.concat([Buffer.from('["create","PC_0",{},1]\n'), Buffer.alloc(32 * 1024 * 1024, 0x20)]),
    );
    expect(await outcome(gzBomb, { maxBytes: 4 * 1024 * 1024 })).toBe('TOO_LARGE');
    // Generous bound: nothing near the 256 MiB the bombs hold was ever allocated.
    expect(process.memoryUsage().rss - before).toBeLessThan(192 * 1024 * 1024);
  });

  it('huge lines, non-JSON, empty and whitespace files', async () => {
    const huge = traceText(5).replace(
      '\n',
      `\n{"seq":1,"t":0,"uid":1,"type":"mark","label":"${'x'.repeat(2 * 1024 * 1024)}"}\n`,
    );
    expect(await outcome(enc.encode(huge))).toBe('opened');
    const r = await openSupportFile(enc.encode(huge));
    expect(r.warnings.join(' ')).toMatch(/long|limit|cap|skipped/i);
    const hugeRtc = `["create","PC_0",{},1]\n["x","PC_0","${'y'.repeat(5 * 1024 * 1024)}",2]\n`;
    expect(await outcome(enc.encode(hugeRtc))).toBe('opened');
    expect(await outcome(enc.encode('hello, world\n'))).toBe('WRONG_FORMAT');
    expect(await outcome(enc.encode('{not json at all'))).toBe('WRONG_FORMAT');
    expect(await outcome(enc.encode('{"PeerConnections": {"a": {"updateLog": ['))).toBe('TRUNCATED');
    expect(await outcome(enc.encode('{"hello": 1}'))).toBe('WRONG_FORMAT');
    expect(await outcome(new Uint8Array(0))).toBe('EMPTY');
    expect(await outcome(enc.encode('   \n\n'))).toBe('WRONG_FORMAT');
    expect(await outcome(new Uint8Array([0x50, 0x4b, 3, 4]))).toBe('TRUNCATED');
    expect(await outcome(new Uint8Array([0x1f, 0x8b]))).not.toBe('opened');
  });
});
