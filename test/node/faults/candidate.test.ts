import { describe, expect, it } from 'vitest';
import {
  CandidateParseError,
  formatCandidate,
  parseCandidate,
  rewriteCandidateAddress,
  rewriteCandidateInit,
  splitSdpCandidates,
} from '../../../src/lab/faults/candidate';

const HOST =
  'candidate:1467250027 1 udp 2122260223 127.0.0.1 46243 typ host generation 0 ufrag abcd network-id 1';

describe('parseCandidate / formatCandidate', () => {
  it('parses every field and round-trips', () => {
    const c = parseCandidate(HOST);
    expect(c).toMatchObject({
      prefix: 'candidate:',
      foundation: '1467250027',
      component: 1,
      transport: 'udp',
      priority: 2122260223,
      address: '127.0.0.1',
      port: 46243,
      type: 'host',
    });
    expect(c.extensions).toEqual([
      ['generation', '0'],
      ['ufrag', 'abcd'],
      ['network-id', '1'],
    ]);
    expect(formatCandidate(c)).toBe(HOST);
  });

  it('keeps the a= form and raddr/rport', () => {
    const text = 'a=candidate:2 1 UDP 1686052607 127.0.0.1 5000 typ srflx raddr 0.0.0.0 rport 0';
    expect(formatCandidate(parseCandidate(text))).toBe(text);
  });

  it.each([
    ['', 'must start with'],
    ['candidate:1 1 udp 1 127.0.0.1 5000', 'fewer than 8'],
    ['candidate:1 1 udp 1 127.0.0.1 99999 typ host', 'port 99999 is out of range'],
    ['candidate:1 1 udp x 127.0.0.1 5000 typ host', 'priority must be'],
    ['candidate:1 1 udp 1 127.0.0.1 5000 type host', 'missing "typ"'],
    ['candidate:1 1 udp 1 127.0.0.1 5000 typ weird', 'not host, srflx'],
    ['candidate:1 1 udp 1 127.0.0.1 5000 typ host generation', 'name/value pairs'],
    ['candidate:f@o 1 udp 1 127.0.0.1 5000 typ host', 'foundation'],
  ])('rejects %j with a clear error', (text, msg) => {
    expect(() => parseCandidate(text)).toThrow(CandidateParseError);
    expect(() => parseCandidate(text)).toThrow(msg);
  });

  it('rejects non-strings', () => {
    expect(() => parseCandidate(42 as unknown as string)).toThrow('must be a string');
  });
});

describe('rewriteCandidateAddress', () => {
  it('changes only address and port', () => {
    const out = rewriteCandidateAddress(HOST, '127.0.0.9', 4000);
    expect(out).toBe(HOST.replace('127.0.0.1 46243', '127.0.0.9 4000'));
  });
  it('keeps sdpMid, sdpMLineIndex and ufrag of an init', () => {
    const init = { candidate: HOST, sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'abcd' };
    expect(rewriteCandidateInit(init, '127.0.0.2', 1234)).toEqual({
      ...init,
      candidate: HOST.replace('127.0.0.1 46243', '127.0.0.2 1234'),
    });
  });
  it('rejects a bad port', () => {
    expect(() => rewriteCandidateAddress(HOST, '127.0.0.1', 0)).toThrow('not 1-65535');
  });
});

describe('splitSdpCandidates', () => {
  const sdp = [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'c=IN IP4 0.0.0.0',
    'a=candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host',
    'a=mid:0',
    'a=candidate:2 1 udp 2122260222 10.0.0.1 5001 typ host',
    'a=end-of-candidates',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'a=mid:1',
    'a=candidate:3 1 udp 2122260223 127.0.0.1 5002 typ host',
    '',
  ].join('\r\n');

  it('strips candidate lines and returns them per media section', () => {
    const out = splitSdpCandidates(sdp);
    expect(out.sdp).not.toContain('a=candidate');
    expect(out.sdp).not.toContain('end-of-candidates');
    expect(out.sdp).toContain('a=mid:1\r\n');
    expect(out.sdp.endsWith('\r\n')).toBe(true);
    expect(out.candidates).toEqual([
      { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 },
      { candidate: 'candidate:2 1 udp 2122260222 10.0.0.1 5001 typ host', sdpMid: '0', sdpMLineIndex: 0 },
      { candidate: 'candidate:3 1 udp 2122260223 127.0.0.1 5002 typ host', sdpMid: '1', sdpMLineIndex: 1 },
    ]);
  });

  it('leaves an SDP without candidates unchanged (LF endings too)', () => {
    const plain = 'v=0\nm=audio 9 RTP/AVP 0\na=mid:a\n';
    expect(splitSdpCandidates(plain)).toEqual({ sdp: plain, candidates: [] });
  });
});
