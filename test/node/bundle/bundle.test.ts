/** The support bundle: contents, manifest hashes, parse-back, CSVs, report injection, atomic write. */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  BUNDLE_FILES,
  BundleError,
  EVENT_COLUMNS,
  STATS_COLUMNS,
  buildBundle,
  exportBundle,
  writeBundle,
  type BundleManifest,
} from '../../../src/app/support/bundle';
import { parseTraceText } from '../../../src/shared/trace/parse';
import { FAKE_TOKEN, findIps, parseCsv, syntheticTrace, unzip, unzipText } from './helpers';

const now = (): Date => new Date('2026-02-03T04:05:06.000Z');
const environment = {
  os: 'test',
  networkInterfaces: [{ name: 'eth0', families: ['IPv4'], internal: false }],
};

describe('support bundle', () => {
  it('round trips: every file listed with a matching sha256, the trace parses back, CSVs parse', async () => {
    const { header, records } = syntheticTrace();
    const zip = await exportBundle({
      header,
      records,
      environment,
      now,
      appLog: ['2026-02-03 app: connected to 198.51.100.9:443 with token=abcd1234efgh'],
      renderReport: (h, r) => `<html><body>${h.startedAt} ${r.length} records</body></html>`,
    });
    const entries = unzip(zip);
    const names = Object.keys(entries).sort();
    expect(names).toEqual(Object.values(BUNDLE_FILES).sort());
    const manifest = JSON.parse(strFromU8(entries[BUNDLE_FILES.manifest]!)) as BundleManifest;
    expect(manifest).toMatchObject({
      format: 'faultline-bundle',
      version: 1,
      createdAt: '2026-02-03T04:05:06.000Z',
      trace: { startedAt: header.startedAt, records: records.length },
      redaction: { enabled: true, pseudonymizeIds: false },
      warnings: [],
    });
    expect(manifest.app.name).toBe('faultline');
    expect(manifest).not.toHaveProperty('redaction.examples');
    expect(manifest.files.map((f) => f.name).sort()).toEqual(
      names.filter((n) => n !== BUNDLE_FILES.manifest),
    );
    for (const f of manifest.files) {
      const data = entries[f.name]!;
      expect(data.length, f.name).toBe(f.size);
      expect(createHash('sha256').update(data).digest('hex'), f.name).toBe(f.sha256);
    }

    const text = unzipText(zip);
    const trace = parseTraceText(text[BUNDLE_FILES.trace]!);
    expect(trace.records.map((r) => r.seq)).toEqual(records.map((r) => r.seq));
    expect(trace.skipped.invalidTotal).toBe(0);
    expect(trace.header.scenario).toMatchObject({ name: 'custom' });
    expect(JSON.parse(text[BUNDLE_FILES.scenario]!)).toMatchObject({
      name: 'custom',
      channel: 'acme-support',
    });

    const stats = parseCsv(text[BUNDLE_FILES.stats]!);
    expect(stats[0]).toEqual([...STATS_COLUMNS]);
    expect(stats.slice(1)).toEqual([
      ['4', '12', '4242', '40', '0', '2.5', '500', '', 'relay/udp', 'uid 7: audio 20, video 10'],
      ['9', '40', '4242', '', '100', '', '0', '0', '', ''],
    ]);
    const events = parseCsv(text[BUNDLE_FILES.events]!);
    expect(events[0]).toEqual([...EVENT_COLUMNS]);
    expect(events).toHaveLength(1 + records.filter((r) => r.type !== 'stats').length);
    const mark = events.find((row) => row[2] === 'mark')!;
    expect(mark[4]).toBe('he said "hi", then\nleft');
    // The detail column holds what the summary does not show: nothing for a mark, a fault's
    // target and params.
    expect(mark[5]).toBe('');
    const fault = events.find((row) => row[2] === 'fault')!;
    expect(fault[4]).toBe('blackhole start (f1)');
    expect(Object.keys(JSON.parse(fault[5]!) as object)).toEqual(['target', 'params']);
    expect(events.find((row) => row[2] === 'state')![4]).toBe('DISCONNECTED → CONNECTING');

    expect(text[BUNDLE_FILES.appLog]).toMatch(
      /2026-01-02T03:04:05\.000Z \+0\.000s INFO \[lab\] lab started: server ws:\/\/ip-1:8443\//,
    );
    expect(text[BUNDLE_FILES.appLog]).toMatch(/WARN \[uid 7\]/);
    expect(text[BUNDLE_FILES.appLog]).toContain('connected to ip-3:443 with token=[redacted: secret]');
    expect(text[BUNDLE_FILES.report]).toContain('9 records');
    expect(JSON.parse(text[BUNDLE_FILES.environment]!)).toMatchObject({
      exporter: environment,
      recorded: header.env,
    });

    for (const [name, content] of Object.entries(text)) {
      expect(findIps(content), name).toEqual([]);
      expect(content, name).not.toContain(FAKE_TOKEN);
      expect(content, name).not.toContain('hunter2');
      expect(content, name).not.toContain('abcd1234efgh');
    }
  });

  it('keeps addresses with redaction off, and pseudonymizes ids on request', async () => {
    const { header, records } = syntheticTrace();
    const plain = unzipText(
      await exportBundle({ header, records, environment, now, options: { redact: false } }),
    );
    expect(plain[BUNDLE_FILES.trace]).toContain('203.0.113.7');
    expect(plain[BUNDLE_FILES.events]).toContain('192.168.1.20');
    const manifest = JSON.parse(plain[BUNDLE_FILES.manifest]!) as BundleManifest;
    expect(manifest.redaction).toMatchObject({ enabled: false, counts: { ip: 0 } });

    const ids = unzipText(
      await exportBundle({ header, records, environment, now, options: { pseudonymizeIds: true } }),
    );
    for (const [name, content] of Object.entries(ids)) {
      expect(content, name).not.toContain('acme-support');
      expect(content, name).not.toContain('4242');
    }
    expect(JSON.parse(ids[BUNDLE_FILES.scenario]!)).toMatchObject({
      channel: 'channel-1',
      participants: [{ uid: 1 }, { uid: 2 }],
    });
    expect(parseTraceText(ids[BUNDLE_FILES.trace]!).records[1]).toMatchObject({ uid: 1 });
  });

  it('leaves report.html out, and says why, when the renderer fails; no scenario.json without a scenario', async () => {
    const { header, records } = syntheticTrace();
    const built = await buildBundle({
      header: { ...header, scenario: null },
      records,
      environment,
      renderReport: () => {
        throw new Error('boom');
      },
    });
    const names = Object.keys(unzip(built.zip));
    expect(names).not.toContain(BUNDLE_FILES.report);
    expect(names).not.toContain(BUNDLE_FILES.scenario);
    expect(built.manifest.warnings).toEqual([expect.stringMatching(/report\.html was left out.*boom/)]);
  });

  it('rejects bad input with a typed error', async () => {
    await expect(buildBundle({ header: null, records: [] } as never)).rejects.toMatchObject({
      name: 'BundleError',
      code: 'INVALID_INPUT',
    });
  });

  it('writes atomically: the file appears whole, no temp file stays, a failed write leaves nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'faultline-bundle-'));
    const { header, records } = syntheticTrace();
    const out = join(dir, 'bundle.zip');
    const built = await writeBundle(out, { header, records, environment, now });
    // The streamed file is byte for byte the zip built in memory from the same input.
    expect(new Uint8Array(await readFile(out))).toEqual(
      (await buildBundle({ header, records, environment, now })).zip,
    );
    expect(built.bytes).toBe((await readFile(out)).length);
    expect(await readdir(dir)).toEqual(['bundle.zip']);
    // overwriting an existing bundle works too
    await writeBundle(out, { header, records, environment, now });
    expect(await readdir(dir)).toEqual(['bundle.zip']);

    const missing = join(dir, 'no-such-dir', 'bundle.zip');
    const error = await writeBundle(missing, { header, records, environment }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect(error).toMatchObject({ code: 'WRITE_FAILED' });
    expect(await readdir(dir)).toEqual(['bundle.zip']);
  });
});
