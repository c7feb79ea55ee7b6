/**
 * Engines, synthetic media and the stats sampler without a server: a publisher PC and a
 * receiver PC on loopback, offer/answer and candidates passed by hand.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordInput } from '../../../src/shared';
import {
  createPeerConnection,
  loadWrtc,
  type NodeEngineName,
  type PeerConnectionLike,
} from '../../../src/lab/clients/engines';
import { createSyntheticMedia, type SyntheticMedia } from '../../../src/lab/clients/synthetic-media';
import { nodeRuntime } from '../../../src/lab/clients/webrtc-runtime';
import { StatsSampler, type StatsSample } from '../../../src/lab/clients/stats-sampler';
import { isLoopbackUdpCandidate } from '../../../src/lab/network-path';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function connect(pubEngine: NodeEngineName, media: SyntheticMedia) {
  const pub = createPeerConnection(pubEngine);
  const sub = createPeerConnection('wrtc');
  cleanup.push(
    () => pub.close(),
    () => sub.close(),
  );
  const wire = (from: PeerConnectionLike, to: PeerConnectionLike) => {
    from.onicecandidate = (e) => {
      if (e.candidate && isLoopbackUdpCandidate(e.candidate))
        void to.addIceCandidate(e.candidate).catch(() => undefined);
    };
  };
  wire(pub, sub);
  wire(sub, pub);
  pub.addTransceiver(media.createTrack('audio'), { direction: 'sendonly' });
  pub.addTransceiver(media.createTrack('video'), { direction: 'sendonly' });
  const kinds: string[] = [];
  sub.ontrack = (e) => kinds.push(e.track.kind);
  const offer = await pub.createOffer();
  await pub.setLocalDescription(offer);
  await sub.setRemoteDescription(offer);
  const answer = await sub.createAnswer();
  await sub.setLocalDescription(answer);
  await pub.setRemoteDescription(answer);
  return { pub, sub, kinds };
}

async function waitFor(pred: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(['wrtc', 'werift'] as const)('synthetic media on %s → wrtc receiver', (engine) => {
  it('delivers audio and video that the receiver counts, and stats show both directions', async () => {
    const media = createSyntheticMedia(engine);
    cleanup.push(() => media.dispose());
    const { pub, sub, kinds } = await connect(engine, media);
    await waitFor(() => ['connected', 'completed'].includes(sub.iceConnectionState), 15_000);
    expect(kinds.sort()).toEqual(['audio', 'video']);

    const records: RecordInput[] = [];
    const sampler = new StatsSampler({
      uid: 1,
      engine,
      sink: (r) => records.push(r),
      intervalMs: 300,
      sources: () => [
        { name: 'pub', pc: pub },
        { name: 'sub', pc: sub },
      ],
      extras: () => ({ synthetic: media.counters() }),
    });
    sampler.start();
    cleanup.push(() => sampler.stop());
    // RecordInput's Omit drops the per-type fields of loose records: read them as samples.
    const stats = () => records.filter((r) => r.type === 'stats') as unknown as StatsSample[];
    await waitFor(() => stats().filter((s) => s.recvKbps !== null && s.recvKbps > 0).length >= 3, 15_000);
    sampler.stop();
    const last = stats().at(-1)!;
    expect(last.recvKbps).toBeGreaterThan(5);
    expect(last.lossPct === null || last.lossPct < 5).toBe(true);
    if (engine === 'wrtc') {
      expect(last.sendKbps).toBeGreaterThan(5);
      expect(last.rttMs).not.toBeNull();
    }
    expect(last.raw).toMatchObject({ engine });
    const c = media.counters();
    expect(c.audioFrames).toBeGreaterThan(20);
    expect(c.videoFrames).toBeGreaterThan(5);
    const subRaw = last.raw?.sub as { framesDecoded?: number };
    expect(subRaw.framesDecoded ?? 0).toBeGreaterThan(0);
  });
});

describe('synthetic media lifecycle', () => {
  it('stops generating when disposed', async () => {
    const media = createSyntheticMedia('wrtc');
    media.createTrack('audio');
    await new Promise((r) => setTimeout(r, 200));
    media.dispose();
    const a = media.counters().audioFrames;
    expect(a).toBeGreaterThan(5);
    await new Promise((r) => setTimeout(r, 200));
    expect(media.counters().audioFrames).toBe(a);
    expect(() => media.createTrack('video')).toThrow(/disposed/);
  });

  it("takes the runtime's media options: a local sink sees frames of the size asked for", async () => {
    const media = nodeRuntime('wrtc', {}, { width: 160, height: 96, videoFps: 5 }).createMedia();
    cleanup.push(() => media.dispose());
    const track = media.createTrack('video');
    const { nonstandard } = loadWrtc() as unknown as {
      nonstandard: {
        RTCVideoSink: new (track: unknown) => {
          onframe: ((e: { frame: { width: number; height: number } }) => void) | null;
          stop(): void;
        };
      };
    };
    const sink = new nonstandard.RTCVideoSink(track);
    cleanup.push(() => sink.stop());
    const sizes: string[] = [];
    sink.onframe = ({ frame }) => sizes.push(`${frame.width}×${frame.height}`);
    await waitFor(() => sizes.length >= 2, 10_000);
    expect(new Set(sizes)).toEqual(new Set(['160×96']));
  });

  it('rejects bad video sizes clearly', () => {
    expect(() => createSyntheticMedia('wrtc', { width: 321 })).toThrow(/even integer/);
  });
});
