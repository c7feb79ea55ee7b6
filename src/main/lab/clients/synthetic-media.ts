/**
 * Synthetic media for publishers, per engine, with bounded timers that stop on dispose.
 * - wrtc: real Opus and VP8 from libwebrtc's encoders, fed through `nonstandard.RTCAudioSource`
 *   (48 kHz mono, 10 ms frames, a tone) and `RTCVideoSource` (320×240 I420, moving stripes).
 * - werift (no encoders): well-formed RTP written to werift tracks — Opus silence frames at
 *   50 packets/s and a real, decodable VP8 loop ({@link VP8_LOOP_BASE64}) at 30 frames/s
 *   (≈ 35 kbps in all: werift 0.24.4 corrupts packets that carry RTP padding, so none is added).
 * Generation runs only while a track of that kind is live.
 */
import type { MediaKind } from '../../../shared';
import { loadWerift, loadWrtc, type EngineName } from './engines';
import { VP8_LOOP_BASE64, VP8_LOOP_FPS } from './vp8-loop';

/** Options of a synthetic source. */
export interface SyntheticMediaOptions {
  /** Video frame rate (wrtc: 1–30, default 15; werift always sends its 30 fps loop). */
  videoFps?: number;
  /** Video size for wrtc (default 320×240; even numbers). */
  width?: number;
  height?: number;
}

/** Counters of what was generated, for tests and `raw` stats. */
export interface SyntheticMediaCounters {
  audioFrames: number;
  videoFrames: number;
}

/** A source of engine-native tracks carrying generated audio and video. */
export interface SyntheticMedia {
  readonly engine: EngineName;
  /** A new engine-native track of `kind`, fed by this source until released or disposed. */
  createTrack(kind: MediaKind): unknown;
  /** Stops a track made by {@link createTrack}; generation pauses when no track of a kind is left. */
  releaseTrack(track: unknown): void;
  /** What has been generated so far. */
  counters(): SyntheticMediaCounters;
  /** Stops every track and timer. Idempotent. */
  dispose(): void;
}

/** Creates the synthetic source for `engine`. */
export function createSyntheticMedia(
  engine: EngineName,
  options: SyntheticMediaOptions = {},
): SyntheticMedia {
  return engine === 'wrtc' ? new WrtcSyntheticMedia(options) : new WeriftSyntheticMedia();
}

/** Longest catch-up after a stalled event loop, in frames: bounded bursts, never a flood. */
const MAX_BURST = 5;

/**
 * A periodic generator driven by elapsed time (setInterval drifts under load): each tick emits
 * the frames that are due, at most {@link MAX_BURST}.
 */
class FrameClock {
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private emitted = 0;

  constructor(
    private readonly periodMs: number,
    private readonly emit: () => void,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer) return;
    this.startedAt = performance.now();
    this.emitted = 0;
    this.timer = setInterval(() => this.tick(), Math.max(5, this.periodMs));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const due = Math.floor((performance.now() - this.startedAt) / this.periodMs) + 1;
    let burst = Math.min(MAX_BURST, due - this.emitted);
    if (due - this.emitted > MAX_BURST) this.emitted = due - MAX_BURST; // drop what is too late
    while (burst-- > 0) {
      this.emitted += 1;
      this.emit();
    }
  }
}

interface TrackLike {
  kind: string;
  stop(): void;
}

class WrtcSyntheticMedia implements SyntheticMedia {
  readonly engine = 'wrtc' as const;
  private readonly audioSource: { createTrack(): TrackLike; onData(d: unknown): void };
  private readonly videoSource: { createTrack(): TrackLike; onFrame(f: unknown): void };
  private readonly live = { audio: new Set<TrackLike>(), video: new Set<TrackLike>() };
  private readonly audioClock: FrameClock;
  private readonly videoClock: FrameClock;
  private readonly count: SyntheticMediaCounters = { audioFrames: 0, videoFrames: 0 };
  private readonly samples = new Int16Array(480);
  private readonly frame: Uint8Array;
  private readonly width: number;
  private readonly height: number;
  private phase = 0;
  private noise = 0x9e3779b9;
  private disposed = false;

  constructor(options: SyntheticMediaOptions) {
    const wrtc = loadWrtc();
    this.audioSource = new wrtc.nonstandard.RTCAudioSource();
    this.videoSource = new wrtc.nonstandard.RTCVideoSource();
    this.width = evenSize(options.width, 320);
    this.height = evenSize(options.height, 240);
    this.frame = new Uint8Array((this.width * this.height * 3) / 2);
    this.frame.fill(128, this.width * this.height);
    const fps = Math.min(30, Math.max(1, options.videoFps ?? 15));
    this.audioClock = new FrameClock(10, () => this.pushAudio());
    this.videoClock = new FrameClock(1000 / fps, () => this.pushVideo());
  }

  createTrack(kind: MediaKind): unknown {
    if (this.disposed) throw new Error('synthetic media is disposed');
    const track = kind === 'audio' ? this.audioSource.createTrack() : this.videoSource.createTrack();
    this.live[kind].add(track);
    (kind === 'audio' ? this.audioClock : this.videoClock).start();
    return track;
  }

  releaseTrack(track: unknown): void {
    for (const kind of ['audio', 'video'] as const) {
      if (this.live[kind].delete(track as TrackLike)) {
        (track as TrackLike).stop();
        if (this.live[kind].size === 0) (kind === 'audio' ? this.audioClock : this.videoClock).stop();
      }
    }
  }

