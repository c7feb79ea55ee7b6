/**
 * The bundle zip reader's member inflate (native zlib, fed in slices): damaged data, a sink
 * that refuses, a size over the cap and a cancel each end it with a coded error, never a hang.
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateZipEntry, listZip, readZipEntry } from '../../../src/app/support/open/zip';
import { SupportOpenError } from '../../../src/shared/support/import/errors';
import { rawZip } from './helpers';
import { seededBytes } from '../seeded';

/**
 * A member big enough to be fed in several slices (hex text deflates to about half). Fixed, not
 * random: damaged deflate data of a random member sometimes inflated past the size cap before
 * zlib saw the damage (TOO_LARGE instead of CORRUPT_BUNDLE, about one run in twenty).
 */
const plain = Buffer.from(seededBytes(1_500_000, 0x9e3779b9).toString('hex'));
const deflated = deflateRawSync(plain);

function zipOf(
  data: Uint8Array,
  declaredSize = plain.length,
): { bytes: Uint8Array; entry: ReturnType<typeof listZip>[0] } {
  const bytes = rawZip([{ name: 'm.bin', method: 8, data, declaredSize }]);
  return { bytes, entry: listZip(bytes)[0]! };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (!(e instanceof SupportOpenError)) throw e;
    return e.code;
  }
}

describe('zip member inflate', () => {
  it('inflates a multi-slice member to the same bytes', async () => {
    expect(deflated.length).toBeGreaterThan(3 * 256 * 1024);
    const { bytes, entry } = zipOf(deflated);
    const out = await readZipEntry(bytes, entry, { maxBytes: plain.length });
    expect(Buffer.from(out).equals(plain)).toBe(true);
  });

  it('reports damaged deflate data in a later slice as CORRUPT_BUNDLE (before: a hang)', async () => {
    const damaged = Buffer.from(deflated);
    for (let i = 600_000; i < 600_400; i++) damaged[i] = damaged[i]! ^ 0xff;
    const { bytes, entry } = zipOf(damaged);
    expect(await codeOf(readZipEntry(bytes, entry, { maxBytes: plain.length }))).toBe('CORRUPT_BUNDLE');
  });

  it('ends with the error a sink throws, and passes nothing on after it', async () => {
    const { bytes, entry } = zipOf(deflated);
    let after = 0;
    let refused = false;
    const code = await codeOf(
      inflateZipEntry(bytes, entry, { maxBytes: plain.length }, () => {
        if (refused) after++;
        refused = true;
        throw new SupportOpenError('TOO_LARGE', 'budget across members spent');
      }),
    );
    expect(code).toBe('TOO_LARGE');
    expect(after).toBe(0);
  });

  it('stops at the cap and at a size past the declared one', async () => {
    const { bytes, entry } = zipOf(deflated);
    expect(await codeOf(readZipEntry(bytes, entry, { maxBytes: plain.length - 1 }))).toBe('TOO_LARGE');
    const short = zipOf(deflated, plain.length - 1000);
    expect(await codeOf(readZipEntry(short.bytes, short.entry, { maxBytes: plain.length }))).toBe(
      'CORRUPT_BUNDLE',
    );
  });

  it('ends with ABORTED when cancelled between slices', async () => {
    const { bytes, entry } = zipOf(deflated);
    const controller = new AbortController();
    const code = await codeOf(
      readZipEntry(bytes, entry, {
        maxBytes: plain.length,
        signal: controller.signal,
        onSlice: () => controller.abort(),
      }),
    );
    expect(code).toBe('ABORTED');
  });
});
