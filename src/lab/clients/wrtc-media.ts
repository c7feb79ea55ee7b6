/**
 * Synthetic media for the wrtc engine: real Opus and VP8 from libwebrtc's encoders, fed
 * through `nonstandard.RTCAudioSource` (48 kHz mono, 10 ms frames, a tone) and
 * `RTCVideoSource` (320×240 I420: moving stripes over a band of grain).
 */
import type { MediaKind } from '../../shared';
import { loadWrtc } from './engines';
import { FrameClock } from './frame-clock';
import type { SyntheticMedia, SyntheticMediaOptions } from './synthetic-media';
import { TrackPool } from './track-pool';

interface TrackLike {
  kind: string;
  stop(): void;
}

/** Real Opus and VP8 from libwebrtc's encoders. */
export class WrtcSyntheticMedia extends TrackPool<TrackLike> implements SyntheticMedia {
  readonly engine = 'wrtc' as const;
  private readonly audioSource: { createTrack(): TrackLike; onData(d: unknown): void };
  private readonly videoSource: { createTrack(): TrackLike; onFrame(f: unknown): void };
  protected readonly clocks: Record<MediaKind, FrameClock>;
  private readonly samples = new Int16Array(480);
  private readonly frame: Uint8Array;
  private readonly width: number;
  private readonly height: number;
  private phase = 0;
  private noise = 0x9e3779b9;

  constructor(options: SyntheticMediaOptions) {
    super();
    const wrtc = loadWrtc();
    this.audioSource = new wrtc.nonstandard.RTCAudioSource();
    this.videoSource = new wrtc.nonstandard.RTCVideoSource();
    this.width = evenSize(options.width, 320);
    this.height = evenSize(options.height, 240);
    this.frame = new Uint8Array((this.width * this.height * 3) / 2);
    this.frame.fill(128, this.width * this.height);
    const fps = Math.min(30, Math.max(1, options.videoFps ?? 15));
    this.clocks = {
      audio: new FrameClock(10, () => this.pushAudio()),
      video: new FrameClock(1000 / fps, () => this.pushVideo()),
    };
  }

  protected newTrack(kind: MediaKind): TrackLike {
    return kind === 'audio' ? this.audioSource.createTrack() : this.videoSource.createTrack();
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

function evenSize(value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 16 || v > 1920 || v % 2 !== 0) {
    throw new Error(`video size must be an even integer in [16, 1920], got ${String(value)}`);
  }
  return v;
}
