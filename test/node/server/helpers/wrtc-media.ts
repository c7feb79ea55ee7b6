/**
 * Minimal @roamhq/wrtc media endpoints for SFU tests, driven over a {@link TestClient}:
 * a publisher (pub PC fed by RTCVideoSource / RTCAudioSource at a bounded rate for a bounded
 * time) and a subscriber (answers the server's sub offers, counts decoded video frames with
 * RTCVideoSink). Not the lab's connection manager — just enough to exercise the server.
 */
import wrtc from '@roamhq/wrtc';
import type { CandidateInit } from '../../../../src/lab/network-path';
import { isLoopbackUdpCandidate } from '../../../../src/lab/network-path';
import type { ServerMessage } from '../../../../src/shared/protocol/messages';
import type { TestClient } from './ws-client';

interface Desc {
  type: 'offer' | 'answer';
  sdp: string;
}
interface Track {
  kind: string;
  stop(): void;
}
interface Pc {
  connectionState: string;
  onicecandidate: ((e: { candidate: { toJSON(): CandidateInit } | null }) => void) | null;
  ontrack: ((e: { track: Track; streams: Array<{ id: string }> }) => void) | null;
  addTransceiver(track: Track, init: { direction: string }): unknown;
  createOffer(options?: { iceRestart?: boolean }): Promise<Desc>;
  createAnswer(): Promise<Desc>;
  setLocalDescription(d: Desc): Promise<void>;
  setRemoteDescription(d: Desc): Promise<void>;
  addIceCandidate(c: CandidateInit): Promise<void>;
  getStats(): Promise<Map<string, Record<string, unknown>>>;
  close(): void;
}
interface VideoSource {
  createTrack(): Track;
  onFrame(frame: { width: number; height: number; data: Uint8Array }): void;
}
interface AudioSource {
  createTrack(): Track;
  onData(data: {
    samples: Int16Array;
    sampleRate: number;
    bitsPerSample: number;
    channelCount: number;
    numberOfFrames: number;
  }): void;
}
interface VideoSink {
  onframe: (() => void) | null;
  stop(): void;
}
const W = wrtc as unknown as {
  RTCPeerConnection: new (config: { iceServers: [] }) => Pc;
  nonstandard: {
    RTCVideoSource: new () => VideoSource;
    RTCAudioSource: new () => AudioSource;
    RTCVideoSink: new (track: Track) => VideoSink;
  };
};

/**
 * One PC plus trickle ICE over the test client (remote candidates queued until SRD). It never
 * reads the PC's description getters: they can segfault while libwebrtc's signaling thread
 * changes the description (see `PeerConnectionLike` in src/lab/clients/engines.ts).
 */
class Link {
  readonly pc = new W.RTCPeerConnection({ iceServers: [] });
  private readonly queue: CandidateInit[] = [];
  private remoteApplied = false;

  constructor(
    private readonly client: TestClient,
    readonly name: 'pub' | 'sub',
  ) {
    this.pc.onicecandidate = (e) => {
      if (!e.candidate) return;
      const candidate = e.candidate.toJSON();
      if (isLoopbackUdpCandidate(candidate)) client.send({ type: 'candidate', pc: name, candidate });
    };
  }

  async setRemote(description: Desc): Promise<void> {
    await this.pc.setRemoteDescription(description);
    this.remoteApplied = true;
    for (const c of this.queue.splice(0)) await this.pc.addIceCandidate(c).catch(() => undefined);
  }

  addCandidate(candidate: CandidateInit | null): void {
    if (!candidate) return;
    if (!this.remoteApplied) this.queue.push(candidate);
    else this.pc.addIceCandidate(candidate).catch(() => undefined);
  }

  close(): void {
    this.pc.onicecandidate = null;
    this.pc.close();
  }
}

/** Routes the server's `sdp` / `candidate` messages for one PC name to the current link. */
function route(client: TestClient, name: 'pub' | 'sub', handler: (msg: ServerMessage) => void): () => void {
  return client.onMessage((msg) => {
    if ((msg.type === 'sdp' || msg.type === 'candidate' || msg.type === 'media-reset') && msg.pc === name)
      handler(msg);
  });
}

