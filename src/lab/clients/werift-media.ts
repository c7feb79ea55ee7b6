/**
 * Synthetic media for the werift engine, which has no encoders: well-formed RTP written to
 * werift tracks — Opus silence frames at 50 packets/s and a real, decodable VP8 loop
 * ({@link VP8_LOOP_BASE64}) at 30 frames/s (≈ 35 kbps in all: werift 0.24.4 corrupts packets
 * that carry RTP padding, so none is added).
 */
import type { MediaKind } from '../../shared';
import { loadWerift } from './engines';
import { FrameClock } from './frame-clock';
import type { SyntheticMedia } from './synthetic-media';
import { TrackPool } from './track-pool';
import { VP8_LOOP_BASE64, VP8_LOOP_FPS } from './vp8-loop';

/** Opus CELT-only fullband 20 ms frame that decodes to silence (TOC 0xF8, code 0). */
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

interface WeriftTrack {
  kind: string;
  stopped: boolean;
  stop(): void;
  writeRtp(packet: unknown): void;
}

/** Well-formed RTP (no encoders in werift). */
export class WeriftSyntheticMedia extends TrackPool<WeriftTrack> implements SyntheticMedia {
  readonly engine = 'werift' as const;
  private readonly werift = loadWerift();
  protected readonly clocks = {
    audio: new FrameClock(20, () => this.pushAudio()),
    video: new FrameClock(1000 / VP8_LOOP_FPS, () => this.pushVideo()),
  };
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

  protected newTrack(kind: MediaKind): WeriftTrack {
    return new this.werift.MediaStreamTrack({ kind }) as unknown as WeriftTrack;
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
