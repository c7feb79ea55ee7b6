import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importRtcstats, importWebrtcInternals, SupportOpenError } from '../../../src/shared/support/import';
import { parseTraceText } from '../../../src/shared/trace/parse';
import { serializeTrace } from '../../../src/shared/trace/serialize';
import type { ImportResult } from '../../../src/shared/support/import';
import { diagnoseTrace } from '../../../src/shared/diagnose';

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
    expect(r.header.env).toMatchObject({
      source: 'webrtc-internals',
      peerConnections: { '1': { id: '4242-1', url: 'https://meet.example.test/room' } },
    });
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
      'candidate-pair:host/udp',
      'ice-state:disconnected',
      'candidate-pair:relay/?',
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
      peerConnections: { '1': { id: 'PC_0', url: null }, '2': { id: 'PC_1', url: null } },
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
    expect(media).toContain('1|candidate-pair:host/udp');
    expect(media).toContain('1|candidate-pair:relay/udp');
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

describe('webrtc-internals importer, current Chrome', () => {
  const t0 = 1_760_000_000_000;
  const series = (statsType: string, values: unknown[]): Record<string, unknown> => ({
    statsType,
    startTime: t0,
    endTime: t0 + (values.length - 1) * 1000,
    values: JSON.stringify(values),
  });
  // Chrome writes numeric epoch-ms `timestamp`s, `on`-prefixed event names and JSON-encoded values.
  const dump = {
    UserAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0',
    getUserMedia: [
      { origin: 'https://meet.example.test', audio: 'true', video: '', timestamp: t0 + 10 },
      {
        origin: 'https://meet.example.test',
        timestamp: t0 + 20,
        error: 'NotReadableError',
        error_message: 'Could not start video source',
      },
    ],
    PeerConnections: {
      '77-1': {
        url: 'https://meet.example.test/room',
        updateLog: [
          { timestamp: t0 + 100, type: 'createOffer', value: 'options: {offerToReceiveAudio: 1}' },
          { timestamp: t0 + 200, type: 'oniceconnectionstatechange', value: 'checking' },
          { timestamp: t0 + 300, type: 'onconnectionstatechange', value: 'connected' },
          { timestamp: t0 + 310, type: 'onsignalingstatechange', value: 'stable' },
          { timestamp: t0 + 4000, type: 'oniceconnectionstatechange', value: 'disconnected' },
          { timestamp: t0 + 4100, type: 'createOffer', value: 'options: {iceRestart: true}' },
          { timestamp: t0 + 4200, type: 'setRemoteDescriptionOnFailure', value: 'OperationError: bad sdp' },
          { timestamp: t0 + 9000, type: 'onconnectionstatechange', value: 'failed' },
        ],
        stats: {
          'CP1-bytesSent': series('candidate-pair', [0, 1000, 2000, 2000, 2000]),
          'CP1-state': series('candidate-pair', [
            'succeeded',
            'succeeded',
            'succeeded',
            'succeeded',
            'failed',
          ]),
        },
      },
      '77-2': {
        url: 'https://meet.example.test/room',
        updateLog: [{ timestamp: t0 + 150, type: 'onconnectionstatechange', value: 'connecting' }],
      },
    },
  };
  const r = importWebrtcInternals(dump);

  it('reads numeric timestamps, on-prefixed states, every PC with its URL, and the user agent', () => {
    expect(r.warnings.join(' ')).not.toMatch(/no readable time/);
    expect(r.header.env).toMatchObject({
      userAgent: expect.stringContaining('Chrome/156'),
      peerConnections: {
        '1': { id: '77-1', url: 'https://meet.example.test/room' },
        '2': { id: '77-2', url: 'https://meet.example.test/room' },
      },
    });
    const media = r.records
      .filter((x) => x.type === 'media')
      .map((x) => `${x.uid}|${x.t}|${x.event}:${x.value ?? ''}`);
    expect(media).toEqual([
      '2|150|pc-state:connecting',
      '1|200|ice-state:checking',
      '1|300|pc-state:connected',
      '1|310|signaling-state:stable',
      '1|4000|ice-state:disconnected',
      '1|4100|ice-restart:',
      '1|9000|pc-state:failed',
    ]);
    roundTrip(r);
  });

  it('keeps API calls as log records naming the event, failures at level error with the reason', () => {
    const logs = r.records.filter((x) => x.type === 'log');
    const failure = logs.find((x) => x.event === 'setRemoteDescriptionOnFailure');
    expect(failure).toMatchObject({
      uid: 1,
      level: 'error',
      error: expect.stringContaining('OperationError'),
    });
    const gum = logs.filter((x) => x.event?.startsWith('getUserMedia'));
    expect(gum.map((x) => `${x.t}|${x.level}|${x.event}`)).toEqual([
      '10|info|getUserMedia',
      '20|error|getUserMediaFailure',
    ]);
    expect(gum[1]).toMatchObject({ error: 'NotReadableError: Could not start video source' });
  });

  it('is diagnosed: the ICE restart, the failed PC and the camera error are incidents', () => {
    const kinds = diagnoseTrace(r).incidents.map((i) => `${i.subject}|${i.kind}`);
    expect(kinds).toEqual(expect.arrayContaining(['1|ice-restart', '1|ice-failure']));
    expect(kinds.some((k) => k.endsWith('|device-error'))).toBe(true);
  });
});