/** Publishes synthetic VP8 video (and optionally Opus audio) through a wrtc pub PC. */
export class Publisher {
  link: Link;
  private readonly video = new W.nonstandard.RTCVideoSource();
  private readonly audio = new W.nonstandard.RTCAudioSource();
  private readonly tracks: Track[] = [];
  private feeder: NodeJS.Timeout | null = null;
  private feedUntil = 0;
  private readonly unroute: () => void;
  /** Frames handed to the video source. */
  framesFed = 0;
  /** `media-reset` messages for pub received (each answered with a new pub PC). */
  resets = 0;

  constructor(
    private readonly client: TestClient,
    private readonly kinds: Array<'audio' | 'video'> = ['video'],
  ) {
    this.link = this.newLink();
    this.unroute = route(client, 'pub', (msg) => {
      if (msg.type === 'media-reset') {
        this.resets++;
        void this.replacePc();
      }
      if (msg.type === 'sdp' && msg.description.type === 'answer') void this.link.setRemote(msg.description);
      if (msg.type === 'candidate') this.link.addCandidate(msg.candidate);
    });
  }

  /** Announces the kinds and sends the pub offer. */
  async publish(): Promise<void> {
    this.client.send({ type: 'publish', kinds: this.kinds });
    await this.offer();
  }

  /** A new pub PC with the same tracks (what a client does after a rejoin). */
  async replacePc(): Promise<void> {
    this.link.close();
    this.link = this.newLink();
    await this.offer();
  }

  /** Re-offers on the same PC with an ICE restart (new ufrag). */
  async iceRestart(): Promise<void> {
    const offer = await this.link.pc.createOffer({ iceRestart: true });
    await this.link.pc.setLocalDescription(offer);
    this.client.send({
      type: 'sdp',
      pc: 'pub',
      description: { type: 'offer', sdp: offer.sdp },
    });
  }

  /** Feeds frames (video 30 fps, audio 10 ms chunks) for at most `forMs` (≤ 60 s). */
  feed(forMs: number): void {
    this.feedUntil = performance.now() + Math.min(forMs, 60_000);
    if (this.feeder) return;
    const width = 160;
    const height = 120;
    const frame = new Uint8Array((width * height * 3) / 2);
    const samples = new Int16Array(480);
    let tick = 0;
    this.feeder = setInterval(() => {
      if (performance.now() > this.feedUntil) {
        this.stopFeeding();
        return;
      }
      tick++;
      if (this.kinds.includes('audio')) {
        for (let i = 0; i < samples.length; i++)
          samples[i] = Math.round(3000 * Math.sin((tick * 480 + i) / 20));
        for (let i = 0; i < 3; i++) {
          this.audio.onData({
            samples,
            sampleRate: 48_000,
            bitsPerSample: 16,
            channelCount: 1,
            numberOfFrames: 480,
          });
        }
      }
      if (this.kinds.includes('video')) {
        frame.fill(tick % 255, 0, width * height);
        this.video.onFrame({ width, height, data: frame });
        this.framesFed++;
      }
    }, 33);
  }

  /** Key-frame requests (PLI) the publisher's encoder received, from outbound-rtp stats. */
  async pliCount(): Promise<number> {
    const stats = await this.link.pc.getStats();
    let total = 0;
    stats.forEach((s) => {
      if (s.type === 'outbound-rtp' && s.kind === 'video') total += Number(s.pliCount ?? 0);
    });
    return total;
  }

  /** Stops feeding (the encoder then sends nothing: RTP stops). */
  stopFeeding(): void {
    if (this.feeder) clearInterval(this.feeder);
    this.feeder = null;
  }

  close(): void {
    this.stopFeeding();
    this.unroute();
    this.link.close();
    for (const t of this.tracks) t.stop();
  }

