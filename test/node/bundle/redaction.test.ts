/** Redaction for support bundles: addresses, secrets, SDP, ids; previews; no false alarms. */
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../../src/shared';
import {
  REDACTED_SDP_BODY,
  REDACTED_SECRET,
  Redactor,
  previewRedaction,
  redactTrace,
} from '../../../src/shared/support/redaction';
import { FAKE_TOKEN, findIps, syntheticTrace } from './helpers';

describe('Redactor', () => {
  it('copies on write: a value with nothing to redact comes back as it is, a redacted one as a copy', () => {
    const r = new Redactor();
    const clean = {
      seq: 1,
      t: 2,
      type: 'stats',
      uid: 1,
      raw: { sub: { fromPeers: { '2': { audio: 5 } } }, kinds: ['audio', 'video'] },
    };
    // Before: every record was copied (a 1,000,000-record export spent ~1.7 s more in GC).
    expect(r.value(clean)).toBe(clean);
    const dirty = {
      seq: 3,
      type: 'log',
      msg: 'peer at 203.0.113.7',
      list: ['a', '198.51.100.2'],
      keep: { n: 1 },
      '192.168.7.7:5000': 1,
    };
    const before = structuredClone(dirty);
    const out = r.value(dirty) as Record<string, unknown>;
    expect(out).not.toBe(dirty);
    expect(dirty).toStrictEqual(before);
    expect(out).toStrictEqual({
      seq: 3,
      type: 'log',
      msg: 'peer at ip-1',
      list: ['a', 'ip-2'],
      keep: { n: 1 },
      'private-1:5000': 1,
    });
    expect(Object.keys(out)).toEqual(
      Object.keys(dirty).map((k) => (k.startsWith('192') ? 'private-1:5000' : k)),
    );
    expect(out['keep']).toBe(dirty.keep);
  });

  it('pseudonymizes IPv4 and IPv6 addresses stably, by class, keeping ports', () => {
    const r = new Redactor();
    expect(r.text('ws://203.0.113.7:8443/ws and 203.0.113.7 again')).toBe('ws://ip-1:8443/ws and ip-1 again');
    expect(r.text('candidate:1 1 udp 2122260223 192.168.1.20 54321 typ host')).toBe(
      'candidate:1 1 udp 2122260223 private-1 54321 typ host',
    );
    expect(r.text('[2001:db8::7]:3478, fe80::1%eth0, ::1, 127.0.0.1:9, ::ffff:10.1.2.3')).toBe(
      '[ip-2]:3478, private-2, loopback-1, loopback-2:9, private-3',
    );
    expect(r.text('2001:DB8::7')).toBe('ip-2');
    const s = r.summary();
    expect(s.distinct.ip).toBe(7);
    expect(s.counts.ip).toBe(9);
    expect(s.examples.filter((e) => e.kind === 'ip')).toHaveLength(3);
  });

  it('leaves times, versions, fingerprints, file names, plain words and localhost alone', () => {
    const r = new Redactor();
    const text =
      'at 02:27:01 node 20.20.0 chrome 120.0.6099.109 std::vector user-joined ' +
      'sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89 /work/main/src/lab file.ndjson 999.1.1.1 ' +
      'trace.ndjson.gz report.html Faultline.app ws://localhost:8443/v1/channel raw.sub.fromPeers';
    expect(r.text(text)).toBe(text);
    expect(findIps(r.text(text))).toEqual([]);
    // and the finder itself does find addresses
    expect(findIps('x 10.0.0.1:80 [::1]:5 fe80::1%eth0 2001:db8::7.')).toEqual([
      '10.0.0.1',
      '::1',
      'fe80::1',
      '2001:db8::7',
    ]);
  });

  it('removes secrets by field name and by shape, keeps numeric settings', () => {
    const r = new Redactor();
    const out = r.value({
      token: 'abc',
      apiSecret: 's3cr3t',
      Authorization: 'Basic dXNlcjpwYXNz',
      nested: { credential: { user: 'a', pass: 'b' }, password: '' },
      tokenTtlMs: 600000,
      msg: `join with ${FAKE_TOKEN} ok`,
      url: 'https://example.org/x?token=abc123&mode=1',
      hex: 'key 0123456789abcdef0123456789abcdef01 end',
      b64: 'secret=Zm9vYmFyYmF6cXV4Q29ycmVjdEhvcnNlQmF0dGVyeVN0YXBsZTEyMw== end',
      plain: 'this_is_a_long_identifier_with_no_digits_or_capitals_at_all',
      free: 'login password: "hunter22" and token=[redacted: secret] tokenTtlMs: 600000',
    });
    expect(out).toEqual({
      token: REDACTED_SECRET,
      apiSecret: REDACTED_SECRET,
      Authorization: REDACTED_SECRET,
      nested: { credential: REDACTED_SECRET, password: '' },
      tokenTtlMs: 600000,
      msg: `join with ${REDACTED_SECRET} ok`,
      url: `https://host-1/x?token=${REDACTED_SECRET}&mode=1`,
      hex: `key ${REDACTED_SECRET} end`,
      b64: `secret=${REDACTED_SECRET} end`,
      plain: 'this_is_a_long_identifier_with_no_digits_or_capitals_at_all',
      free: `login password: "${REDACTED_SECRET}" and token=[redacted: secret] tokenTtlMs: 600000`,
    });
    const examples = r.summary().examples.filter((e) => e.kind === 'secret');
    expect(examples.length).toBeGreaterThan(0);
    for (const e of examples) expect(e.before).not.toContain('s3cr3t');
  });

  it('pseudonymizes host names, MACs, e-mail addresses, user names and home directories', () => {
    const r = new Redactor();
    expect(
      r.text(
        'sfu at ip-10-9-8-7.ec2.internal and wss://sfu.acme.example:443/v1 again ip-10-9-8-7.ec2.internal',
      ),
    ).toBe('sfu at host-2 and wss://host-1:443/v1 again host-2');
    expect(
      r.text('candidate:1 1 udp 2122260223 0a01cb9d-4977-4c0d-af9b-58dbfcada880.local 54321 typ host'),
    ).toBe('candidate:1 1 udp 2122260223 host-3.local 54321 typ host');
    expect(r.text('eth0 AA:BB:cc:dd:ee:01, aa-bb-cc-dd-ee-01, 02:00:00:00:00:02')).toBe(
      'eth0 mac-1, mac-1, mac-2',
    );
    expect(r.text('mailed Jane.Doe+rtc@Example.com and jane.doe+rtc@example.com')).toBe(
      'mailed email-1 and email-1',
    );
    expect(
      r.text('/home/alice/.config/faultline, /Users/bob/Library, /root/x, C:\\Users\\carol\\AppData'),
    ).toBe('~/.config/faultline, ~/Library, ~/x, ~\\AppData');
    expect(
      r.text(
        'a=ice-ufrag:Xy12 a=ice-pwd:asd88fgpoiSdf76sdf6sdf7 generation 0 ufrag Xy12 username=17000:turn',
      ),
    ).toBe(`a=ice-ufrag:user-1 a=ice-pwd:${REDACTED_SECRET} generation 0 ufrag user-1 username=user-2`);
    expect(r.text('ws://bob:hunter2@127.0.0.1:9/v1 and Authorization: Basic dXNlcjpwYXNz')).toBe(
      `ws://user-3:${REDACTED_SECRET}@loopback-1:9/v1 and Authorization: Basic ${REDACTED_SECRET}`,
    );
    const s = r.summary();
    expect(s.counts).toMatchObject({ host: 4, mac: 3, email: 2, path: 4, user: 4, secret: 3, ip: 1 });
    expect(s.distinct).toMatchObject({ host: 3, mac: 2, email: 1, user: 3 });
    expect(JSON.stringify(s.examples)).not.toContain('hunter2');
  });

  it('redacts object keys like values, by field name, and never merges two keys', () => {
    const r = new Redactor();
    const out = r.value({
      byAddress: { '192.168.7.7:5000': 1, 'fe80::1%eth0': 2, '[redacted: secret]': 3, rttMs: 4 },
      seen: { [FAKE_TOKEN]: 'a', [`${FAKE_TOKEN}x`]: 'b' },
      turn: { username: '1700000000:alice', usernameFragment: 'Xy12', icePwd: 'p', hostname: 'build-07' },
      local: { hostname: 'localhost', host: '10.1.2.3' },
    });
    expect(out).toEqual({
      byAddress: { 'private-1:5000': 1, 'private-2': 2, '[redacted: secret]': 3, rttMs: 4 },
      seen: { [REDACTED_SECRET]: 'a', [`${REDACTED_SECRET} #2`]: 'b' },
      turn: { username: 'user-1', usernameFragment: 'user-2', icePwd: REDACTED_SECRET, hostname: 'host-1' },
      local: { hostname: 'localhost', host: 'private-3' },
    });
  });

  it('drops SDP bodies', () => {
    const r = new Redactor();
    expect(r.value({ sdp: 'v=0\r\no=- 1', desc: { type: 'offer', sdp: { x: 1 } }, m: 'v=0\nx' })).toEqual({
      sdp: REDACTED_SDP_BODY,
      desc: { type: 'offer', sdp: REDACTED_SDP_BODY },
      m: REDACTED_SDP_BODY,
    });
    expect(r.summary().counts.sdp).toBe(3);
  });

  it('redacts and counts every repeat of a value or a field name (it remembers only clean strings)', () => {
    const r = new Redactor();
    const dirty = { msg: 'connected to 192.168.7.7:5000 as alice@example.com', password: 'hunter2' };
    const clean = { msg: 'media flowing on the pub pc, 40 packets', note: 'connected' };
    for (let i = 0; i < 3; i++) {
      expect(r.value(clean)).toBe(clean);
      expect(r.value(dirty)).toEqual({
        msg: 'connected to private-1:5000 as email-1',
        password: REDACTED_SECRET,
      });
    }
    const { counts, distinct } = r.summary();
    expect([counts.ip, counts.email, counts.secret]).toEqual([3, 3, 3]);
    expect([distinct.ip, distinct.email]).toEqual([1, 1]);
  });

  it('keeps everything when disabled', () => {
    const r = new Redactor({ enabled: false, pseudonymizeIds: true });
    const value = { token: 'x', ip: '10.0.0.1', uid: 5 };
    expect(r.value(value)).toBe(value);
    expect(r.pseudonymizeIds).toBe(false);
  });
});

