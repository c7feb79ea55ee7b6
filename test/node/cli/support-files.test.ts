/**
 * `faultline check` and `faultline report` open everything support receives through one loader:
 * an exported bundle, plain and gzip traces, browser dumps; a broken bundle exits 2 with a
 * typed message naming the file.
 */
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { main, type Io } from '../../../src/cli/main';
import { writeBundle } from '../../../src/app/support/bundle';
import { serializeTrace } from '../../../src/shared/trace/serialize';
import { sampleHeader, sampleRecords } from '../trace/sample';

const FIXTURES = join(import.meta.dirname, '..', 'open', 'fixtures');

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('faultline check/report on support files', () => {
  let dir: string;
  let plain: string;
  let gz: string;
  let bundle: string;
  const records = sampleRecords(300);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'faultline-cli-support-'));
    const text = serializeTrace(sampleHeader(), records);
    plain = join(dir, 'trace.ndjson');
    gz = join(dir, 'trace.ndjson.gz');
    bundle = join(dir, 'ticket.zip');
    await writeFile(plain, text);
    await writeFile(gz, gzipSync(text));
    await writeBundle(bundle, { header: sampleHeader(), records, options: { redact: false } });
  });

  it('checks an exported bundle and a gzip trace exactly like the plain trace', async () => {
    const reference = await run(['check', plain]);
    expect(reference.code).not.toBe(2);
    expect(reference.out.length).toBeGreaterThan(0);
    const fromGz = await run(['check', gz]);
    expect(fromGz).toEqual(reference);
    const fromBundle = await run(['check', bundle]);
    expect(fromBundle.code).toBe(reference.code);
    expect(fromBundle.out).toBe(reference.out);
    expect(fromBundle.err).toMatch(/as bundle \(300 records\)/);
  });

  it('detects by content, not by name: a bundle renamed .ndjson still opens as a bundle', async () => {
    const renamed = join(dir, 'looks-like-a.ndjson');
    await copyFile(bundle, renamed);
    const r = await run(['check', renamed]);
    expect(r.code).not.toBe(2);
    expect(r.err).toMatch(/as bundle/);
  });

  it('writes a report from a bundle, a gzip trace and both browser dumps', async () => {
    const inputs: Array<[string, string]> = [
      [bundle, '300 records'],
      [gz, '300 records'],
      [join(FIXTURES, 'webrtc-internals.json'), 'records'],
      [join(FIXTURES, 'rtcstats.txt'), 'records'],
    ];
    for (const [i, [input, says]] of inputs.entries()) {
      const out = join(dir, `report-${i}.html`);
      const r = await run(['report', input, '-o', out]);
      expect(r.code, `${input}: ${r.err}`).toBe(0);
      expect(r.out).toContain(says);
      const html = await readFile(out, 'utf8');
      expect(html.startsWith('<!DOCTYPE html>') || html.startsWith('<!doctype html>')).toBe(true);
    }
  });

  it('checks the webrtc-internals and rtcstats fixtures, saying what they were opened as', async () => {
    const internals = await run(['check', join(FIXTURES, 'webrtc-internals.json')]);
    expect(internals.code).not.toBe(2);
    expect(internals.err).toMatch(/as webrtc-internals/);
    const rtcstats = await run(['check', join(FIXTURES, 'rtcstats.txt')]);
    expect(rtcstats.code).not.toBe(2);
    expect(rtcstats.err).toMatch(/as rtcstats/);
  });

  it('prints warnings to stderr and still checks a truncated trace', async () => {
    const text = serializeTrace(sampleHeader(), records);
    const cut = join(dir, 'cut.ndjson');
    await writeFile(cut, text.slice(0, Math.floor(text.length * 0.6)));
    const r = await run(['check', cut]);
    expect(r.code).not.toBe(2);
    expect(r.err).toMatch(/^warning: /m);
  });

  it('exits 2 on a corrupt bundle, naming the bundle and the damaged member', async () => {
    const members = unzipSync(new Uint8Array(await readFile(bundle)));
    members['trace.ndjson.gz'] = gzipSync('{"not":"the trace"}\n');
    const tampered = join(dir, 'tampered.zip');
    await writeFile(tampered, zipSync(members));
    for (const cmd of [
      ['check', tampered],
      ['report', tampered, '-o', join(dir, 'never.html')],
    ]) {
      const r = await run(cmd);
      expect(r.code).toBe(2);
      expect(r.err).toContain(tampered);
      expect(r.err).toContain('trace.ndjson.gz');
      expect(r.err).toMatch(/\[CORRUPT_BUNDLE\]/);
      expect(r.out).toBe('');
    }
    await expect(readFile(join(dir, 'never.html'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('exits 2 with a typed message for a cut-off zip, an empty file and a stranger', async () => {
    const bytes = await readFile(bundle);
    const cases: Array<[string, Uint8Array | string, RegExp]> = [
      ['cut.zip', bytes.subarray(0, Math.floor(bytes.length / 2)), /\[(TRUNCATED|CORRUPT_BUNDLE)\]/],
      ['empty.ndjson', '', /\[EMPTY\]/],
      ['notes.txt', 'hello, this is not a trace\n', /\[WRONG_FORMAT\]/],
    ];
    for (const [name, content, code] of cases) {
      const path = join(dir, name);
      await writeFile(path, content);
      const r = await run(['check', path]);
      expect(r.code, name).toBe(2);
      expect(r.err).toContain(path);
      expect(r.err).toMatch(code);
    }
    const missing = await run(['check', join(dir, 'absent.zip')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/\[UNREADABLE\]/);
  });
});