  private newLink(): Link {
    const link = new Link(this.client, 'pub');
    for (const kind of this.kinds) {
      const track = kind === 'video' ? this.video.createTrack() : this.audio.createTrack();
      this.tracks.push(track);
      link.pc.addTransceiver(track, { direction: 'sendonly' });
    }
    return link;
  }

  private async offer(): Promise<void> {
    const offer = await this.link.pc.createOffer();
    await this.link.pc.setLocalDescription(offer);
    this.client.send({
      type: 'sdp',
      pc: 'pub',
      description: { type: 'offer', sdp: offer.sdp },
    });
  }
}

/** Receives the server's sub offers and counts decoded video frames per publisher UID. */
export class Subscriber {
  link: Link;
  /** Decoded video frames by publisher UID (from the msid stream id). */
  readonly frames = new Map<number, number>();
  /** performance.now() of the first decoded frame per publisher. */
  readonly firstFrameAt = new Map<number, number>();
  /** Tracks seen by kind and publisher. */
  readonly tracks: Array<{ kind: string; uid: number }> = [];
  offers = 0;
  resets = 0;
  private readonly sinks: VideoSink[] = [];
  private readonly unroute: () => void;

  constructor(private readonly client: TestClient) {
    this.link = this.newLink();
    this.unroute = route(client, 'sub', (msg) => {
      if (msg.type === 'media-reset') {
        this.resets++;
        this.link.close();
        this.link = this.newLink();
      }
      if (msg.type === 'sdp' && msg.description.type === 'offer') void this.answer(msg.description);
      if (msg.type === 'candidate') this.link.addCandidate(msg.candidate);
    });
  }

  /** Sends `subscribe` for a peer's kinds. */
  subscribe(peer: number, kinds: Array<'audio' | 'video'>): void {
    this.client.send({ type: 'subscribe', peer, kinds });
  }

  /** Total decoded frames from one publisher. */
  framesFrom(uid: number): number {
    return this.frames.get(uid) ?? 0;
  }

  /** Sum of packetsReceived over inbound-rtp stats of a kind. */
  async packetsReceived(kind: 'audio' | 'video'): Promise<number> {
    return (await this.inbound(kind)).packetsReceived;
  }

  /** Summed inbound-rtp counters of a kind. */
  async inbound(
    kind: 'audio' | 'video',
  ): Promise<{ packetsReceived: number; packetsLost: number; framesDecoded: number }> {
    const stats = await this.link.pc.getStats();
    const total = { packetsReceived: 0, packetsLost: 0, framesDecoded: 0 };
    stats.forEach((s) => {
      if (s.type !== 'inbound-rtp' || s.kind !== kind) return;
      total.packetsReceived += Number(s.packetsReceived ?? 0);
      total.packetsLost += Number(s.packetsLost ?? 0);
      total.framesDecoded += Number(s.framesDecoded ?? 0);
    });
    return total;
  }

  close(): void {
    this.unroute();
    for (const s of this.sinks) s.stop();
    this.link.close();
  }

  private newLink(): Link {
    const link = new Link(this.client, 'sub');
    link.pc.ontrack = (e) => {
      const uid = Number(e.streams[0]?.id);
      this.tracks.push({ kind: e.track.kind, uid });
      if (e.track.kind !== 'video') return;
      const sink = new W.nonstandard.RTCVideoSink(e.track);
      this.sinks.push(sink);
      sink.onframe = () => {
        if (!this.firstFrameAt.has(uid)) this.firstFrameAt.set(uid, performance.now());
        this.frames.set(uid, (this.frames.get(uid) ?? 0) + 1);
      };
    };
    return link;
  }

  private async answer(offer: Desc): Promise<void> {
    this.offers++;
    await this.link.setRemote(offer);
    const answer = await this.link.pc.createAnswer();
    await this.link.pc.setLocalDescription(answer);
    this.client.send({
      type: 'sdp',
      pc: 'sub',
      description: { type: 'answer', sdp: answer.sdp },
    });
  }
}
