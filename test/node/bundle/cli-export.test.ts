/** `faultline export`: real files (plain and gzip traces), options, exit codes and messages. */
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../../src/cli/main';
import { BUNDLE_FILES } from '../../../src/app/support/bundle';
import { serializeTrace } from '../../../src/shared/trace/serialize';
import { parseTraceText } from '../../../src/shared/trace/parse';
import { FAKE_TOKEN, findIps, syntheticTrace, unzipText } from './helpers';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

async function traceFiles(): Promise<{ dir: string; plain: string; gz: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'faultline-export-'));
  const { header, records } = syntheticTrace();
  const text = serializeTrace(header, records);
  const plain = join(dir, 'trace.ndjson');
  const gz = join(dir, 'trace.ndjson.gz');
  await writeFile(plain, text);
  await writeFile(gz, gzipSync(strToU8(text)));
  return { dir, plain, gz };
}

describe('faultline export', () => {
  it('writes a redacted bundle from a plain or gzip trace, with report and app log', async () => {
    const { dir, plain, gz } = await traceFiles();
    const appLog = join(dir, 'app.log');
    await writeFile(appLog, 'boot\r\nconnect 198.51.100.4:443\n');
    for (const [input, name] of [
      [plain, 'a.zip'],
      [gz, 'b.zip'],
    ] as const) {
      const io = capture();
      const out = join(dir, name);
      expect(await main(['export', input, '-o', out, '--app-log', appLog], io)).toBe(0);
      expect(io.stdout[0]).toMatch(new RegExp(`^Wrote .*${name} \\(\\d+ bytes, 8 files\\)\\.$`));
      expect(io.stdout[1]).toMatch(/^Redacted: \d+ addresses \(\d+ places\), \d+ secrets, \d+ SDP bodies\.$/);
      const files = unzipText(new Uint8Array(await readFile(out)));
      expect(Object.keys(files).sort()).toEqual(Object.values(BUNDLE_FILES).sort());
      expect(files[BUNDLE_FILES.report]).toMatch(/^<!doctype html>/i);
      expect(files[BUNDLE_FILES.appLog]).toMatch(/# app log\nboot\nconnect ip-\d+:443\n$/);
      expect(parseTraceText(files[BUNDLE_FILES.trace]!).records).toHaveLength(9);
      for (const [file, content] of Object.entries(files)) {
        expect(findIps(content), file).toEqual([]);
        expect(content, file).not.toContain(FAKE_TOKEN);
      }
    }
  });

  it('--no-redact keeps addresses; --pseudonymize-ids hides channel and uids; --no-report leaves the report out', async () => {
    const { dir, plain } = await traceFiles();
    const io = capture();
    expect(await main(['export', plain, '-o', join(dir, 'raw.zip'), '--no-redact', '--no-report'], io)).toBe(
      0,
    );
    expect(io.stdout[1]).toBe('Not redacted: the bundle holds addresses as recorded.');
    const raw = unzipText(new Uint8Array(await readFile(join(dir, 'raw.zip'))));
    expect(raw[BUNDLE_FILES.trace]).toContain('203.0.113.7');
    expect(raw[BUNDLE_FILES.report]).toBeUndefined();

    const ids = capture();
    expect(await main(['export', plain, '-o', join(dir, 'ids.zip'), '--pseudonymize-ids'], ids)).toBe(0);
    expect(ids.stdout[1]).toMatch(/1 channels, 2 UIDs\.$/);
    const files = unzipText(new Uint8Array(await readFile(join(dir, 'ids.zip'))));
    for (const [file, content] of Object.entries(files)) {
      expect(content, file).not.toContain('acme-support');
      expect(content, file).not.toContain('4242');
    }
  });

  it('fails clearly: missing trace, not a trace, bundle over the trace, missing -o, unreadable app log', async () => {
    const { dir, plain } = await traceFiles();
    const missing = capture();
    expect(await main(['export', join(dir, 'nope.ndjson'), '-o', join(dir, 'x.zip')], missing)).toBe(2);
    expect(missing.stderr.join('\n')).toMatch(/Cannot read .*nope\.ndjson/);

    const junk = join(dir, 'junk.ndjson');
    await writeFile(junk, 'hello\n');
    const notTrace = capture();
    expect(await main(['export', junk, '-o', join(dir, 'x.zip')], notTrace)).toBe(2);
    expect(notTrace.stderr.join('\n')).toMatch(/^faultline: /);

    const same = capture();
    expect(await main(['export', plain, '-o', plain], same)).toBe(2);
    expect(same.stderr.join('\n')).toMatch(/would overwrite the trace/);

    const noOut = capture();
    expect(await main(['export', plain], noOut)).not.toBe(0);
    expect(noOut.stderr.join('\n')).toMatch(/--out/);

    const badLog = capture();
    expect(
      await main(['export', plain, '-o', join(dir, 'x.zip'), '--app-log', join(dir, 'none.log')], badLog),
    ).toBe(2);
    expect(badLog.stderr.join('\n')).toMatch(/cannot read the app log/);
    expect((await readdir(dir)).filter((f) => f.endsWith('.zip') || f.endsWith('.tmp'))).toEqual([]);
  });
});
