import { describe, expect, it } from 'vitest';
import { candidateKind, GatheringTally } from '../../../src/lab/clients/gathering';
import { hasTurnServer } from '../../../src/lab/clients/engines';

const host = 'candidate:1 1 udp 2122260223 127.0.0.1 52141 typ host generation 0';
const relay = 'candidate:9 1 UDP 41885439 127.0.0.1 20011 typ relay raddr 127.0.0.1 rport 52141';
const tcpHost = 'a=candidate:3 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active';

describe('gathering tally', () => {
  it('reads type and protocol from candidate lines and rejects what is not one', () => {
    expect(candidateKind(host)).toEqual({ type: 'host', protocol: 'udp' });
    expect(candidateKind(relay)).toEqual({ type: 'relay', protocol: 'udp' });
    expect(candidateKind(tcpHost)).toEqual({ type: 'host', protocol: 'tcp' });
    expect(candidateKind('')).toBeNull();
    expect(candidateKind('candidate:1 1 udp 1 127.0.0.1 5 typ')).toBeNull();
    expect(candidateKind('candidate:1 1 u<p 1 127.0.0.1 5 typ host')).toBeNull();
  });

  it('sums a round up, says when TURN is configured and no relay candidate came, and starts over', () => {
    const tally = new GatheringTally();
    expect(tally.empty).toBe(true);
    tally.add(host);
    tally.add(relay);
    tally.add(relay);
    tally.add('garbage');
    expect(tally.take('pub', true)).toEqual({
      level: 'info',
      msg: 'pub PC gathered candidates: host udp ×1, relay udp ×2, unreadable 1',
    });
    expect(tally.empty).toBe(true);
    tally.add(host);
    expect(tally.take('sub', true)).toEqual({
      level: 'info',
      msg: 'sub PC gathered candidates: host udp ×1 (no relay candidate although TURN is configured: TURN unreachable or refused, or gathering stopped once a direct pair worked)',
    });
    tally.add(host);
    expect(tally.take('sub', false)).toEqual({
      level: 'info',
      msg: 'sub PC gathered candidates: host udp ×1',
    });
  });

  it('knows a TURN server from its URLs', () => {
    expect(hasTurnServer({})).toBe(false);
    expect(hasTurnServer({ iceServers: [{ urls: 'stun:127.0.0.1:3478' }] })).toBe(false);
    expect(hasTurnServer({ iceServers: [{ urls: ['stun:a', 'turn:127.0.0.1:3478?transport=tcp'] }] })).toBe(
      true,
    );
    expect(hasTurnServer({ iceServers: [{ urls: 'TURNS:example.test:5349' }] })).toBe(true);
  });
});
