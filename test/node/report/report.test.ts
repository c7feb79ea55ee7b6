import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { renderReport, REPORT_CSP } from '../../../src/app/support/report/render';
import { esc } from '../../../src/app/support/report/escape';
import type { TraceRecord } from '../../../src/shared/trace/records';
import { serializeTrace } from '../../../src/shared/trace/serialize';
import { diagnoseTrace, withoutInjectedFaults } from '../../../src/shared/diagnose';
import { TraceBuilder } from '../check/builder';
import { hostileTrace, sampleTrace } from './fixtures';
import { loadLabRun } from '../../helpers/lab-runs';
import { findIps, syntheticTrace } from '../bundle/helpers';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('renderReport', () => {
  it('is one self-contained page: CSP meta, no scripts, no external references', () => {
    const { header, records } = sampleTrace();
    const html = renderReport(header, records, { now: () => new Date('2026-01-01T00:00:00Z') });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${esc(REPORT_CSP)}">`);
    expect(html).not.toMatch(/<script|<link|<iframe|<img|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)=/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    // Verdict, expectations, findings, the three charts, every record.
    expect(html).toContain('id="verdict"');
    expect(html).toMatch(/data-verdict="(PASS|FAIL)"/);
    expect(html.match(/<tr class="expectation /g)).toHaveLength(2);
    expect(html).toContain('aria-label="connection states"');
    expect(html).toContain('aria-label="peer events"');
    expect(html).toContain('class="fault"');
    expect(html.match(/class="threshold (media|heartbeat)"/g)).toHaveLength(2);
    expect(html).toContain('aria-label="Round-trip time"');
    expect(html.match(/<tr class="event"/g)).toHaveLength(records.length);
  });

  it('opens with the diagnosis: the verdict line and one row per incident, before the checker', async () => {
    const trace = withoutInjectedFaults(loadLabRun('short-drop'));
    const html = renderReport(trace.header, trace.records);
    const d = diagnoseTrace(trace);
    expect(html.indexOf('id="incidents"')).toBeGreaterThan(0);
    expect(html.indexOf('id="incidents"')).toBeLessThan(html.indexOf('id="verdict"'));
    expect(html).toContain(`<p id="diagnosis-verdict" class="summary">${esc(d.verdict.text)}</p>`);
    expect(html.match(/<tr class="incident"/g)).toHaveLength(d.incidents.length);
    expect(html).toMatch(/data-kind="interruption" data-cause="path-blackholed"/);
    // A calm trace says so instead of an empty table.
    const calm = renderReport(trace.header, []);
    expect(calm).toContain('No incidents found in the records.');
  });

  it('escapes hostile strings everywhere and redacts secrets', () => {
    const { header, records } = hostileTrace();
    const html = renderReport(header, records);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    // Every tag in the page is one the report itself writes.
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()));
    const allowed =
      'html head meta title style body h1 h2 h3 p dl dt dd table thead tbody tr th td ul li strong span svg rect line text circle polyline footer';
    expect([...tags].filter((t) => !allowed.split(' ').includes(t))).toEqual([]);
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('s3cr3t-token');
    expect(html.match(/<tr class="event"/g)).toHaveLength(records.length);
  });

  it('caps the event table with a note and still draws long traces', () => {
    const b = new TraceBuilder();
    b.state(0, 1, 'DISCONNECTED', 'CONNECTING').state(5, 1, 'CONNECTING', 'CONNECTED');
    const records: TraceRecord[] = [...b.records];
    for (let i = 0; i < 30_000; i++)
      records.push({
        seq: records.length + 1,
        t: 10 + i,
        uid: 1,
        type: 'stats',
        rttMs: i % 97,
        lossPct: 0,
        jitterMs: 1,
        sendKbps: 100,
        recvKbps: 100,
      });
    const { header } = sampleTrace();
    const html = renderReport(header, records, { maxTableRows: 1000 });
    expect(html.match(/<tr class="event"/g)).toHaveLength(1000);
    expect(html).toContain('id="table-note"');
    expect(html).toContain('30,002');
    expect(html.length).toBeLessThan(2_000_000);
  });

  it('tolerates an empty trace', () => {
    const { header } = sampleTrace();
    const html = renderReport(header, []);
    expect(html).toContain('No connection states yet.');
    expect(html).toContain('No link statistics in this trace.');
  });
});

describe('faultline report', () => {
  it('writes the HTML file from a trace file and fails clearly on a bad one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'faultline-report-'));
    dirs.push(dir);
    const { header, records } = sampleTrace();
    await writeFile(join(dir, 't.ndjson'), serializeTrace(header, records));
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    expect(await main(['report', join(dir, 't.ndjson'), '-o', join(dir, 'r.html')], io)).toBe(0);
    expect(out.join('\n')).toContain('r.html');
    expect(await readFile(join(dir, 'r.html'), 'utf8')).toContain('id="events"');

    await writeFile(join(dir, 'bad.ndjson'), 'not json\n');
    expect(await main(['report', join(dir, 'bad.ndjson'), '-o', join(dir, 'x.html')], io)).toBe(2);
    expect(err.join('\n')).toMatch(/not a Faultline trace/);
  });

  it("redacts with the bundles' redactor by default; --no-redact keeps what was recorded", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'faultline-report-'));
    dirs.push(dir);
    const { header, records } = syntheticTrace();
    const leaky = [
      ...records,
      {
        seq: 10,
        t: 50,
        uid: 7,
        type: 'log',
        level: 'warn',
        msg: 'turn username=1700000000:alice via ws://bob:hunter2@sfu.acme.example:443 for ops@acme.example.com',
      },
    ] as TraceRecord[];
    await writeFile(join(dir, 't.ndjson'), serializeTrace(header, leaky));
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
    const recorded = [
      '203.0.113.7',
      '192.168.1.20',
      '2001:db8::7',
      'hunter2',
      'alice',
      'bob',
      'acme.example',
    ];

    expect(await main(['report', join(dir, 't.ndjson'), '-o', join(dir, 'r.html')], io)).toBe(0);
    const html = await readFile(join(dir, 'r.html'), 'utf8');
    expect(findIps(html)).toEqual([]);
    expect(recorded.filter((s) => html.includes(s))).toEqual([]);
    expect(html).toContain('ip-1');
    expect(out.join('\n')).toMatch(/Redacted: \d+ addresses \(\d+ places\), \d+ secrets, /);

    expect(await main(['report', join(dir, 't.ndjson'), '-o', join(dir, 'p.html'), '--no-redact'], io)).toBe(
      0,
    );
    const plain = await readFile(join(dir, 'p.html'), 'utf8');
    expect(recorded.filter((s) => !plain.includes(s))).toEqual([]);
    expect(out.join('\n')).toContain('Not redacted: the report holds addresses as recorded.');
  });
});
