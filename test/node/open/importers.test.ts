import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importRtcstats, importWebrtcInternals, SupportOpenError } from '../../../src/shared/support/import';
import { parseTraceText } from '../../../src/shared/trace/parse';
import { serializeTrace } from '../../../src/shared/trace/serialize';
import type { ImportResult } from '../../../src/shared/support/import';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

function roundTrip(r: ImportResult): void {
  const text = serializeTrace(r.header, r.records);
  const back = parseTraceText(text);
  expect(back.skipped.invalidTotal).toBe(0);
  expect(back.records).toHaveLength(r.records.length);
  // Never an address, an SDP body or a credential from the dump.
  expect(text).not.toMatch(/192\.0\.2\.10|127\.0\.0\.1|hunter2|secret-credential|v=0/);
}

describe('webrtc-internals importer', () => {
  const r = importWebrtcInternals(JSON.parse(fixture('webrtc-internals.json')));

  it('synthesizes a v1 header and one uid per peer connection', () => {
    expect(r.header).toMatchObject({ format: 'faultline-trace', version: 1, timeScale: 1 });
    expect(r.header.env).toMatchObject({ source: 'webrtc-internals', peerConnections: { '1': '4242-1' } });
    expect(r.header.startedAt).toBe(new Date(1700000000000).toISOString());
    expect(new Set(r.records.map((x) => x.uid))).toEqual(new Set([1]));
    roundTrip(r);
  });

  it('maps ICE and connection states to media records, the rest to log records', () => {
    const media = r.records.filter((x) => x.type === 'media').map((x) => `${x.event}:${x.value}`);
    expect(media).toEqual([
      'ice-state:checking',
      'pc-state:connecting',
      'ice-state:connected',
      'pc-state:connected',
      'candidate-pair:host->srflx udp (CPa_b)',
      'ice-state:disconnected',
      'candidate-pair:relay->host (CPc_d)',
      'pc-state:failed',
    ]);
    const logs = r.records.filter((x) => x.type === 'log').map((x) => x.msg);
    expect(logs).toEqual(['setLocalDescription: [sdp omitted]', 'icegatheringstatechange: gathering']);
    const seqs = r.records.map((x) => x.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const ts = r.records.map((x) => x.t);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
  });

  it('computes stats figures from the series', () => {
    const stats = r.records.filter((x) => x.type === 'stats');
    expect(stats).toHaveLength(3);
    expect(stats[0]).toMatchObject({ t: 1000, rttMs: 40, jitterMs: 2, lossPct: null, sendKbps: null });
    // 12,500 bytes sent and 25,000 received over 1 s on the selected pair; 10 lost of 100.
    expect(stats[1]).toMatchObject({
      t: 2000,
      rttMs: 50,
      jitterMs: 15,
      lossPct: 10,
      sendKbps: 100,
      recvKbps: 200,
    });
    expect(stats[2]).toMatchObject({ t: 3000, rttMs: 200, lossPct: 0 });
    expect(r.warnings.join(' ')).toMatch(/could not be read/);
  });

  it('rejects JSON that is not a dump with WRONG_FORMAT', () => {
    expect(() => importWebrtcInternals({ hello: 1 })).toThrow(SupportOpenError);
    try {
      importWebrtcInternals([1, 2]);
    } catch (e) {
      expect((e as SupportOpenError).code).toBe('WRONG_FORMAT');
    }
  });
});

describe('rtcstats importer', () => {
  const r = importRtcstats(fixture('rtcstats.txt'));

  it('reads metadata, one uid per pc and keeps no credential or SDP', () => {
    expect(r.header.env).toMatchObject({
      source: 'rtcstats',
      fileFormat: 3,
      peerConnections: { '1': 'PC_0', '2': 'PC_1' },
    });
    roundTrip(r);
    expect(r.warnings.join(' ')).toMatch(/1 lines are not rtcstats entries \(first: line 14\)/);
  });

  it('maps events: global ones with uid null, unknown methods as log records', () => {
    const logs = r.records.filter((x) => x.type === 'log').map((x) => `${x.uid}|${x.msg}`);
    expect(logs).toEqual([
      'null|getUserMedia',
      '1|create',
      '1|createOffer',
      '1|setLocalDescription: offer',
      '1|somethingNew: whatever',
      '1|close',
      '2|create',
    ]);
    const media = r.records.filter((x) => x.type === 'media').map((x) => `${x.uid}|${x.event}:${x.value}`);
    expect(media).toContain('1|candidate-pair:host->host udp (CPa_b)');
    expect(media).toContain('1|candidate-pair:relay->host udp (CPc_d)');
    expect(media).toContain('2|pc-state:new');
  });

  it('rebuilds delta-compressed getStats and computes figures', () => {
    const stats = r.records.filter((x) => x.type === 'stats');
    expect(stats).toHaveLength(3);
    expect(stats[0]).toMatchObject({ rttMs: 30, jitterMs: 1, sendKbps: null });
    // Δ 5,000 bytes sent, 10,000 received in 1 s; 5 lost of 50.
    expect(stats[1]).toMatchObject({ rttMs: 80, jitterMs: 20, lossPct: 10, sendKbps: 40, recvKbps: 80 });
    // Unchanged fields of the previous delta stay: jitter still 20 ms.
    expect(stats[2]).toMatchObject({ rttMs: 250, jitterMs: 20, lossPct: 0 });
  });

  it('reports a cut-off last line and rejects unknown file formats and non-dumps', () => {
    const text = fixture('rtcstats.txt');
    const cut = importRtcstats(text.slice(0, text.length - 20));
    expect(cut.warnings.join(' ')).toMatch(/cut off/);
    expect(() => importRtcstats('{"fileFormat":99}\n["create","PC_0",{},1]\n')).toThrow(/file format 99/);
    expect(() => importRtcstats('hello\nworld\n')).toThrow(SupportOpenError);
  });
});
