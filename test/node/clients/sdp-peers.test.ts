import { describe, expect, it } from 'vitest';
import type { RecordInput } from '../../../src/shared';
import { announcedTracks, splitCandidates } from '../../../src/lab/clients/sdp';
import { PeerDirectory } from '../../../src/lab/clients/peers';

const SDP = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  'a=ice-ufrag:sess',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'a=candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host',
  'a=mid:0',
  'a=ice-ufrag:aaaa',
  'a=candidate:2 1 udp 2122260223 192.0.2.1 5001 typ host',
  'a=end-of-candidates',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'a=mid:1',
  'a=candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host',
  '',
].join('\r\n');

describe('splitCandidates', () => {
  it('takes candidates (and end-of-candidates) out of the SDP with their section mid, index and ufrag', () => {
    const { sdp, candidates } = splitCandidates(SDP);
    expect(sdp).not.toMatch(/a=candidate|end-of-candidates/);
    expect(sdp).toContain('a=mid:1\r\n');
    expect(sdp.split('\r\n')).toHaveLength(SDP.split('\r\n').length - 4);
    expect(candidates).toEqual([
      {
        candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host',
        sdpMid: '0',
        sdpMLineIndex: 0,
        usernameFragment: 'aaaa',
      },
      {
        candidate: 'candidate:2 1 udp 2122260223 192.0.2.1 5001 typ host',
        sdpMid: '0',
        sdpMLineIndex: 0,
        usernameFragment: 'aaaa',
      },
      {
        candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host',
        sdpMid: '1',
        sdpMLineIndex: 1,
        usernameFragment: 'sess',
      },
    ]);
  });

  it('leaves an SDP without candidates as it is', () => {
    const plain = 'v=0\nm=audio 9 RTP/AVP 0\na=mid:0\n';
    expect(splitCandidates(plain)).toEqual({ sdp: plain, candidates: [] });
  });
});

describe('announcedTracks', () => {
  it('names each m-section with a stream by kind, mid, stream id (the publisher UID) and SSRCs', () => {
    const offer = [
      'v=0',
      'a=msid-semantic: WMS 1',
      'm=audio 9 UDP/TLS/RTP/SAVPF 96',
      'a=mid:0',
      'a=msid:1 07dffbfb',
      'a=ssrc:587902603 cname:x',
      'a=ssrc:587902603 msid:1 07dffbfb',
      'm=video 9 UDP/TLS/RTP/SAVPF 97',
      'a=mid:1',
      'a=msid:12 e882',
      'a=ssrc:2905533711 cname:x',
      'a=ssrc:17 cname:x',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      'a=mid:2',
      '',
    ].join('\r\n');
    expect(announcedTracks(offer)).toEqual([
      { kind: 'audio', mid: '0', streamId: '1', ssrcs: [587902603] },
      { kind: 'video', mid: '1', streamId: '12', ssrcs: [2905533711, 17] },
    ]);
    expect(announcedTracks(SDP)).toEqual([]);
    expect(announcedTracks('')).toEqual([]);
  });
});

describe('PeerDirectory', () => {
  it('records server peer events with the observer uid and keeps the directory', () => {
    const records: RecordInput[] = [];
    const d = new PeerDirectory(2, (r) => records.push(r));
    d.apply({ type: 'user-joined', uid: 1 });
    d.apply({ type: 'user-published', uid: 1, kind: 'video' });
    expect(d.snapshot()).toEqual(new Map([[1, { published: ['video'] }]]));
    d.apply({ type: 'user-unpublished', uid: 1, kind: 'video', reason: 'no-media' });
    d.apply({ type: 'user-left', uid: 1, reason: 'ServerTimeOut' });
    expect(d.snapshot().size).toBe(0);
    expect(records).toEqual([
      { type: 'peer', uid: 2, event: 'user-joined', peer: 1 },
      { type: 'peer', uid: 2, event: 'user-published', peer: 1, mediaType: 'video' },
      { type: 'peer', uid: 2, event: 'user-unpublished', peer: 1, mediaType: 'video', reason: 'no-media' },
      { type: 'peer', uid: 2, event: 'user-left', peer: 1, reason: 'ServerTimeOut' },
    ]);
  });

  it('reports the differences of a (re)join member list, marked member-list', () => {
    const records: RecordInput[] = [];
    const d = new PeerDirectory(9, (r) => records.push(r));
    d.reconcile([
      { uid: 9, published: [] },
      { uid: 1, published: ['audio'] },
      { uid: 3, published: [] },
    ]);
    d.reconcile([
      { uid: 1, published: ['audio', 'video'] },
      { uid: 4, published: [] },
    ]);
    const seen = (records as unknown as Array<Record<string, unknown>>).map(
      (r) => `${String(r.event)}:${String(r.peer)}${r.mediaType ? `:${String(r.mediaType)}` : ''}`,
    );
    expect(seen).toEqual([
      'user-joined:1',
      'user-published:1:audio',
      'user-joined:3',
      'user-left:3',
      'user-published:1:video',
      'user-joined:4',
    ]);
    expect(records.every((r) => (r as { reason?: string }).reason === 'member-list')).toBe(true);
  });
});
