import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openSupportFile, SupportOpenError } from '../../../src/app/support/open';
import type { OpenProgress } from '../../../src/app/support/open';
import { makeBundle, openCode as code, traceText } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'faultline-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const enc = new TextEncoder();
const fixture = (name: string): Buffer => readFileSync(join(import.meta.dirname, 'fixtures', name));

describe('openSupportFile detects by content, not name', () => {
  it('opens a bundle from a path with a misleading name, verifying every checksum', async () => {
    const path = join(dir, 'looks-like.txt');
    writeFileSync(path, makeBundle());
    const progress: OpenProgress[] = [];
    const r = await openSupportFile(path, { onProgress: (p) => progress.push(p) });
    expect(r.kind).toBe('bundle');
    expect(r.records).toHaveLength(20);
    expect(r.manifest?.version).toBe(1);
    expect(r.manifest?.files.map((f) => f.name).sort()).toEqual(['environment.json', 'trace.ndjson.gz']);
    expect(new TextDecoder().decode(r.files?.get('environment.json'))).toContain('linux');
    expect(progress.some((p) => p.phase === 'verifying')).toBe(true);
  });

  it('opens plain and gzip traces, from bytes and from paths', async () => {
    const plain = enc.encode(traceText());
    const gz = gzipSync(traceText());
    const path = join(dir, 'trace.bin');
    writeFileSync(path, gz);
    for (const input of [plain, gz, path]) {
      const r = await openSupportFile(input);
      expect(r.kind).toBe('trace');
      expect(r.records).toHaveLength(20);
      expect(r.truncated).toBe(false);
    }
  });

  it('opens webrtc-internals and rtcstats dumps, plain or gzip', async () => {
    expect((await openSupportFile(fixture('webrtc-internals.json'))).kind).toBe('webrtc-internals');
    expect((await openSupportFile(gzipSync(fixture('webrtc-internals.json')))).kind).toBe('webrtc-internals');
    const minified = enc.encode(JSON.stringify(JSON.parse(fixture('webrtc-internals.json').toString())));
    expect((await openSupportFile(minified)).kind).toBe('webrtc-internals');
    const r = await openSupportFile(fixture('rtcstats.txt'));
    expect(r.kind).toBe('rtcstats');
    expect(r.header.env.source).toBe('rtcstats');
    expect((await openSupportFile(gzipSync(fixture('rtcstats.txt')))).kind).toBe('rtcstats');
  });
});

describe('bundle validation', () => {
  it('names the file whose checksum does not match', async () => {
    const bytes = makeBundle({ tamper: { 'environment.json': enc.encode('{"os":"evil"}') } });
    const e = await openSupportFile(bytes).catch((x: unknown) => x as SupportOpenError);
    expect(e).toMatchObject({ code: 'CORRUPT_BUNDLE', file: 'environment.json' });
    expect((e as Error).message).toContain('environment.json');
  });

  it('rejects a missing manifest, a foreign format, a newer version and a missing listed file', async () => {
    expect(await code(openSupportFile(makeBundle({ noManifest: true })))).toBe('WRONG_FORMAT');
    expect(await code(openSupportFile(makeBundle({ manifest: { format: 'other-zip' } })))).toBe(
      'WRONG_FORMAT',
    );
    const newer = await openSupportFile(makeBundle({ manifest: { version: 2 } })).catch(
      (x: unknown) => x as Error,
    );
    expect(newer).toMatchObject({ code: 'NEWER_VERSION' });
    expect((newer as Error).message).toMatch(/version 2.*Update Faultline/);
    const files = [{ name: 'app.log', sha256: 'a'.repeat(64), size: 3 }];
    expect(await code(openSupportFile(makeBundle({ manifest: { files } })))).toBe('CORRUPT_BUNDLE');
  });

  it('warns about members the manifest does not list', async () => {
    const r = await openSupportFile(makeBundle({ unlisted: { 'extra.bin': new Uint8Array([1, 2, 3]) } }));
    expect(r.warnings.join(' ')).toMatch(/not in its manifest.*extra\.bin/);
  });

  it('opens the intact part of a truncated trace inside a bundle, with a warning', async () => {
    const gz = gzipSync(traceText(2000));
    const cut = gz.subarray(0, Math.floor(gz.length * 0.6));
    const r = await openSupportFile(makeBundle({ files: { 'trace.ndjson.gz': cut } }));
    expect(r.truncated).toBe(true);
    expect(r.records.length).toBeGreaterThan(0);
    expect(r.warnings.length).toBeGreaterThan(0);
  });

  it('rejects a newer trace inside a bundle as NEWER_VERSION', async () => {
    const text = traceText().replace('"version":1', '"version":9');
    expect(await code(openSupportFile(makeBundle({ files: { 'trace.ndjson.gz': gzipSync(text) } })))).toBe(
      'NEWER_VERSION',
    );
  });
});

describe('limits, cancellation and unreadable input', () => {
  it('caps the file size and cancels', async () => {
    expect(await code(openSupportFile(enc.encode(traceText()), { maxBytes: 100 }))).toBe('TOO_LARGE');
    const ac = new AbortController();
    ac.abort();
    expect(await code(openSupportFile(makeBundle(), { signal: ac.signal }))).toBe('ABORTED');
    const mid = new AbortController();
    const big = makeBundle({ files: { 'trace.ndjson.gz': enc.encode(traceText(20000)) } });
    const p = openSupportFile(big, {
      signal: mid.signal,
      onProgress: (x) => x.phase === 'verifying' && mid.abort(),
    });
    expect(await code(p)).toBe('ABORTED');
  });

  it('reports missing paths and directories as UNREADABLE', async () => {
    expect(await code(openSupportFile(join(dir, 'nope.zip')))).toBe('UNREADABLE');
    expect(await code(openSupportFile(dir))).toBe('UNREADABLE');
  });
});
