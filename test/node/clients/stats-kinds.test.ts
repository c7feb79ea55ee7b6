/**
 * The sampler's per-kind packet deltas on scripted stats reports: sent from outbound-rtp, received
 * and lost from inbound-rtp, by kind, summed over PCs, with the interval they cover; nothing on a
 * PC's first sample (no baseline), and a counter restart (new RTP stream) is not a negative figure.
 */
import { describe, expect, it } from 'vitest';
import type { PeerConnectionLike } from '../../../src/lab/clients/engines';
import { StatsSampler } from '../../../src/lab/clients/stats-sampler';

/** A PC whose getStats answers the current value of `stats`. */
function scriptedPc(stats: { current: Array<Record<string, unknown>> }): PeerConnectionLike {
  return {
    iceConnectionState: 'connected',
    connectionState: 'connected',
    getStats: async () => ({
      forEach: (cb: (v: Record<string, unknown>) => void) => stats.current.forEach(cb),
    }),
  } as unknown as PeerConnectionLike;
}

const out = (id: string, kind: string, packetsSent: number) => ({
  id,
  type: 'outbound-rtp',
  kind,
  packetsSent,
  bytesSent: packetsSent * 100,
});
const inb = (id: string, kind: string, packetsReceived: number, packetsLost: number) => ({
  id,
  type: 'inbound-rtp',
  kind,
  packetsReceived,
  packetsLost,
  bytesReceived: packetsReceived * 100,
});

describe('per-kind packet deltas', () => {
  it('counts what each kind sent, received and lost since the previous sample', async () => {
    const pub = { current: [out('a', 'audio', 100), out('v', 'video', 300)] };
    const sub = { current: [inb('ra', 'audio', 90, 1), inb('rv', 'video', 280, 5)] };
    const sampler = new StatsSampler({
      uid: 1,
      engine: 'wrtc',
      sink: () => undefined,
      intervalMs: 1000,
      sources: () => [
        { name: 'pub', pc: pubPc },
        { name: 'sub', pc: subPc },
      ],
    });
    const pubPc = scriptedPc(pub);
    const subPc = scriptedPc(sub);

    const first = await sampler.sampleOnce();
    expect(first?.kinds).toBeUndefined();
    expect(first?.intervalMs).toBeUndefined();

    pub.current = [out('a', 'audio', 150), out('v', 'video', 300)];
    sub.current = [inb('ra', 'audio', 140, 3), inb('rv', 'video', 280, 5)];
    const second = await sampler.sampleOnce();
    expect(second?.kinds).toEqual({
      audio: { sentPackets: 50, receivedPackets: 50, lostPackets: 2 },
      video: { sentPackets: 0, receivedPackets: 0, lostPackets: 0 },
    });
    expect(second?.intervalMs).toBeGreaterThan(0);

    // A rejoin's new stream starts its counters again: the delta is not negative.
    pub.current = [out('a2', 'audio', 10)];
    sub.current = [];
    const third = await sampler.sampleOnce();
    expect(third?.kinds).toBeUndefined();
    pub.current = [out('a2', 'audio', 4)];
    const fourth = await sampler.sampleOnce();
    expect(fourth?.kinds).toEqual({ audio: { sentPackets: 0, receivedPackets: null, lostPackets: null } });
  });
});
