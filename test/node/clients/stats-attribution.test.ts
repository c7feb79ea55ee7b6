/**
 * The sampler's per-publisher receive counters on a scripted stats report (the live engines are
 * covered in client-media and seed-mixed): attribution by SSRC, then by mid; stream ids that are
 * not UIDs, kinds that are not audio/video, and `__proto__` from a hostile SDP are never keys.
 */
import { describe, expect, it } from 'vitest';
import { announcedTracks } from '../../../src/lab/clients/sdp';
import type { PeerConnectionLike } from '../../../src/lab/clients/engines';
import { StatsSampler } from '../../../src/lab/clients/stats-sampler';

/** A PC whose getStats answers these stats (only what the sampler reads). */
function scriptedPc(stats: Array<Record<string, unknown>>): PeerConnectionLike {
  return {
    iceConnectionState: 'connected',
    connectionState: 'connected',
    getStats: async () => ({ forEach: (cb: (v: Record<string, unknown>) => void) => stats.forEach(cb) }),
  } as unknown as PeerConnectionLike;
}

const inbound = (id: string, fields: Record<string, unknown>) => ({
  id,
  type: 'inbound-rtp',
  bytesReceived: 1000,
  ...fields,
});

describe('per-publisher receive counters', () => {
  it('attributes inbound RTP to the announcing stream by SSRC, else by mid, and keys only UIDs', async () => {
    const offer = [
      'm=audio 9 UDP/TLS/RTP/SAVPF 96',
      'a=mid:0',
      'a=msid:1 a1',
      'a=ssrc:111 cname:x',
      'm=video 9 UDP/TLS/RTP/SAVPF 97',
      'a=mid:1',
      'a=msid:1 v1',
      'm=audio 9 UDP/TLS/RTP/SAVPF 96',
      'a=mid:2',
      'a=msid:__proto__ a2',
      'a=ssrc:222 cname:x',
      'm=audio 9 UDP/TLS/RTP/SAVPF 96',
      'a=mid:3',
      'a=msid:not-a-uid a3',
      'a=ssrc:333 cname:x',
    ].join('\r\n');
    const pc = scriptedPc([
      inbound('A', { ssrc: 111, kind: 'audio', packetsReceived: 50, mid: 'wrong' }),
      inbound('V', { ssrc: 999, kind: 'video', packetsReceived: 30, mid: '1' }),
      inbound('P', { ssrc: 222, kind: 'audio', packetsReceived: 7 }),
      inbound('N', { ssrc: 333, kind: 'audio', packetsReceived: 9 }),
      inbound('K', { ssrc: 111, kind: 'toString', packetsReceived: 4 }),
      inbound('U', { ssrc: 444, kind: 'audio', packetsReceived: 3 }),
    ]);
    const sampler = new StatsSampler({
      uid: 2,
      engine: 'wrtc',
      sink: () => undefined,
      intervalMs: 1000,
      sources: () => [{ name: 'sub', pc, announced: announcedTracks(offer) }],
    });
    const sample = await sampler.sampleOnce();
    const sub = sample!.raw['sub'] as { packetsReceived: number; fromPeers: Record<string, unknown> };
    expect(sub.packetsReceived).toBe(50 + 30 + 7 + 9 + 4 + 3);
    expect(sub.fromPeers).toEqual({ '1': { audio: 50, video: 30 } });
    expect(Object.keys(sub.fromPeers)).toEqual(['1']);
    expect(({} as Record<string, unknown>)['audio']).toBeUndefined(); // nothing leaked into Object.prototype
  });

  it('leaves fromPeers out when nothing is announced', async () => {
    const pc = scriptedPc([inbound('A', { ssrc: 111, kind: 'audio', packetsReceived: 5 })]);
    const sampler = new StatsSampler({
      uid: 2,
      engine: 'wrtc',
      sink: () => undefined,
      intervalMs: 1000,
      sources: () => [{ name: 'sub', pc }],
    });
    const sample = await sampler.sampleOnce();
    expect(sample!.raw['sub']).not.toHaveProperty('fromPeers');
  });
});