describe('redactTrace and previewRedaction', () => {
  it('redacts header and records without touching the inputs', () => {
    const { header, records } = syntheticTrace();
    const before = JSON.stringify({ header, records });
    const out = redactTrace(header, records);
    expect(JSON.stringify({ header, records })).toBe(before);
    const text = JSON.stringify({ header: out.header, records: out.records });
    expect(findIps(text)).toEqual([]);
    expect(text).not.toContain(FAKE_TOKEN);
    expect(text).not.toContain('hunter2');
    expect(text).toContain('acme-support'); // ids stay unless asked
    expect(out.records[1]!.uid).toBe(4242);
  });

  it('pseudonymizes channel names and UIDs consistently across header, scenario and records', () => {
    const { header, records } = syntheticTrace();
    const out = redactTrace(header, records, { pseudonymizeIds: true });
    const text = JSON.stringify(out.header) + JSON.stringify(out.records);
    expect(text).not.toContain('acme-support');
    expect(text).not.toContain('4242');
    expect(out.header.config['channel']).toBe('channel-1');
    expect((out.header.scenario as { channel: string }).channel).toBe('channel-1');
    const parts = (out.header.scenario as { participants: Array<{ uid: number }> }).participants;
    expect(parts.map((p) => p.uid)).toEqual([1, 2]);
    expect(out.records[1]!.uid).toBe(1);
    expect(out.records[4]).toMatchObject({ uid: 1, peer: 2 });
    expect((out.records[0] as { msg: string }).msg).toContain('channel channel-1');
    expect((out.records[6] as { msg: string }).msg).toContain('for uid 2 from loopback-1');
    expect(out.summary.distinct).toMatchObject({ channel: 1, uid: 2 });
  });

  it('pseudonymizes the UIDs that key per-publisher counters (stats raw.sub.fromPeers)', () => {
    const { header, records } = syntheticTrace();
    const stats = {
      seq: records.length + 1,
      t: 900,
      type: 'stats',
      uid: 7,
      rttMs: null,
      lossPct: null,
      jitterMs: null,
      sendKbps: null,
      recvKbps: null,
      raw: { sub: { packetsReceived: 30, fromPeers: { '4242': { audio: 20, video: 10 } } } },
    } as TraceRecord;
    const out = redactTrace(header, [...records, stats], { pseudonymizeIds: true });
    const raw = out.records.at(-1)!.type === 'stats' ? (out.records.at(-1) as { raw: unknown }).raw : null;
    expect(raw).toEqual({ sub: { packetsReceived: 30, fromPeers: { '1': { audio: 20, video: 10 } } } });
    expect(JSON.stringify(out.records)).not.toContain('4242');
    // Without pseudonyms the keys stay.
    const plain = redactTrace(header, [...records, stats]);
    expect(JSON.stringify(plain.records.at(-1))).toContain('"4242":{"audio":20');
  });

  it('previews counts and before → after examples', () => {
    const { header, records } = syntheticTrace();
    const preview = previewRedaction(header, records, {});
    expect(preview.enabled).toBe(true);
    expect(preview.counts.ip).toBeGreaterThanOrEqual(5);
    expect(preview.counts.secret).toBeGreaterThanOrEqual(2);
    expect(preview.examples).toContainEqual({ kind: 'ip', before: '203.0.113.7', after: 'ip-1' });
    expect(previewRedaction(header, records, { enabled: false }).counts.ip).toBe(0);
    const more = previewRedaction(header, [
      ...records,
      {
        seq: 10,
        t: 50,
        uid: 7,
        type: 'log',
        level: 'info',
        msg: 'turn user=alice at /home/alice via a.corp',
      },
    ] as TraceRecord[]);
    expect(more.counts).toMatchObject({ user: 1, path: 1, host: 1 });
    expect(more.examples).toContainEqual({ kind: 'host', before: 'a.corp', after: 'host-1' });
  });
});
