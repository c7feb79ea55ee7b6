/**
 * A bundle's manifest cannot make the opener inflate one member over and over: a name listed
 * twice, more listings than a zip may hold, and members that together inflate past the limit are
 * each refused with a specific message (and nothing is opened).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { MAX_ZIP_ENTRIES, openSupportFile, SupportOpenError } from '../../../src/app/support/open';
import { serializeTrace } from '../../../src/shared/trace/serialize';
import type { TraceHeader } from '../../../src/shared/trace/records';

const header = {
  format: 'faultline-trace',
  version: 1,
  startedAt: '2026-12-05T00:00:00.000Z',
  timeScale: 1,
  app: { name: 'faultline', version: 'test' },
  env: {},
  config: {},
  scenario: null,
} as TraceHeader;

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const dir = mkdtempSync(join(tmpdir(), 'faultline-manifest-guards-'));

/** A bundle whose manifest lists `listings` (name → its bytes) with members `members`. */
function bundle(
  name: string,
  members: Record<string, Uint8Array>,
  listings: Array<[string, Uint8Array]>,
): string {
  const manifest = {
    format: 'faultline-bundle',
    version: 1,
    files: listings.map(([n, b]) => ({ name: n, sha256: sha(b), size: b.length })),
  };
  const path = join(dir, name);
  writeFileSync(path, zipSync({ ...members, 'manifest.json': strToU8(JSON.stringify(manifest)) }));
  return path;
}

async function refusal(path: string, maxBytes?: number): Promise<SupportOpenError> {
  try {
    await openSupportFile(path, maxBytes ? { maxBytes } : {});
  } catch (e) {
    if (e instanceof SupportOpenError) return e;
    throw e;
  }
  throw new Error('it opened');
}

describe('bundle manifest guards', () => {
  const trace = gzipSync(serializeTrace(header, [{ seq: 1, t: 0, uid: null, type: 'mark', label: 'x' }]));
  const big = new Uint8Array(2 * 1024 * 1024).fill(7);

  it('opens the honest bundle', async () => {
    const path = bundle('ok.zip', { 'trace.ndjson.gz': trace }, [['trace.ndjson.gz', trace]]);
    expect((await openSupportFile(path)).records).toHaveLength(1);
  });

  it('refuses a member listed twice', async () => {
    const path = bundle('twice.zip', { 'trace.ndjson.gz': trace, 'big.bin': big }, [
      ['trace.ndjson.gz', trace],
      ...Array.from({ length: 40 }, (): [string, Uint8Array] => ['big.bin', big]),
    ]);
    const e = await refusal(path);
    expect(e.code).toBe('CORRUPT_BUNDLE');
    expect(e.message).toMatch(/lists "big\.bin" more than once/);
  });

  it('refuses more listings than a zip may hold', async () => {
    const listings: Array<[string, Uint8Array]> = Array.from({ length: MAX_ZIP_ENTRIES + 1 }, (_, i) => [
      `f${i}`,
      trace,
    ]);
    const e = await refusal(bundle('many.zip', { 'trace.ndjson.gz': trace }, listings));
    expect(e.code).toBe('CORRUPT_BUNDLE');
    expect(e.message).toMatch(new RegExp(`at most ${MAX_ZIP_ENTRIES}`));
  });

  it('refuses members that together pass the limit (their declared or their inflated sizes)', async () => {
    const members = { 'trace.ndjson.gz': trace, 'a.bin': big, 'b.bin': big };
    const path = bundle('sum.zip', members, [
      ['a.bin', big],
      ['b.bin', big],
      ['trace.ndjson.gz', trace],
    ]);
    const e = await refusal(path, 3 * 1024 * 1024);
    expect(e.code).toBe('TOO_LARGE');
  });
});
