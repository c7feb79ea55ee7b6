/** Test helpers for bundles: unzip, a strict RFC 4180 CSV parser, and a synthetic trace. */
import { isIP } from 'node:net';
import { gunzipSync, strFromU8, unzipSync } from 'fflate';
import { makeHeader } from '../../../src/shared/trace/serialize';
import type { TraceHeader, TraceRecord } from '../../../src/shared/trace/records';

/** Every entry of a zip, by name. */
export function unzip(zip: Uint8Array): Record<string, Uint8Array> {
  return unzipSync(zip);
}

/** Every entry of a zip as text (gzip entries decompressed). */
export function unzipText(zip: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, data] of Object.entries(unzipSync(zip)))
    out[name] = strFromU8(name.endsWith('.gz') ? gunzipSync(data) : data);
  return out;
}

/** Parses RFC 4180 CSV (CRLF rows, quoted fields); throws on malformed quoting. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        if (i < text.length && !/[,\r]/.test(text[i]!)) throw new Error(`bad quote at ${i}`);
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (field !== '') throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') throw new Error(`bare line break at ${i}`);
    else field += c;
    i++;
  }
  if (quoted) throw new Error('unterminated quote');
  if (field !== '' || row.length) throw new Error('last row lacks CRLF');
  return rows;
}

/** A lab-like token: base64url(JSON) "." base64url(43-char HMAC). */
export const FAKE_TOKEN =
  'eyJjaGFubmVsIjoiZmF1bHRsaW5lIiwidWlkIjoxfQ.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdE';

/** A small trace with addresses, secrets, SDP and CSV-hostile text in it. */
export function syntheticTrace(): { header: TraceHeader; records: TraceRecord[] } {
  const header = makeHeader({
    startedAt: '2026-01-02T03:04:05.000Z',
    timeScale: 1,
    app: { name: 'faultline', version: '1.2.3' },
    env: { os: 'linux 6.1', node: '20.20.0', engine: 'wrtc' },
    config: {
      channel: 'acme-support',
      tokenTtlMs: 600000,
      server: 'remote',
      url: 'wss://203.0.113.7:8443/ws',
    },
    scenario: {
      name: 'custom',
      channel: 'acme-support',
      participants: [{ uid: 4242 }, { uid: 7 }],
      steps: [{ at: 0, do: 'join', uid: 4242 }],
    },
  });
  const records: TraceRecord[] = [
    {
      seq: 1,
      t: 0,
      uid: null,
      type: 'log',
      level: 'info',
      msg: 'lab started: server ws://203.0.113.7:8443/ (remote) channel acme-support',
    },
    { seq: 2, t: 5, uid: 4242, type: 'state', from: 'DISCONNECTED', to: 'CONNECTING' },
    {
      seq: 3,
      t: 9,
      uid: 4242,
      type: 'media',
      event: 'candidate-pair',
      value: 'candidate:1 1 udp 2122260223 192.168.1.20 54321 typ host / [2001:db8::7]:3478 relay',
    },
    {
      seq: 4,
      t: 12,
      uid: 4242,
      type: 'stats',
      rttMs: 40,
      lossPct: 0,
      jitterMs: 2.5,
      sendKbps: 500,
      recvKbps: null,
      raw: {
        localAddress: '10.0.0.5',
        password: 'hunter2',
        candidatePair: 'relay/udp',
        sub: { packetsReceived: 30, fromPeers: { '7': { audio: 20, video: 10 } } },
      },
    },
    { seq: 5, t: 15, uid: 4242, type: 'peer', event: 'user-joined', peer: 7 },
    { seq: 6, t: 20, uid: null, type: 'mark', label: 'he said "hi", then\nleft' },
    {
      seq: 7,
      t: 21,
      uid: 7,
      type: 'log',
      level: 'warn',
      msg: `auth header Bearer ${FAKE_TOKEN} for uid 7 from ::1`,
    },
    {
      seq: 8,
      t: 30,
      uid: 4242,
      type: 'fault',
      id: 'f1',
      phase: 'start',
      kind: 'blackhole',
      target: { uid: 4242, path: 'media' },
      params: { offer: { sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } },
    },
    {
      seq: 9,
      t: 40,
      uid: 4242,
      type: 'stats',
      rttMs: null,
      lossPct: 100,
      jitterMs: null,
      sendKbps: 0,
      recvKbps: 0,
    },
  ] as TraceRecord[];
  return { header, records };
}

/** Every substring that Node itself accepts as an IP address. */
export function findIps(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?<![A-Za-z0-9_])[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]*(?![A-Za-z0-9_])/g)) {
    const run = m[0].replace(/^[:.]+(?=[^:])|\.+$/g, '');
    for (const candidate of [run, run.replace(/:\d+$/, ''), m[0]]) {
      if (isIP(candidate)) {
        found.push(candidate);
        break;
      }
    }
  }
  return found;
}