  counters(): SyntheticMediaCounters {
    return { ...this.count };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.audioClock.stop();
    this.videoClock.stop();
    for (const set of Object.values(this.live)) {
      for (const track of set) track.stop();
      set.clear();
    }
  }

  private pushAudio(): void {
    // 440 Hz tone, 10 ms at 48 kHz mono.
    for (let i = 0; i < 480; i++) {
      this.samples[i] = Math.round(4000 * Math.sin(this.phase));
      this.phase += (2 * Math.PI * 440) / 48_000;
    }
    this.phase %= 2 * Math.PI;
    this.audioSource.onData({
      samples: this.samples,
      sampleRate: 48_000,
      bitsPerSample: 16,
      channelCount: 1,
    });
    this.count.audioFrames += 1;
  }

  /**
   * Moving stripes over a band of fresh grain: stripes alone compress to a few kbps, which no
   * camera does; the grain keeps the VP8 encoder at a camera-like bitrate (hundreds of kbps)
   * so bandwidth and loss faults act on realistic traffic.
   */
  private pushVideo(): void {
    const { width, height, frame } = this;
    const shift = this.count.videoFrames * 4;
    const grainFrom = Math.floor((height * 2) / 3);
    let n = this.noise;
    for (let y = 0; y < height; y++) {
      const row = y * width;
      if (y < grainFrom) {
        for (let x = 0; x < width; x++) frame[row + x] = (x + shift) & 64 ? 200 : 60;
      } else {
        for (let x = 0; x < width; x++) {
          n ^= n << 13;
          n ^= n >>> 17;
          n ^= n << 5;
          frame[row + x] = 64 + (n & 127);
        }
      }
    }
    this.noise = n;
    this.videoSource.onFrame({ width, height, data: frame });
    this.count.videoFrames += 1;
  }
}

/** Opus CELT-only fullband 20 ms frame that decodes to silence (TOC 0xF8, code 0). */
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

interface WeriftTrack {
  kind: string;
  stopped: boolean;
  stop(): void;
  writeRtp(packet: unknown): void;
}

class WeriftSyntheticMedia implements SyntheticMedia {
  readonly engine = 'werift' as const;
  private readonly werift = loadWerift();
  private readonly live = { audio: new Set<WeriftTrack>(), video: new Set<WeriftTrack>() };
  private readonly audioClock = new FrameClock(20, () => this.pushAudio());
  private readonly videoClock = new FrameClock(1000 / VP8_LOOP_FPS, () => this.pushVideo());
  private readonly count: SyntheticMediaCounters = { audioFrames: 0, videoFrames: 0 };
  private readonly vp8 = VP8_LOOP_BASE64.map((b64) =>
    Buffer.concat([Buffer.from([0x10]), Buffer.from(b64, 'base64')]),
  );
  private readonly seq = {
    audio: Math.floor(Math.random() * 30_000),
    video: Math.floor(Math.random() * 30_000),
  };
  private readonly ts = {
    audio: Math.floor(Math.random() * 2 ** 30),
    video: Math.floor(Math.random() * 2 ** 30),
  };
  private disposed = false;

  createTrack(kind: MediaKind): unknown {
    if (this.disposed) throw new Error('synthetic media is disposed');
    const track = new this.werift.MediaStreamTrack({ kind }) as unknown as WeriftTrack;
    this.live[kind].add(track);
    (kind === 'audio' ? this.audioClock : this.videoClock).start();
    return track;
  }

  releaseTrack(track: unknown): void {
    for (const kind of ['audio', 'video'] as const) {
      if (this.live[kind].delete(track as WeriftTrack)) {
        (track as WeriftTrack).stop();
        if (this.live[kind].size === 0) (kind === 'audio' ? this.audioClock : this.videoClock).stop();
      }
    }
  }

  counters(): SyntheticMediaCounters {
    return { ...this.count };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.audioClock.stop();
    this.videoClock.stop();
    for (const set of Object.values(this.live)) {
      for (const track of set) track.stop();
      set.clear();
    }
  }

  private write(kind: MediaKind, payload: Buffer, marker: boolean, tsStep: number): void {
    const { RtpHeader, RtpPacket } = this.werift;
    for (const track of this.live[kind]) {
      if (track.stopped) continue;
      // A packet per track: werift's sender rewrites the header in place.
      const header = new RtpHeader({
        payloadType: kind === 'audio' ? 111 : 96,
        sequenceNumber: this.seq[kind],
        timestamp: this.ts[kind] >>> 0,
        marker,
      });
      track.writeRtp(new RtpPacket(header, Buffer.from(payload)));
    }
    this.seq[kind] = (this.seq[kind] + 1) & 0xffff;
    this.ts[kind] = (this.ts[kind] + tsStep) % 2 ** 32;
  }

  private pushAudio(): void {
    this.write('audio', OPUS_SILENCE, false, 960);
    this.count.audioFrames += 1;
  }

  private pushVideo(): void {
    const frame = this.vp8[this.count.videoFrames % this.vp8.length]!;
    this.write('video', frame, true, 90_000 / VP8_LOOP_FPS);
    this.count.videoFrames += 1;
  }
}

function evenSize(value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 16 || v > 1920 || v % 2 !== 0) {
    throw new Error(`video size must be an even integer in [16, 1920], got ${String(value)}`);
  }
  return v;
}
