/**
 * A REAL lab session (short-drop at time scale 0.1, journaled to disk) exported as a bundle:
 * no IP address and no lab token or server secret survives anywhere in the redacted bundle
 * (every file, decompressed), while `--no-redact` keeps the addresses.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../../src/cli/main';
import type { Lab } from '../../../src/lab/lab';
import { findBuiltinScenario } from '../../../src/lab/scenario/library';
import { runScenario } from '../../../src/lab/scenario/runner';
import { readTrace } from '../../../src/lab/trace/reader';
import { BUNDLE_FILES, writeBundle } from '../../../src/app/support/bundle';
import { renderReport } from '../../../src/app/support/report/render';
import type { TraceRecord } from '../../../src/shared/trace/records';
import { findIps, unzipText } from './helpers';

const quiet: Io = { out: () => undefined, err: () => undefined };

describe('bundle of a real lab session', () => {
  it('redacts every address, token and secret; --no-redact keeps addresses', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'faultline-lab-bundle-'));
    const journal = join(dir, 'short-drop.ndjson');
    const tokens: string[] = [];
    let secret: string | null = null;
    const result = await runScenario(findBuiltinScenario('short-drop')!, {
      timeScale: 0.1,
      journalPath: journal,
      onLab: (lab: Lab) => {
        tokens.push(lab.issueToken(1), lab.issueToken(2, 'audience'));
        // The embedded server's secret: Lab keeps it private; read it for this check only.
        secret = (lab as unknown as { secret: string | null }).secret;
      },
    });
    expect(result.errors).toEqual([]);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokens.every((t) => t.startsWith('eyJ'))).toBe(true);

    const trace = await readTrace(journal);
    expect(trace.records.length).toBeGreaterThan(10);
    const serverUrl = /server (ws:\/\/[^\s]+)/.exec(
      trace.records.map((r) => (r.type === 'log' ? r.msg : '')).join('\n'),
    )?.[1];
    expect(serverUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+/);
    // Make the inputs as leaky as a real support case: a token in a record, secrets in app log lines.
    const last = trace.records[trace.records.length - 1]!;
    const leaky: TraceRecord = {
      seq: last.seq + 1,
      t: last.t,
      uid: 1,
      type: 'log',
      level: 'debug',
      msg: `rejoin with ${tokens[0]}`,
    };
    const appLog = [
      `main: server ${serverUrl} secret=${secret}`,
      `main: issued ${tokens[1]} to 2 via http://[::1]:${new URL(serverUrl!).port}/token`,
      `main: embedded secret ${secret} (raw)`,
    ];
    const input = { header: trace.header, records: [...trace.records, leaky], appLog, renderReport };

    const redacted = await writeBundle(join(dir, 'redacted.zip'), input);
    const files = unzipText(new Uint8Array(await readFile(join(dir, 'redacted.zip'))));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(Object.values(BUNDLE_FILES)));
    expect(redacted.manifest.warnings).toEqual([]);
    expect(redacted.manifest.redaction.counts.ip).toBeGreaterThan(0);
    expect(redacted.manifest.redaction.counts.secret).toBeGreaterThanOrEqual(4);
    for (const [name, content] of Object.entries(files)) {
      expect(findIps(content), name).toEqual([]);
      expect(content, name).not.toContain('127.0.0.1');
      for (const token of tokens) {
        expect(content, name).not.toContain(token);
        expect(content, name).not.toContain(token.split('.')[1]!);
      }
      expect(content, name).not.toContain(secret!);
    }
    expect(files[BUNDLE_FILES.appLog]).toMatch(/server ws:\/\/loopback-1:\d+/);

    // --no-redact keeps the addresses (the CLI on the journal file itself).
    const plainPath = join(dir, 'plain.zip');
    expect(await main(['export', journal, '-o', plainPath, '--no-redact'], quiet)).toBe(0);
    const plain = unzipText(new Uint8Array(await readFile(plainPath)));
    expect(plain[BUNDLE_FILES.trace]).toContain('127.0.0.1');
    expect(plain[BUNDLE_FILES.appLog]).toContain('127.0.0.1');
    expect(JSON.parse(plain[BUNDLE_FILES.manifest]!)).toMatchObject({ redaction: { enabled: false } });
  }, 90_000);
});
